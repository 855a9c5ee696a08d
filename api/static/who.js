"use strict";
// Loaded after app.js, whose helpers ($, esc, api, showError, evidence, names) it uses.
// -- who does what where ---------------------------------------------------------------------------------------------
const WHO_PAGE = 20;
const WHO_SCOPES = {
  inherited: "territoire du porteur du plan (aucun lieu écrit)",
  wider: "territoire plus large",
};
const WHO_SOURCES = { row: "rubrique", layout: "bloc CONTACTS", sentence: "phrase", issuer: "porteur du plan" };

function whoAction(a) {
  const scope = WHO_SCOPES[a.scope] ? ` <span class="wider">(${esc(WHO_SCOPES[a.scope])})</span>` : "";
  const roles = a.roles.length > 1 ? ` <span class="meta">(${esc(a.roles.join(", "))})</span>` : "";
  const source = WHO_SOURCES[a.evidence.source] ? ` <span class="meta">source : ${esc(WHO_SOURCES[a.evidence.source])}</span>` : "";
  const theme = a.theme_evidence && a.theme_evidence.quote
    ? `<p class="meta">Thématique : « ${esc(a.theme_evidence.quote)} »</p>` : "";
  return `<li><strong>${esc(a.role_label)}</strong>${roles} — <button type="button" class="link open-action" data-id="${esc(a.id)}">${esc(a.title)}</button>
    <span class="meta">${esc(a.territories.map((t) => t.name).join(", "))}</span>${scope}${source}
    ${evidence(a.evidence)}${theme}</li>`;
}

function whoResult(r) {
  const counts = Object.entries(r.roles).map(([label, n]) => `${label} ×${n}`).join(", ");
  return `<article class="card"><h3>${esc(r.actor.display || r.actor.name)} <span class="meta">${esc(r.actor.kind || "")}</span></h3>
    <p class="meta">${esc(counts)}</p><ul>${r.actions.map(whoAction).join("")}</ul></article>`;
}

async function whoSearch(offset) {
  const out = $("#who-results");
  const params = new URLSearchParams({ limit: String(WHO_PAGE), offset: String(offset) });
  if ($("#who-what").value) params.set("what", $("#who-what").value);
  if ($("#who-where").value) params.set("where", $("#who-where").value);
  out.innerHTML = "<p>Recherche…</p>";
  try {
    const body = await api(`/who?${params}`);
    const head = `<p><strong>${esc(body.summary)}</strong></p>` + (body.scope ? `<p class="meta">Périmètre : ${esc(body.scope)}</p>` : "");
    const more = body.total > offset + body.results.length
      ? `<button type="button" id="who-more" data-offset="${offset + body.results.length}">Acteurs suivants</button>` : "";
    const back = offset > 0 ? `<button type="button" id="who-back" data-offset="${Math.max(0, offset - WHO_PAGE)}">Acteurs précédents</button>` : "";
    out.innerHTML = body.results.length
      ? head + body.results.map(whoResult).join("") + `<p class="row">${back}${more}</p>`
      : "<p>Aucun acteur trouvé.</p>";
  } catch (error) {
    showError(out, error);
  }
}

$("#who-form").addEventListener("submit", (e) => {
  e.preventDefault();
  whoSearch(0);
});

$("#who-results").addEventListener("click", (e) => {
  const page = e.target.closest("#who-more, #who-back");
  if (page) whoSearch(Number(page.dataset.offset));
});

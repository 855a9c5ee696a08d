"use strict";
// Loaded after app.js, whose helpers ($, esc, api, showError, evidence, names) it uses.
// -- who does what where ---------------------------------------------------------------------------------------------
$("#who-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#who-results");
  const params = new URLSearchParams();
  if ($("#who-what").value) params.set("what", $("#who-what").value);
  if ($("#who-where").value) params.set("where", $("#who-where").value);
  out.innerHTML = "<p>Recherche…</p>";
  try {
    const body = await api(`/who?${params}`);
    out.innerHTML = body.results.map((r) => `<article class="card"><h3>${esc(r.actor.display || r.actor.name)} <span class="meta">${esc(r.actor.kind || "")}</span></h3><ul>
      ${r.actions.map((a) => `<li>${esc(a.role === "piloted_by" ? "pilote" : a.role)} — <button type="button" class="link open-action" data-id="${esc(a.id)}">${esc(a.title)}</button>
        <span class="meta">${esc(a.territories.map((t) => t.name).join(", "))}</span> ${a.scope === "wider" ? '<span class="wider">(territoire plus large)</span>' : ""}
        ${evidence(a.evidence)}</li>`).join("")}</ul></article>`).join("") || "<p>Aucun acteur trouvé.</p>";
  } catch (error) {
    showError(out, error);
  }
});

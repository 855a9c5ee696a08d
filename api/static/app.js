// qfq web page: plain JavaScript; the graph pictures use sigma.js + graphology, vendored from npm into
// /static/vendor (scripts/vendor_frontend.py). Every answer shows its evidence and a link to the passage.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const where = body.where ? `${body.where} : ` : "";
    const msg = body.message ? `${where}${body.message}${body.valid ? " — valeurs possibles : " + body.valid : ""}` : `échec de la requête (code ${response.status})`;
    throw new Error(msg);
  }
  return body;
}

function showError(target, error) {
  target.innerHTML = `<p class="ko" role="alert">${esc(error.message)}</p>`;
}

// -- French names of what the graph holds, and of the documents (from /library) ----------------------------
const TYPE_LABELS = { action: "action", actor: "acteur", territory: "territoire", dispositif: "dispositif", public: "public", theme: "thème", document: "document" };
const EDGE_LABELS = {
  piloted_by: "pilote", partner: "partenaire", contact: "contact", theme: "thème", targets: "public visé",
  in: "territoire", from: "document", part_of: "fait partie de", based_in: "implanté à", mobilises: "mobilise",
  operated_by: "opéré par", successor: "successeur",
};
const typeLabel = (t) => TYPE_LABELS[t] || "autre";
const edgeLabel = (k) => EDGE_LABELS[k] || "lien";
const documents = {};
const docName = (id) => (documents[id] && documents[id].display) || "document " + id;
const library = api("/library")
  .then((body) => { for (const d of body.items) documents[d.id] = d; })
  .catch(() => {});

// -- exports (the formats come from /exports) -----------------------------------------------------------------
api("/exports")
  .then((body) => {
    $("#export-links").innerHTML = body.items
      .map((e) => `<a href="${esc(e.url)}" download title="${esc(e.description)}">${esc(e.name)}</a>`)
      .join(" ");
  })
  .catch(() => { $("#export-links").textContent = "indisponibles"; });

// -- tabs (keyboard: arrows move between tabs) ---------------------------------------------------------------
const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", on);
    t.tabIndex = on ? 0 : -1;
    $("#" + t.getAttribute("aria-controls")).hidden = !on;
  }
  tab.focus();
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") selectTab(tabs[(i + 1) % tabs.length]);
    if (e.key === "ArrowLeft") selectTab(tabs[(i - 1 + tabs.length) % tabs.length]);
  });
});

// -- place autocomplete ---------------------------------------------------------------------------------------
let placeTimer;
document.querySelectorAll('input[list="places"]').forEach((input) => {
  input.addEventListener("input", () => {
    clearTimeout(placeTimer);
    const q = input.value.trim();
    if (q.length < 2) return;
    placeTimer = setTimeout(async () => {
      const body = await api(`/territories?q=${encodeURIComponent(q)}&limit=8`).catch(() => ({ results: [] }));
      $("#places").innerHTML = body.results
        .map((t) => `<option value="${esc(t.name)}">${esc(t.level)} ${esc(t.code)} ${esc(t.parents.join(", "))}</option>`)
        .join("");
    }, 150);
  });
});

// -- evidence ------------------------------------------------------------------------------------------------
function evidence(ev) {
  if (!ev || !ev.quote) return "";
  const where = ev.line_start ? ` — <button type="button" class="link source" data-doc="${esc(ev.doc)}" data-start="${ev.line_start}" data-end="${ev.line_end || ev.line_start}">${esc(docName(ev.doc))}, ligne ${ev.line_start}</button>` : "";
  return `<blockquote class="quote">« ${esc(ev.quote)} »${where}</blockquote>`;
}

document.addEventListener("click", async (e) => {
  const source = e.target.closest("button.source");
  if (source) {
    const { doc, start, end } = source.dataset;
    const body = await api(`/documents/${encodeURIComponent(doc)}/passage?start=${start}&end=${end}&context=3`);
    $("#passage-title").textContent = `Passage source : ${documents[body.doc] ? docName(body.doc) : body.title || body.file}, lignes ${body.start}-${body.end}`;
    $("#passage-body").innerHTML = `<div class="passage">${body.lines
      .map((l) => `<div class="${l.hit ? "hit" : ""}"><span class="meta">${l.n}</span> ${esc(l.text)}</div>`)
      .join("")}</div>`;
    $("#passage-dialog").showModal();
    return;
  }
  const open = e.target.closest("button.open-action");
  if (open) openAction(open.dataset.id.replace(/^action:/, ""));
});

// -- action page -----------------------------------------------------------------------------------------------
const names = (list) => list.map((x) => esc(x.display || x.name)).join(", ") || "—";

async function openAction(id) {
  const panel = $("#detail");
  const body = $("#detail-body");
  panel.hidden = false;
  body.innerHTML = "<p>Chargement…</p>";
  try {
    const a = await api(`/actions/${id}`);
    await library;
    const territories = a.territories.map((t) => `<span class="tag">${esc(t.official_name || t.name)}${t.code ? " (" + esc(t.code) + ")" : ""}</span>`).join("");
    const keys = (a.keys_to_success || []).map((k) => `<li>${esc(k)}</li>`).join("");
    const contacts = (a.contacts || []).map((c) => `<li>${esc(c.org || "")} ${esc(c.person || "")} : ${esc(c.value)}</li>`).join("");
    body.innerHTML = `
      <h2 id="action-title">${esc(a.title)}</h2>
      <p class="meta">${[a.ref, a.region, docName(a.doc)].filter(Boolean).map(esc).join(" · ")}</p>
      <p><strong>Pilotes :</strong> ${names(a.pilots)}</p>
      <p><strong>Partenaires :</strong> ${names(a.partners)}</p>
      <p><strong>Territoires :</strong> ${territories || "—"}</p>
      ${a.dispositifs && a.dispositifs.length ? `<p><strong>Dispositifs :</strong> ${names(a.dispositifs)}</p>` : ""}
      ${keys ? `<h3>Clés pour réussir</h3><ul>${keys}</ul>` : ""}
      ${contacts ? `<h3>Contacts</h3><ul>${contacts}</ul>` : ""}
      <h3>Preuve</h3>${evidence(a.provenance)}
      <h3 id="graph-view-title">Voisinage dans le graphe</h3><div id="graph-view"></div>
      <h3>Actions similaires dans d'autres régions</h3><div id="similar-list">Recherche…</div>`;
    panel.scrollIntoView({ behavior: "smooth" });
    $("#action-title").focus?.();
    drawNeighbourhood(`action:${id}`, $("#graph-view"));
    const similar = await api(`/actions/${id}/similar?k=5`);
    const same = similar.same_action.map((s) => `<div class="card"><strong>Même action racontée ailleurs :</strong> <button type="button" class="link open-action" data-id="${esc(s.id)}">${esc(s.title)}</button> <span class="meta">(${esc(docName(s.doc))})</span></div>`).join("");
    $("#similar-list").innerHTML = same + (similar.results.map((s) => {
      const e = s.explanation;
      const shared = ["themes", "dispositifs", "publics"].map((k) => (e[k] || []).map((x) => `<span class="tag">${esc(x.label || x.name || x)}</span>`).join("")).join("");
      const pair = e.passages ? `<details><summary>Passages qui se répondent</summary>${e.passages.map((p) => evidence({ quote: p.text.slice(0, 300), doc: p.doc, line_start: p.line_start, line_end: p.line_end })).join("")}</details>` : "";
      return `<div class="card similar"><h4><button type="button" class="link open-action" data-id="${esc(s.id)}">${esc(s.title)}</button></h4>
        <p class="meta">${[s.region, s.doc ? docName(s.doc) : ""].filter(Boolean).map(esc).join(" · ")}</p><p>En commun : ${shared || "—"}</p>${pair}</div>`;
    }).join("") || "<p>Aucune action similaire trouvée.</p>");
  } catch (error) {
    showError(body, error);
  }
}
$("#close-detail").addEventListener("click", () => { $("#detail").hidden = true; });

// -- search ------------------------------------------------------------------------------------------------------
$("#search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#search-results");
  const params = new URLSearchParams({ q: $("#q").value, k: 10 });
  if ($("#search-where").value) params.set("where", $("#search-where").value);
  out.innerHTML = "<p>Recherche…</p>";
  try {
    const body = await api(`/search?${params}`);
    await library;
    out.innerHTML = body.results.map((r) => {
      const title = r.type === "action" ? `<button type="button" class="link open-action" data-id="${esc(r.id)}">${esc(r.title)}</button>` : esc(r.title);
      const p = r.passage;
      return `<article class="card result"><h3>${title}</h3>
        <p class="meta">${[typeLabel(r.type), r.doc ? docName(r.doc) : "", r.region, (r.territories || []).join(", ")].filter(Boolean).map(esc).join(" · ")} ${r.scope === "wider" ? '<span class="wider">(territoire plus large)</span>' : ""}</p>
        ${p && p.line_start ? evidence({ quote: p.text.slice(0, 400), doc: p.doc, line_start: p.line_start, line_end: p.line_end }) : `<p>${esc((r.definition || p.text || "").slice(0, 300))}</p>`}
      </article>`;
    }).join("") || "<p>Aucun résultat.</p>";
  } catch (error) {
    showError(out, error);
  }
});

"use strict";
// Loaded after app.js (helpers $, esc, api, showError, typeLabel, edgeLabel, openAction) and the vendored
// graphology + sigma. Two pictures: the neighbourhood of an action, the whole graph with filters. Each has
// its text equivalent (a list of the nodes and links, with buttons that open the actions) for the keyboard
// and screen readers; a click on an action node in the picture opens that action.
const COLORS = { action: "#1f5fbf", actor: "#c0392b", territory: "#2e8b57", dispositif: "#8e44ad", public: "#d68910", theme: "#0aa5c9", document: "#7f8c8d" };
const GRAPH_TYPES = ["action", "actor", "territory", "dispositif", "public", "theme"];
const renderers = {};
window.qfqRenderers = renderers; // for the end-to-end test, which clicks a node of the picture

function legend(types) {
  return `<ul class="legend" aria-label="Légende">${types.map((t) => `<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill="${COLORS[t]}"></circle></svg> ${esc(typeLabel(t))}</li>`).join("")}</ul>`;
}

function nodeButton(n) {
  return n.type === "action"
    ? `<button type="button" class="link open-action" data-id="${esc(n.id)}">${esc(n.label)}</button>`
    : esc(n.label);
}

// the picture: a graphology graph drawn by sigma into `box`; false when WebGL is missing
function drawSigma(key, box, nodes, edges, center) {
  if (renderers[key]) { renderers[key].kill(); delete renderers[key]; }
  if (typeof Sigma === "undefined" || typeof graphology === "undefined") {
    box.innerHTML = '<p class="meta">Bibliothèque graphique absente : lancez scripts/vendor_frontend.py à l\'installation.</p>';
    return false;
  }
  const graph = new graphology.Graph({ type: "undirected" });
  for (const n of nodes) {
    graph.addNode(n.id, {
      x: n.x, y: n.y, label: String(n.label).slice(0, 40), color: COLORS[n.type] || "#555",
      size: n.id === center ? 12 : Math.min(12, 3 + Math.sqrt(n.degree || 1)), kind: n.type,
    });
  }
  for (const e of edges) {
    if (graph.hasNode(e.source) && graph.hasNode(e.target) && e.source !== e.target) {
      graph.mergeEdge(e.source, e.target, { label: edgeLabel(e.kind), color: "#b8c0cc", size: 1 });
    }
  }
  try {
    const renderer = new Sigma(graph, box, { renderEdgeLabels: nodes.length < 60, labelRenderedSizeThreshold: nodes.length < 60 ? 0 : 7, allowInvalidContainer: true });
    renderer.on("clickNode", ({ node }) => {
      if (graph.getNodeAttribute(node, "kind") === "action") openAction(node.replace(/^action:/, ""));
    });
    renderer.on("enterNode", () => { box.classList.add("pointer"); });
    renderer.on("leaveNode", () => { box.classList.remove("pointer"); });
    renderers[key] = renderer;
    return true;
  } catch (error) {
    box.innerHTML = `<p class="meta">Le dessin du graphe n'est pas possible dans ce navigateur (${esc(error.message)}) : la liste ci-dessous le remplace.</p>`;
    return false;
  }
}

// -- the neighbourhood of an action (radial layout around it) -------------------------------------------------------
async function drawNeighbourhood(node, target) {
  try {
    const g = await api(`/graph/neighbourhood?node=${encodeURIComponent(node)}`);
    const others = g.nodes.filter((n) => n.id !== g.center);
    const placed = g.nodes.map((n) => {
      const i = others.indexOf(n);
      const a = (2 * Math.PI * i) / Math.max(1, others.length);
      return n.id === g.center ? { ...n, x: 0, y: 0 } : { ...n, x: 1.6 * Math.cos(a), y: Math.sin(a) };
    });
    const byId = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    const rows = g.edges.map((e) => {
      const other = byId[e.source === g.center ? e.target : e.source];
      return `<tr><td>${esc(edgeLabel(e.kind))}</td><td>${esc(typeLabel(other.type))}</td><td>${nodeButton(other)}</td></tr>`;
    }).join("");
    const types = [...new Set(g.nodes.map((n) => n.type))].filter((t) => COLORS[t]);
    target.innerHTML = `<div class="sigma-box" id="neighbourhood-picture" role="img" aria-label="Voisinage de l'action : ${g.nodes.length} nœuds, détaillés dans le tableau qui suit"></div>
      ${legend(types)}
      <details class="text-equivalent"><summary>Le voisinage en tableau (${g.edges.length} liens)</summary>
      <table><caption>Voisins de l'action dans le graphe</caption><thead><tr><th scope="col">Lien</th><th scope="col">Type</th><th scope="col">Nœud</th></tr></thead><tbody>${rows}</tbody></table></details>`;
    drawSigma("neighbourhood", $("#neighbourhood-picture"), placed, g.edges, g.center);
  } catch (error) {
    showError(target, error);
  }
}

// -- the whole graph, filtered --------------------------------------------------------------------------------------
$("#graph-types").innerHTML = GRAPH_TYPES
  .map((t) => `<label><input type="checkbox" name="type" value="${t}" ${t === "territory" ? "" : "checked"}> ${esc(typeLabel(t))}</label>`)
  .join("");

async function drawWholeGraph() {
  const out = $("#graph-results");
  const params = new URLSearchParams();
  for (const box of document.querySelectorAll('#graph-types input:checked')) params.append("type", box.value);
  if ($("#graph-theme").value) params.set("theme", $("#graph-theme").value);
  if ($("#graph-where").value) params.set("where", $("#graph-where").value);
  out.innerHTML = "<p>Chargement du graphe…</p>";
  try {
    const g = await api(`/graph?${params}`);
    const groups = GRAPH_TYPES.map((t) => {
      const items = g.nodes.filter((n) => n.type === t).sort((a, b) => String(a.label).localeCompare(b.label, "fr"));
      return items.length ? `<h4>${esc(typeLabel(t))} (${items.length})</h4><ul class="columns">${items.map((n) => `<li>${nodeButton(n)} <span class="meta">${n.degree} lien${n.degree > 1 ? "s" : ""}</span></li>`).join("")}</ul>` : "";
    }).join("");
    const types = [...new Set(g.nodes.map((n) => n.type))];
    out.innerHTML = `<p id="graph-summary">${g.nodes.length} nœuds, ${g.edges.length} liens${g.truncated ? " (les nœuds les plus reliés seulement)" : ""}. Cliquez sur une action pour l'ouvrir.</p>
      <div class="sigma-box large" id="graph-picture" role="img" aria-label="Graphe : ${g.nodes.length} nœuds et ${g.edges.length} liens, listés après le dessin"></div>
      ${legend(types)}
      <details class="text-equivalent"><summary>Les nœuds du graphe en liste</summary>${groups || "<p>Aucun nœud.</p>"}</details>`;
    if (g.nodes.length) drawSigma("whole", $("#graph-picture"), g.nodes, g.edges, null);
  } catch (error) {
    showError(out, error);
  }
}
$("#graph-form").addEventListener("submit", (e) => { e.preventDefault(); drawWholeGraph(); });

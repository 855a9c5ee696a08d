"use strict";
// Loaded after app.js, whose helpers ($, esc, api, showError, evidence, names) it uses.
// -- profile matching ------------------------------------------------------------------------------------------------
// The form asks for the optional facts (income, children, job offer…) only when an undecided dispositif needs
// them: each answer's `questions` become inputs of a fieldset this script adds to #match-form.
const matchState = { facts: {}, labels: {} };

async function loadVocabulary() {
  const v = await api("/vocabulary");
  $("#statuses").innerHTML = v.statuses.map((s) => `<label><input type="checkbox" name="status" value="${esc(s.slug)}"> ${esc(s.label)}</label>`).join("");
  $("#needs").innerHTML = v.needs.map((n) => `<label><input type="checkbox" name="need" value="${esc(n.slug)}"> ${esc(n.label)}</label>`).join("");
  v.statuses.forEach((s) => { matchState.labels[s.slug] = s.label; });
  v.needs.forEach((n) => { matchState.labels[n.slug] = n.label; });
}
loadVocabulary().catch((error) => showError($("#match-results"), error));

function factsFieldset() {
  let box = $("#match-facts");
  if (!box) {
    box = document.createElement("fieldset");
    box.id = "match-facts";
    box.hidden = true;
    $("#match-form").insertBefore(box, $("#match-form button[type=submit]"));
  }
  return box;
}

function factInput(q) {
  const id = `fact-${q.fact}`;
  const value = matchState.facts[q.fact];
  const label = `<label for="${esc(id)}">${esc(q.question)}</label>`;
  if (q.type === "bool") {
    const opt = (v, text) => `<option value="${v}" ${String(value) === v ? "selected" : ""}>${text}</option>`;
    return `${label}<select id="${esc(id)}" data-fact="${esc(q.fact)}">${opt("", "—")}${opt("true", "oui")}${opt("false", "non")}</select>`;
  }
  if (q.type === "enum") {
    const opts = (q.values || []).map((v) => `<option value="${esc(v.slug)}" ${value === v.slug ? "selected" : ""}>${esc(v.label)}</option>`).join("");
    return `${label}<select id="${esc(id)}" data-fact="${esc(q.fact)}"><option value="">—</option>${opts}</select>`;
  }
  if (q.type === "ages") {
    const shown = Array.isArray(value) ? value.join(", ") : "";
    return `${label}<input id="${esc(id)}" data-fact="${esc(q.fact)}" data-type="ages" placeholder="âges séparés par des virgules, ex. 2, 7 ; vide : aucun" value="${esc(shown)}">`;
  }
  const unit = q.unit ? ` (${esc(q.unit)})` : "";
  return `${label}${unit}<input id="${esc(id)}" data-fact="${esc(q.fact)}" type="number" min="0" step="any" value="${esc(value ?? "")}">`;
}

function askQuestions(questions) {
  const box = factsFieldset();
  const facts = questions.filter((q) => !["status", "place"].includes(q.type) && q.fact !== "age");
  const statuses = questions.filter((q) => q.type === "status");
  box.hidden = !facts.length && !statuses.length;
  box.innerHTML = `<legend>Pour décider : questions à poser</legend>
    ${facts.map((q) => `<div class="row">${factInput(q)}</div>`).join("")}
    ${statuses.length ? `<p class="meta">Si c'est le cas, cochez dans « Situation » : ${statuses.map((q) => esc(matchState.labels[q.status] || q.question)).join(", ")}.</p>` : ""}`;
}

function readFacts() {
  const facts = { ...matchState.facts };
  document.querySelectorAll("#match-facts [data-fact]").forEach((input) => {
    const name = input.dataset.fact;
    const raw = input.value.trim();
    if (input.dataset.type === "ages") {
      if (raw === "" && !(name in facts)) return;
      facts[name] = raw === "" ? [] : raw.split(/[,;\s]+/).filter(Boolean).map(Number);
    } else if (raw === "") {
      delete facts[name];
    } else if (input.tagName === "SELECT") {
      facts[name] = raw === "true" ? true : raw === "false" ? false : raw;
    } else {
      facts[name] = Number(raw);
    }
  });
  return facts;
}

function dispositifItem(e, cls, lines, extra = "") {
  const d = e.dispositif;
  const source = d.source ? ` · <a href="${esc(d.source)}" rel="noopener" target="_blank">règle officielle</a>` : "";
  const checked = d.checked ? ` · règle vérifiée le ${esc(d.checked)}` : "";
  const toCheck = (e.to_check || []).length ? `<div class="meta">À vérifier : ${e.to_check.map(esc).join(" ; ")}</div>` : "";
  return `<li><strong>${esc(d.name)}</strong> <span class="${cls}">${lines.map(esc).join(" ; ")}</span>${extra}
    ${toCheck}<div class="meta">${esc(d.definition || "")}${source}${checked}</div></li>`;
}

function renderMatch(body) {
  const actions = body.actions.map((a) => `<article class="card match-action"><h4><button type="button" class="link open-action" data-id="${esc(a.id)}">${esc(a.title)}</button></h4>
      <p class="meta">${esc(a.territories.join(", "))} ${a.scope === "wider" ? '<span class="wider">(territoire plus large)</span>' : ""} ${a.document && a.document.note ? "· " + esc(a.document.note) : ""}</p>
      <p><strong>Qui appeler :</strong> ${names(a.pilots)} ${a.contacts.map((c) => `<span class="tag">${esc(c.actor)} ${esc(c.value)}</span>`).join("")}</p>
      ${a.reasons.map((r) => `<p>${esc(r.why)}</p>${evidence({ quote: r.quote, doc: a.doc, line_start: r.line, line_end: r.line })}`).join("")}</article>`).join("");
  const where = body.profile.where;
  const homonyms = (where.homonyms || []).length ? `<p class="meta">À vérifier : d'autres communes portent ce nom (${where.homonyms.map(esc).join(", ")}) ; précisez le département, ex. « ${esc(where.name)} (NN) », si ce n'est pas celle-ci.</p>` : "";
  const age = body.profile.age != null ? `${esc(body.profile.age)} ans, ` : "";
  const undecided = body.undecided.map((x) => dispositifItem(x, "unk", x.reasons,
    `<ul class="questions">${x.missing.map((q) => `<li>${esc(q)}</li>`).join("")}</ul>`)).join("");
  return `<h2>Pour ${age}${esc(where.name)}</h2>${homonyms}
      <h3>Dispositifs applicables</h3><ul id="eligible">${body.eligible.map((x) => dispositifItem(x, "ok", x.reasons)).join("") || "<li>aucun</li>"}</ul>
      ${body.undecided.length ? `<h3>À préciser</h3><ul id="undecided">${undecided}</ul>` : ""}
      <h3>Non applicables</h3><ul id="excluded">${body.excluded.map((x) => dispositifItem(x, "ko", x.failed)).join("") || "<li>aucun</li>"}</ul>
      <h3>Actions locales</h3>${actions || "<p>Aucune action locale trouvée pour ces besoins.</p>"}`;
}

// /match's refusal, read here rather than by app.js's api(): an ambiguous commune becomes a question with one
// button per commune (« Saint-Denis » → which one?), and the message is shown without the parameter's name.
async function postMatch(profile) {
  const response = await fetch("/match", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(profile) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message || `échec de la requête (code ${response.status})`);
    error.body = body;
    throw error;
  }
  return body;
}

function placeChoices(body) {
  if (body.where !== "where" || !body.valid) return [];
  return [...String(body.valid).matchAll(/«\s*([^»]+?)\s*»\s*pour\s*([^;]+)/g)].map((m) => ({ value: m[1], label: m[2].trim() }));
}

function showMatchError(out, error) {
  const body = error.body || {};
  const choices = placeChoices(body);
  if (choices.length > 1) {
    out.innerHTML = `<p class="unk" role="alert">${esc(body.message)} :</p>
      <ul id="match-choices">${choices.map((c) => `<li><button type="button" class="link place-choice" data-where="${esc(c.value)}">${esc(c.label)}</button></li>`).join("")}</ul>
      <p class="meta">Ou saisissez le code postal ou le code INSEE de la commune.</p>`;
    return;
  }
  const valid = body.valid ? ` — valeurs possibles : ${body.valid}` : "";
  out.innerHTML = `<p class="ko" role="alert">${esc(error.message + valid)}</p>`;
}

$("#match-results").addEventListener("click", (e) => {
  const button = e.target.closest(".place-choice");
  if (!button) return;
  $("#match-where").value = button.dataset.where;
  $("#match-form").requestSubmit();
});

$("#match-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#match-results");
  const form = new FormData(e.target);
  matchState.facts = readFacts();
  const age = form.get("age");
  const profile = {
    age: age === null || age === "" ? null : Number(age),
    where: form.get("where"),
    statuses: form.getAll("status"),
    needs: form.getAll("need"),
    facts: matchState.facts,
  };
  out.innerHTML = "<p>Recherche…</p>";
  try {
    const body = await postMatch(profile);
    askQuestions(body.questions || []);
    out.innerHTML = renderMatch(body);
  } catch (error) {
    showMatchError(out, error);
  }
});

"""Roles from the prose, end to end on plans written for the test: parse, mentions pass (spaCy + the
reference gazetteer), store, knowledge graph — edges with role, quote, line, confidence and source."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.actions_export import iter_rows
from graph.build import GraphBuilder
from graph.linking import TerritoryLinker, gazetteer_rows, mention_gazetteer
from graph.rdf import QFQ, to_rdf
from graph.reference import ReferenceData
from graph.roles import cut, quote_around
from graph.store import Store
from ingest.mentions.actions import action_blocks, annotate, shared_nlp
from ingest.pipeline import parse_document
from ingest.records import ActionRecord

PLAN = """Plan d'actions pour l'emploi en Normandie 2024

Proposition 1-1 : Garage solidaire du Bocage
Intitulé de l'action\tGarage solidaire du Bocage
Pilote du projet\tMission locale du Bocage
Périmètre géographique\t
Description détaillée du projet\tLe garage est cofinancé par la Région Normandie. Il sera animé par \
l'association Roues Libres, en partenariat avec Pôle emploi et la CAF du Calvados. Les ateliers ouvriront à \
Vire Normandie et à Condé-en-Normandie, à l'image de ce qui se fait à Rennes.
Calendrier\t2024

Proposition 1-2 : Café emploi itinérant
Intitulé de l'action\tCafé emploi itinérant
Pilote du projet\tDépartement de l'Orne
Périmètre géographique\tOrne
Description détaillée du projet\tCe comité, présidé par le préfet de département, associera notamment la \
Chambre de commerce et d'industrie, France Travail et les missions locales. Les cafés se tiendront à Alençon \
et à Flers.
Calendrier\t2025

Proposition 1-3 : Forum des métiers de l'aide à domicile
Intitulé de l'action\tForum des métiers de l'aide à domicile
Pilote du projet\tDépartement du Calvados
Périmètre géographique\t
Description détaillée du projet\tUn forum annuel réunit les employeurs du secteur et les demandeurs \
d'emploi. Les chiffres de Pôle emploi montrent une baisse du chômage.
Calendrier\t2024
"""


def plan_graph(work: Path, name: str, text: str, reference: ReferenceData):
    """A plan written to `work`/`name`, read as `qfq build` reads it (parse, mentions pass, store), and
    its knowledge graph: (graph, store)."""
    path = work / name
    path.write_text(text, encoding="utf-8")
    nlp = shared_nlp()
    parsed = parse_document(path, gazetteer=TerritoryLinker(reference.territories).is_place)
    annotate(parsed, mention_gazetteer(reference, nlp), nlp)
    store = Store(work / "store.db")
    store.replace_document(parsed, parsed.text.lines, parsed.text.pages)
    return GraphBuilder(store, reference).build().graph, store


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory, reference: ReferenceData):
    return plan_graph(tmp_path_factory.mktemp("roles"), "plan-roles.txt", PLAN, reference)


def edges(g, action: str, kind: str | None = None) -> dict[str, dict]:
    node = f"action:plan-roles/{action}"
    return {dst: e for _, dst, e in g.out_edges(node, data=True) if kind is None or e["kind"] == kind}


def test_mentions_are_persisted_with_the_action(graph) -> None:
    _, store = graph
    action = store.action("plan-roles/proposition-1-1")
    assert any(m.role == "funder" and m.surface == "Région Normandie" for m in action.mentions)
    again = ActionRecord.from_dict(action.to_dict())
    assert again.mentions == action.mentions


def test_funder_pilot_and_partners_from_sentences(graph) -> None:
    g, _ = graph
    funders = edges(g, "proposition-1-1", "funded_by")
    assert set(funders) == {"actor:region--region-28"}
    e = funders["actor:region--region-28"]
    assert e["evidence_source"] == "sentence" and e["role"] == "funder" and e["cue"] == "cofinancé par"
    assert "Région Normandie" in e["quote"] and e["line_start"] == 7 and 0 < e["confidence"] < 1
    pilots = edges(g, "proposition-1-1", "piloted_by")
    assert pilots["actor:mission-locale-du-bocage"]["evidence_source"] == "row"
    assert pilots["actor:mission-locale-du-bocage"]["confidence"] == 1.0
    assert pilots["actor:association-roues-libres"]["cue"] == "animé par"
    partners = edges(g, "proposition-1-1", "partner")
    assert set(partners) == {"actor:pole-emploi", "actor:caf--departement-14"}


def test_a_piece_of_a_row_name_is_not_another_actor(graph) -> None:
    g, _ = graph
    # "Mission locale" inside "Mission locale du Bocage" (the pilot row) is not the generic missions locales
    assert "actor:missions-locales" not in edges(g, "proposition-1-1")


def test_a_list_after_associera_and_the_row_department_for_territorial_actors(graph) -> None:
    g, _ = graph
    partners = edges(g, "proposition-1-2", "partner")
    # the CCI of an Orne fiche is the Orne's, not that of the document's other département
    assert set(partners) == {"actor:cci--departement-61", "actor:france-travail", "actor:missions-locales"}
    assert all(e["cue"] == "associera" for e in partners.values())


def test_perimeter_versus_example_and_homonyms(graph) -> None:
    g, _ = graph
    # places of the description: perimeters; the example ('à l'image de … à Rennes') is only mentioned
    within = edges(g, "proposition-1-1", "in")
    assert {"territory:commune:14762", "territory:commune:14174"} <= set(within)
    assert all(e["role"] == "perimeter" and e["evidence_source"] == "sentence" for e in within.values())
    assert "territory:commune:35238" not in within
    assert edges(g, "proposition-1-1", "mentions")["territory:commune:35238"]["role"] == "mentioned"
    # Flers: the Orne's (the fiche's row), not the homonyms of the Pas-de-Calais or the Somme
    assert "territory:commune:61169" in edges(g, "proposition-1-2", "in")


def test_no_place_written_inherits_the_issuer_flagged(graph) -> None:
    g, _ = graph
    within = edges(g, "proposition-1-3", "in")
    assert len(within) == 1
    ((target, e),) = within.items()
    assert e["inherited"] is True and e["inferred"] is True and e["evidence_source"] == "issuer"
    assert g.nodes[target]["level"] in ("departement", "region")
    # an action with its own places inherits nothing
    assert not any(e.get("inherited") for e in edges(g, "proposition-1-1", "in").values())


def test_no_cue_is_mentioned_never_pilot(graph) -> None:
    g, _ = graph
    e = edges(g, "proposition-1-3")["actor:pole-emploi"]
    assert e["kind"] == "mentions" and e["role"] == "mentioned"


def test_rows_rdf_and_export_show_roles_and_evidence(graph, reference: ReferenceData) -> None:
    g, store = graph
    rdf = to_rdf(g, reference.ontology)  # closed: every new predicate is declared
    assert any(True for _ in rdf.triples((None, QFQ.fundedBy, None)))
    assert any(True for _ in rdf.triples((None, QFQ.evidenceSource, None)))
    rows = {r.id: r for r in iter_rows(store, reference.territories, g)}
    row = rows["plan-roles/proposition-1-1"]
    assert [f.id for f in row.funders] == ["actor:region--region-28"]
    assert row.funders[0].role_label == "financeur" and row.funders[0].evidence.line == 7
    assert {p.source for p in row.pilots} == {"row", "sentence"}
    example = next(p for p in row.places if p.id == "territory:commune:35238")
    assert example.role == "mentioned" and example.evidence.quote
    inherited = rows["plan-roles/proposition-1-3"].places
    assert [p.inherited for p in inherited] == [True]


def test_action_blocks_cut_paragraphs_and_contacts(tmp_path: Path) -> None:
    from ingest.records import LoadedText, Provenance

    lines = ["1.1 TITRE", "Bretagne", "", "Un texte.", "CONTACTS", "CCI BRETAGNE : 02 99 25 41 41", ""]
    a = ActionRecord("d", "1.1", "TITRE", "numbered", Provenance("d", 1, 7, ""), region="Bretagne")
    blocks = action_blocks(a, LoadedText(lines, "txt"))
    assert [(b.kind, b.line_start) for b in blocks] == [("title", 1), ("description", 4), ("contacts", 6)]
    assert blocks[2].text == "CCI BRETAGNE : 02 99 25 41 41"


def test_gazetteer_rows_are_data_from_the_reference(reference: ReferenceData) -> None:
    rows = gazetteer_rows(reference)
    kinds = {k for _, k, _ in rows}
    assert kinds == {"place", "org", "dispositif"}
    assert ("Calvados", "place", "departement:14") in rows


def test_quotes_are_cut_at_word_boundaries_around_the_name() -> None:
    text = "mot " * 120 + "avec le soutien de la Région Normandie " + "suite " * 100
    q = quote_around(text, "Région Normandie")
    assert "Région Normandie" in q and len(q) <= 305 and q.startswith("… ")
    assert cut("un deux trois", 9) == "un …"


DOC_PLAN = """Plan d'actions pour l'emploi en Occitanie 2024

Proposition 1-1 : Logements pour apprentis
Intitulé de l'action\tLogements pour apprentis
Pilote du projet\tAction Logement
Périmètre géographique\t
Description détaillée du projet\tLe projet associe la Ville d'Agde et l'ADEME BFC. Les jeunes sont \
accompagnés par l'ARIO.
Calendrier\t2024

Proposition 1-2 : Forum des employeurs
Intitulé de l'action\tForum des employeurs
Pilote du projet\tRégion Occitanie
Périmètre géographique\tHérault
Description détaillée du projet\tUn forum annuel réunit les employeurs du secteur.
Calendrier\t2024

Liste des participants

- Fondation Lumière Emploi
- ARIO (Association Régionale pour l'Insertion en Occitanie)

GLOSSAIRE

- ARIO : Association Régionale pour l'Insertion en Occitanie
- BRSA : Bénéficiaires du RSA
"""


@pytest.fixture(scope="module")
def doc_graph(tmp_path_factory: pytest.TempPathFactory, reference: ReferenceData):
    return plan_graph(tmp_path_factory.mktemp("doc_roles"), "plan-doc.txt", DOC_PLAN, reference)[0]


def test_a_commune_written_as_its_town_is_an_organisation_and_its_place(doc_graph) -> None:
    node = "action:plan-doc/proposition-1-1"
    out = {(dst, e["kind"]): e for _, dst, e in doc_graph.out_edges(node, data=True)}
    partner = out[("actor:collectivite--commune-34003", "partner")]
    assert partner["written"] == "Ville d'Agde" and "Ville d'Agde" in partner["quote"]
    place = out[("territory:commune:34003", "in")]
    assert place["role"] == "perimeter" and place["evidence_source"] == "sentence"


def test_a_regional_branch_written_with_the_region_abbreviation_is_one_actor(doc_graph) -> None:
    node = "action:plan-doc/proposition-1-1"
    partners = {dst: e for _, dst, e in doc_graph.out_edges(node, data=True) if e["kind"] == "partner"}
    assert partners["actor:ademe"]["written"] == "ADEME BFC"
    assert "Bourgogne-Franche-Comté" in doc_graph.nodes["actor:ademe"].get("branches", [])
    assert not [n for n in doc_graph if n.startswith("actor:ademe-")]


def test_document_blocks_give_document_actors_and_reach_actions_only_through_their_text(doc_graph) -> None:
    doc = {
        dst: e for _, dst, e in doc_graph.out_edges("document:plan-doc", data=True) if e["kind"] == "mentions"
    }
    assert doc["actor:fondation-lumiere-emploi"]["role"] == "participant"
    ario = "actor:association-regionale-pour-l-insertion-en-occitanie"
    assert doc[ario]["evidence_source"] == "participants" and doc[ario]["line_start"] == 20
    assert not any("brsa" in n for n in doc), "a glossary entry of a public is no actor"
    first = {dst: e for _, dst, e in doc_graph.out_edges("action:plan-doc/proposition-1-1", data=True)}
    assert first[ario]["kind"] == "operator" and first[ario]["evidence_source"] == "sentence"
    second = {dst for _, dst, _ in doc_graph.out_edges("action:plan-doc/proposition-1-2", data=True)}
    assert ario not in second and "actor:fondation-lumiere-emploi" not in second


PACT = """Pacte régional d'investissement dans les compétences des Hauts-de-France 2024-2027

Mesure 1 : Un comité régional des compétences
Ce comité, présidé par le préfet de région, associera notamment le Conseil régional et France Travail.

Mesure 2 : Des parcours vers l'emploi dans le bâtiment
Le programme est cofinancé par l'Union européenne. Les formations seront dispensées par l'AFPA.
"""


def test_a_measure_whose_who_is_only_in_the_prose(tmp_path: Path, reference: ReferenceData) -> None:
    g, _ = plan_graph(tmp_path, "pacte-roles.txt", PACT, reference)

    def out(title: str) -> dict[str, str]:
        node = next(n for n, d in g.nodes(data=True) if d.get("type") == "action" and d["label"] == title)
        return {dst: e["kind"] for _, dst, e in g.out_edges(node, data=True) if dst.startswith("actor:")}

    committee = out("Un comité régional des compétences")
    # the préfet de région presides: with no row naming a pilot, the préfecture de région pilots
    assert committee["actor:prefecture--region-32"] == "piloted_by"
    assert committee["actor:region--region-32"] == committee["actor:france-travail"] == "partner"
    courses = out("Des parcours vers l'emploi dans le bâtiment")
    assert courses == {"actor:union-europeenne": "funded_by", "actor:afpa": "operator"}

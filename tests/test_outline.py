"""The general outline parser (ingest/shapes/outline.py) on the generated test plans of tests/plans: units
and titles, hierarchy, typed passages, labelled fields, and through the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import parse_document
from ingest.shapes.outline import classify
from tests.plans import documents, scoring

EXPECTED = documents.expected()
SHEETS = (".csv", ".xlsx")
TEXT_DOCS = sorted(
    n
    for n, d in EXPECTED["documents"].items()
    if "corpus_source" not in d and n != documents.LONG_PDF and not n.endswith(SHEETS)
)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return documents.build(tmp_path_factory.mktemp("outline_plans"), names=set(TEXT_DOCS))


@pytest.fixture(scope="module")
def parsed(docs: dict[str, Path]) -> dict:
    return {name: parse_document(path, doc_id=path.stem) for name, path in docs.items()}


def _plan(name: str) -> dict:
    return EXPECTED["plans"][EXPECTED["documents"][name]["plan"]]


def _rows(doc) -> list[dict]:
    return [
        {"title": a.title, "ref": a.ref, "pilots": [o.name for o in a.pilots], "budget": a.budget}
        for a in doc.actions
    ]


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_every_unit_found_with_its_title_and_nothing_else(parsed: dict, name: str) -> None:
    result = scoring.score(_rows(parsed[name]), _plan(name))
    assert result.missing == [] and result.spurious == []
    assert result.units.precision == 1.0 and result.units.recall == 1.0


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_refs_of_detailed_units(parsed: dict, name: str) -> None:
    by_title = {a.title: a for a in parsed[name].actions}
    for detail in _plan(name).get("actions", []):
        # a plan rendered with code refs ("BAT-01") keeps the written refs of its other renderings
        written = detail.get("ref", "") in "\n".join(parsed[name].text.lines)
        if written and detail["title"] in by_title:
            assert scoring._norm(by_title[detail["title"]].ref or "") == scoring._norm(detail["ref"])


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_typed_passages_kept_and_never_exported(parsed: dict, name: str) -> None:
    doc = parsed[name]
    found = {(p.type, scoring.fold(p.heading)) for p in doc.passages}
    titles = {scoring.fold(a.title) for a in doc.actions}
    for kind, heading in _plan(name)["passages"]:
        assert (kind, scoring.fold(heading)) in found, (kind, heading, found)
        assert scoring.fold(heading) not in titles


def _all_values(action) -> str:
    scalars = (action.budget, action.calendar, action.expected_results, action.indicators, action.perimeter)
    mentions = [c.value for c in action.contacts] + [o.name for o in action.pilots]
    return " ".join([*filter(None, scalars), *action.extra.values(), *action.keys_to_success, *mentions])


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_labelled_fields_and_steps_of_detailed_units(parsed: dict, name: str) -> None:
    by_title = {scoring.fold(a.title): a for a in parsed[name].actions}
    for detail in _plan(name).get("actions", []):
        action = by_title[scoring.fold(detail["title"])]
        for label, value in detail.get("fields", {}).items():
            if label == "Région":
                continue  # the region line under a recueil example is not read as a field yet
            assert scoring.words(value) <= scoring.words(_all_values(action)), (label, value)
        if "steps" in detail:
            assert len(scoring.match_titles(detail["steps"], action.steps)) == len(detail["steps"])
        if "status" in detail:
            assert action.status == detail["status"]
        if "priority" in detail:
            assert action.priority == detail["priority"]


def test_levels_and_chapter_from_the_ancestors(parsed: dict) -> None:
    pdi = {a.ref: a for a in parsed["pdi.docx"].actions}["Fiche action n° 2.1.1"]
    assert [(lv.kind, lv.ref) for lv in pdi.levels] == [("axe", "Axe 2"), ("objectif", "Objectif 2.1")]
    assert pdi.chapter.endswith("Rapprocher les allocataires des entreprises qui recrutent")
    ville = parsed["contrat_ville.txt"].actions[0]
    assert [lv.kind for lv in ville.levels] == ["pilier", "orientation", "objectif opérationnel"]
    assert [lv.ref for lv in ville.levels] == ["PILIER 1", "Orientation 1", "Objectif opérationnel 1.1"]
    pacte = {a.ref: a for a in parsed["pacte.pdf"].actions}["Mesure n°4"]
    assert [(lv.kind, lv.ref) for lv in pacte.levels] == [("engagement", "Engagement n°2")]
    recueil = parsed["recueil.txt"].actions[3]
    assert recueil.ref == "2.1" and recueil.levels[0].title == "Comment concilier emploi et vie de famille ?"


def test_sub_actions_are_steps_not_units(parsed: dict) -> None:
    pacte = parsed["pacte.pdf"]
    assert len(pacte.actions) == 8
    assert sum(len(a.steps) for a in pacte.actions) == dict(_plan("pacte.pdf")["levels"])["action"]
    assert all(a.shape == "outline" for a in pacte.actions)


def test_provenance_spans_the_unit_body(parsed: dict) -> None:
    doc = parsed["pcaet.md"]
    lines = doc.text.lines
    first, second = doc.actions[0], doc.actions[1]
    assert "Action 1.1.1" in lines[first.provenance.line_start - 1]
    assert first.provenance.line_end < second.provenance.line_start
    assert any(
        "Sous-action 1.1.1.b" in x for x in lines[first.provenance.line_start - 1 : first.provenance.line_end]
    )


def test_one_fiche_markdown_plan(parsed: dict) -> None:
    (action,) = parsed["velo.md"].actions
    assert action.ref == "Fiche action n° 1"
    assert action.title.startswith("Vélos-écoles itinérantes")
    assert [o.name for o in action.pilots] == ["Communauté de communes Ambert Livradois Forez"]
    assert action.budget == "24 500 €" and action.status == "à venir"
    assert action.description.startswith("Un moniteur et une remorque")


def test_unknown_label_is_kept_and_does_not_swallow_what_follows(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(
        "# Plan d'essai\n\n## Axe 1 : Mieux se loger\n\n### Action 1.1 : Ouvrir un point info logement\n\n"
        "Un point d'accueil tient une permanence chaque semaine.\n\n"
        "- Pilote : Ville de Rodez\n- Couleur du dossier : vert pâle\n- Budget : 10 000 €\n"
        "- Calendrier : 2026\n\n"
        "### Action 1.2 : Former les agents d'accueil\n\n**Nombre de sessions** : quatre\n\n"
        "Pilote\tCentre communal d'action sociale\nHumeur\tbonne\nStatut\tEn cours\n",
        encoding="utf-8",
    )
    doc = parse_document(path)
    first, second = doc.actions
    assert first.extra == {"Couleur du dossier": "vert pâle"}
    assert first.budget == "10 000 €" and first.calendar == "2026"
    assert any("Couleur du dossier" in w for w in first.warnings)
    assert second.extra == {"Nombre de sessions": "quatre", "Humeur": "bonne"}
    assert [o.name for o in second.pilots] == [
        "Centre communal d'action sociale"
    ] and second.status == "en cours"
    assert first.levels[0].ref == "Axe 1" and first.levels[0].title == "Mieux se loger"


def test_each_labelled_line_is_the_evidence_of_what_it_names(tmp_path: Path) -> None:
    """A unit's fields gathered from its labelled lines: each organisation and place keeps the line
    that names it (its evidence), not the unit's heading."""
    path = tmp_path / "plan.md"
    lines = [
        "# Plan mobilité du Pays des Deux Rives",
        "",
        "## Action 3 : Un garage solidaire itinérant",
        "",
        "- Pilote : Communauté de communes des Deux Rives",
        "- Partenaires : Mission locale, association Roue Libre",
        "- Territoire : Montfort-sur-Meu, Plélan-le-Grand",
        "",
        "Un atelier mobile répare les voitures des personnes en insertion.",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (action,) = parse_document(path).actions

    def line_of(text: str) -> int:
        return next(i for i, x in enumerate(lines, 1) if text in x)

    assert [(o.name, o.line) for o in action.pilots] == [
        ("Communauté de communes des Deux Rives", line_of("Pilote"))
    ]
    assert {o.line for o in action.partners} == {line_of("Partenaires")} and len(action.partners) == 2
    assert {t.line for t in action.territories} == {line_of("Territoire")} and len(action.territories) == 2
    assert action.provenance.line_start == line_of("## Action 3")


@pytest.mark.parametrize(
    ("heading", "role", "ref", "title"),
    [
        ("Fiche action n° 1.1.2 : Titre", "unit", "Fiche action n° 1.1.2", "Titre"),
        ("Sous-axe 2.1 : Développer", "level", "Sous-axe 2.1", "Développer"),
        ("Sous-action 1.1.1.a : Tenir", "sub", "Sous-action 1.1.1.a", "Tenir"),
        ("MOB-03 : Créer des aires", "code", "MOB-03", "Créer des aires"),
        # a code after a unit word (a PCAET's « Action MOB-01 : »)
        ("Action MOB-01 : Un réseau de covoiturage", "unit", "Action MOB-01", "Un réseau de covoiturage"),
        ("Gouvernance et suivi du programme", "passage", None, "Gouvernance et suivi du programme"),
        ("Programme départemental d'insertion", "other", None, "Programme départemental d'insertion"),
    ],
)
def test_heading_classification(heading: str, role: str, ref: str | None, title: str) -> None:
    h = classify(heading)
    assert (h.role, h.ref, h.title) == (role, ref, title)


def test_deep_numbered_objectives_are_units(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(
        "# Axe 1 : Emploi\n\n## Objectif 1.1 : Accompagner\n\n"
        "### Objectif 1.1.1 : Ouvrir un guichet unique\n\n"
        "- Pilote : Département\n\n"
        "### Objectif 1.1.2 : Financer le permis de conduire\n\n- Budget : 5 000 €\n\n"
        "## Sommaire\n\nObjectif 1.1.1 : Ouvrir un guichet unique\t3\n",
        encoding="utf-8",
    )
    doc = parse_document(path)
    assert [a.ref for a in doc.actions] == ["Objectif 1.1.1", "Objectif 1.1.2"]
    assert [(lv.ref, lv.title) for lv in doc.actions[0].levels] == [
        ("Axe 1", "Emploi"),
        ("Objectif 1.1", "Accompagner"),
    ]
    assert [p.type for p in doc.passages] == ["sommaire"]


def test_the_ingest_report_gives_the_hierarchy_found(tmp_path: Path, reference) -> None:
    """The report of a plan of another family: its levels and their counts, its actions, its passages."""
    from api.service import Service
    from api.settings import Settings

    corpus = tmp_path / "plans"
    documents.build(corpus, names={"pdi.docx"})
    service = Service(Settings(data=tmp_path / "data", corpus=[corpus]), reference=reference)
    try:
        report = service.build()
    finally:
        service.close()
    (doc,) = report.documents
    expected = dict(EXPECTED["plans"]["pdi"]["levels"])
    assert doc.hierarchy["actions"] == expected["fiche action"] == 12
    assert [doc.hierarchy.get(k) for k in ("axe", "objectif")] == [expected["axe"], expected["objectif"]]
    assert doc.passages and "diagnostic" in doc.passages

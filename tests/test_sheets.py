"""Spreadsheet plans (CSV, XLSX) on the generated test documents of tests/plans and on small hand-made sheets:
counts, titles and hand-written fields of expected.toml (scored with tests/plans/scoring.py), unknown columns
kept and reported, the no-header error, merged cells, encodings, records that round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from graph.linking import TerritoryLinker
from ingest import parse_document
from ingest.errors import NoActionFound, UnreadableDocument
from ingest.loaders import load
from ingest.records import ActionRecord
from tests.plans import documents, scoring
from tests.plans.render_sheets import TEMPLATE, UNMAPPED, amount

EXPECTED = documents.expected()
SHEETS = ("pcaet_template.csv", "pcaet_template.xlsx", "projets_export.csv", "budget_sans_entete.xlsx")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return documents.build(tmp_path_factory.mktemp("sheets"), names=set(SHEETS))


@pytest.fixture(scope="module")
def gazetteer(reference):
    return TerritoryLinker(reference.territories).is_place


@pytest.fixture(scope="module")
def parsed(docs, gazetteer):
    return {name: parse_document(docs[name], gazetteer=gazetteer) for name in SHEETS[:3]}


SCORED = ("title", "ref", "pilots", "partners", "territories", "budget", "status", "priority")


def as_scored(action: ActionRecord) -> dict:
    view = scoring.action_view(action)
    return {key: view[key] for key in SCORED}


def by_title(parsed_doc, title: str) -> ActionRecord:
    return next(a for a in parsed_doc.actions if a.title == title)


@pytest.mark.parametrize("name", ["pcaet_template.csv", "pcaet_template.xlsx"])
def test_template_units_and_titles(parsed, name):
    plan = EXPECTED["plans"]["pcaet"]
    doc = parsed[name]
    assert len(doc.actions) == plan["units"]
    result = scoring.score([as_scored(a) for a in doc.actions], plan)
    assert (result.units.precision, result.units.recall) == (1.0, 1.0), (result.missing, result.spurious)
    assert {a.shape for a in doc.actions} == {"sheet"}


def written(orgs) -> list[str]:
    """Organisations as the cell wrote them: "État (DIR Ouest)" is split as "État" noted "DIR Ouest"."""
    return [f"{o.name} ({o.note})" if o.note and o.note != "financeur" else o.name for o in orgs]


def as_written(orgs, expected: list[str]) -> list[str]:
    """Each organisation by its name, or with its note when that is how the plan's author wrote it."""
    out = []
    for name, noted in zip([o.name for o in orgs], written(orgs), strict=True):
        best = max(expected, key=lambda e, n=name: scoring.jaccard(e, n), default="")
        out.append(noted if scoring.jaccard(best, noted) > scoring.jaccard(best, name) else name)
    return out


@pytest.mark.parametrize("name", ["pcaet_template.csv", "pcaet_template.xlsx"])
def test_template_hand_written_fields(parsed, name):
    doc = parsed[name]
    plan = EXPECTED["plans"]["pcaet"]
    result = scoring.score([as_scored(a) for a in doc.actions], plan)
    for key in ("pilots", "territories", "status", "priority"):
        assert (result.fields[key].precision, result.fields[key].recall) == (1.0, 1.0), key
    for detail in plan["actions"]:
        action = by_title(doc, detail["title"])
        assert action.steps == detail.get("steps", [])
        # the template holds the amount, as digits, under a "€ HT" header
        assert action.budget == f"{amount(detail['budget'])} € HT"
        partners = as_written(action.partners, detail["partners"])
        assert len(partners) == len(detail["partners"]), partners
        assert len(scoring.match_titles(detail["partners"], partners)) == len(partners), partners


def test_template_multi_line_cells_levels_and_unknown_column(parsed):
    doc = parsed["pcaet_template.csv"]
    action = by_title(doc, "Ouvrir un guichet unique de la rénovation de l'habitat")
    assert action.description.split("\n") == [
        "Le guichet informe gratuitement les ménages, réalise une visite du logement et accompagne les "
        "projets de rénovation globale jusqu'à la réception des travaux.",
        "Calendrier : 2025-2030",
    ]
    assert [(lv.kind, lv.ref, lv.title) for lv in action.levels] == [
        ("axe", "1", "Un habitat sobre et rénové"),
        ("sous_axe", "1.1", "Accélérer la rénovation énergétique des logements"),
    ]
    assert action.chapter.startswith("1 Un habitat sobre et rénové")
    assert action.calendar == "Date de début : 01/01/2025 ; Date de fin : 31/12/2030"
    assert action.extra[UNMAPPED] == "Fiche BAT-01 relue"
    unknown = [w for w in doc.warnings if w.startswith("colonne non reconnue")]
    assert unknown == [f"colonne non reconnue : {UNMAPPED} (gardée comme champ supplémentaire)"]
    # every level count of expected.toml: 4 axes, 8 sous-axes, 13 actions, 4 sub-actions
    levels = dict(map(tuple, EXPECTED["plans"]["pcaet"]["levels"]))
    assert len({a.levels[0].title for a in doc.actions}) == levels["axe"]
    assert len({a.levels[1].title for a in doc.actions}) == levels["sous-axe"]
    assert sum(len(a.steps) for a in doc.actions) == levels["sous-action"]


def test_provenance_is_the_rows_lines(parsed):
    for name in ("pcaet_template.csv", "pcaet_template.xlsx"):
        doc = parsed[name]
        lines = doc.text.lines
        sheet = doc.text.sheets[0]
        assert lines[sheet.header_line - 1].split("\t")[: len(TEMPLATE)] == TEMPLATE
        for action in doc.actions:
            p = action.provenance
            rows = lines[p.line_start - 1 : p.line_end]
            assert all(action.title in row for row in rows)
            assert action.title in p.quote and "<p>" not in p.quote
        with_subs = by_title(doc, "Ouvrir un guichet unique de la rénovation de l'habitat")
        assert with_subs.provenance.line_end - with_subs.provenance.line_start == 2  # action + 2 sub-actions


def test_xlsx_header_below_a_title_line(parsed):
    doc = parsed["pcaet_template.xlsx"]
    sheet = doc.text.sheets[0]
    assert sheet.header_row == EXPECTED["documents"]["pcaet_template.xlsx"]["header_row"]
    assert len(sheet.rows) == EXPECTED["documents"]["pcaet_template.xlsx"]["rows"]
    assert doc.text.lines[0] == "Plan climat-air-énergie territorial 2025-2030"
    assert doc.document.title == "Plan climat-air-énergie territorial 2025-2030"


def test_csv_and_xlsx_read_alike(parsed):
    csv_doc, xlsx_doc = parsed["pcaet_template.csv"], parsed["pcaet_template.xlsx"]

    def view(a: ActionRecord) -> tuple:
        return (a.title, a.description, a.chapter, a.budget, a.status, a.priority, a.steps, a.extra)

    assert [view(a) for a in csv_doc.actions] == [view(a) for a in xlsx_doc.actions]
    assert [a.id.split("/", 1)[1] for a in csv_doc.actions] == [
        a.id.split("/", 1)[1] for a in xlsx_doc.actions
    ]


def test_other_export_shape(parsed):
    plan = EXPECTED["plans"]["projets"]
    doc = parsed["projets_export.csv"]
    assert len(doc.actions) == plan["units"]
    assert len(doc.text.sheets[0].header) == EXPECTED["documents"]["projets_export.csv"]["columns"]
    result = scoring.score([as_scored(a) for a in doc.actions], plan)
    assert (result.units.precision, result.units.recall) == (1.0, 1.0)
    detail = plan["actions"][0]
    action = by_title(doc, detail["title"])
    assert action.budget == detail["budget"]
    assert {t.code for t in action.territories} == set(detail["territory_codes"])
    assert detail["territories"][0] in [t.name for t in action.territories]
    assert action.extra == {"phase": detail["fields"]["phase"]}
    assert detail["fields"]["date de début"] in action.calendar
    assert not [w for w in doc.warnings if w.startswith("colonne non reconnue")]


def test_no_header_lists_headers_found_and_expected(docs):
    with pytest.raises(NoActionFound) as caught:
        parse_document(docs["budget_sans_entete.xlsx"])
    error = caught.value
    assert error.where == str(docs["budget_sans_entete.xlsx"])
    assert "aucune ligne d'en-tête reconnue" in error.message
    assert "2024, 2025, 2026" in error.message  # the headers found
    for expected in ("titre de l'action", "intitulé", "pilote", "axe"):
        assert expected in error.valid


def test_a_binary_csv_is_refused(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_bytes(b"\x00\x01\x02PK\x00" * 50)
    with pytest.raises(UnreadableDocument, match="binaire"):
        load(path)


def test_comma_csv_in_a_windows_encoding_with_untitled_rows(tmp_path: Path):
    path = tmp_path / "actions.csv"
    text = (
        "Intitulé,Porteur,Statut,Priorité,Territoire\r\n"
        'Créer une régie de quartier,"Ville de Vire, CCAS",Terminée,P2,Vire\r\n'
        ",,,,\r\n"
        ",Total,,,Calvados\r\n"
        "Ouvrir un tiers-lieu,Association Élan,bientôt,***,Caen\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    doc = parse_document(path)
    assert any("not UTF-8" in w for w in doc.warnings)  # decoded by the text loaders' guess
    assert [a.title for a in doc.actions] == ["Créer une régie de quartier", "Ouvrir un tiers-lieu"]
    first, second = doc.actions
    assert [o.name for o in first.pilots] == ["Ville de Vire", "CCAS"]
    assert (first.status, first.priority, second.status, second.priority) == (
        "réalisé",
        "moyenne",
        None,
        "élevée",
    )
    assert second.extra == {"Statut": "bientôt"}  # a value the lexicon cannot normalise is kept, and reported
    assert any("bientôt" in w for w in second.warnings)
    assert [t.name for t in first.territories] == ["Vire"]
    assert "ligne 4 : aucun titre d'action, ligne ignorée" in doc.warnings


def test_xlsx_merged_cells_and_several_sheets(tmp_path: Path):
    path = tmp_path / "plan.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(["Axe", "Nom de l'action", "Pilote", "Descriptif"])
    sheet.append(
        [
            "1 Mobilité",
            "Garage solidaire",
            "Association Roue Libre",
            "Réparer à prix coûtant\nprès de la gare",
        ]
    )
    sheet.append([None, "Auto-école sociale", "Association Roue Libre", "Permis B"])
    sheet.append(["2 Formation", "Plateau technique mobile", "Région", ""])
    sheet.merge_cells("A2:A3")
    notes = book.create_sheet("Notes")
    notes.append(["Relu le 3 mars"])
    second = book.create_sheet("Suite")
    second.append(["Titre", "Partenaires"])
    second.append(["Bus de l'emploi", "France Travail; Mission locale"])
    book.save(path)
    doc = parse_document(path)
    assert [(a.title, a.chapter) for a in doc.actions] == [
        ("Garage solidaire", "1 Mobilité"),
        ("Auto-école sociale", "1 Mobilité"),
        ("Plateau technique mobile", "2 Formation"),
        ("Bus de l'emploi", None),
    ]
    assert doc.actions[0].description == "Réparer à prix coûtant\nprès de la gare"
    assert [o.name for o in doc.actions[3].partners] == ["France Travail", "Mission locale"]
    assert "feuille ignorée (aucun en-tête reconnu) : Notes" in doc.warnings
    assert "# Suite" in doc.text.lines
    for action in doc.actions:
        assert action.title in doc.text.lines[action.provenance.line_start - 1]


def test_records_round_trip_and_old_records_still_read(parsed):
    action = by_title(parsed["pcaet_template.csv"], "Ouvrir un guichet unique de la rénovation de l'habitat")
    data = json.loads(json.dumps(action.to_dict(), ensure_ascii=False))
    assert ActionRecord.from_dict(data) == action
    old = {k: v for k, v in data.items() if k not in ("status", "priority", "levels", "extra")}
    for t in old["territories"]:
        del t["code"]
    restored = ActionRecord.from_dict(old)
    assert (restored.status, restored.priority, restored.levels, restored.extra) == (None, None, [], {})


def test_a_spreadsheet_goes_through_the_service(service, docs):
    report = service.ingest([docs["pcaet_template.csv"], docs["budget_sans_entete.xlsx"]])
    statuses = {Path(d.file).name: d for d in report.documents}
    assert statuses["pcaet_template.csv"].status == "ingested"
    assert statuses["budget_sans_entete.xlsx"].status == "error"
    assert "aucune ligne d'en-tête reconnue" in statuses["budget_sans_entete.xlsx"].error
    stored = service.store.actions("pcaet_template")
    assert len(stored) == EXPECTED["plans"]["pcaet"]["units"]
    assert {a.extra.get(UNMAPPED) for a in stored} >= {"Fiche BAT-01 relue"}

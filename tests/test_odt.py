"""ODT documents read like their DOCX twins (tests/plans re-renders of the corpus fiches), the ODT loader's
conventions on a hand-made document, and the DOCX fiche whose unknown label row used to swallow the rows
after it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from odf.opendocument import OpenDocumentText
from odf.style import Footer, MasterPage, PageLayout
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, List, ListItem, P, S, Span

from ingest import parse_document
from ingest.errors import UnreadableDocument
from ingest.loaders import load, sniff
from ingest.records import ActionRecord
from tests.plans import documents

EXPECTED = documents.expected()
TWINS = ("corpus_fiches", "corpus_propositions")


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict[str, Path]:
    names = {f"{t}.{ext}" for t in TWINS for ext in ("docx", "odt")}
    return documents.build(tmp_path_factory.mktemp("odt"), corpus_dir=corpus_dir, names=names)


@pytest.fixture(scope="module")
def pdi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return documents.build(tmp_path_factory.mktemp("pdi"), names={"pdi.docx", "pdi.odt"})


def view(a: ActionRecord) -> tuple:
    return (
        a.ref,
        a.title,
        a.chapter,
        a.description,
        a.budget,
        a.perimeter,
        a.calendar,
        a.indicators,
        a.steps,
        [o.name for o in a.pilots],
        [o.name for o in a.partners],
        [t.name for t in a.territories],
        a.fields_missing,
    )


@pytest.mark.parametrize("twin", TWINS)
def test_odt_fiches_read_like_their_docx_twin(twins, twin):
    docx_doc = parse_document(twins[f"{twin}.docx"])
    odt_doc = parse_document(twins[f"{twin}.odt"])
    assert odt_doc.document.format == "odt"
    assert len(odt_doc.actions) == EXPECTED["documents"][f"{twin}.odt"]["units"]
    assert [view(a) for a in odt_doc.actions] == [view(a) for a in docx_doc.actions]


def test_odt_of_an_invented_plan(pdi):
    loaded = load(pdi["pdi.odt"])
    for text in EXPECTED["documents"]["pdi.odt"]["text_has"]:
        assert any(text in line for line in loaded.lines), text
    assert "## Objectif 2.2 : Sécuriser l'accès à la formation qualifiante" in loaded.lines
    assert "- RSA : Revenu de solidarité active" in loaded.lines
    table_starts = [i for i, line in enumerate(loaded.lines) if line.startswith("Description\t")]
    assert len(table_starts) == EXPECTED["documents"]["pdi.odt"]["tables"]


def _odt(path: Path) -> Path:
    doc = OpenDocumentText()
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    footer.addElement(P(text="Pied de page répété"))
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    doc.text.addElement(H(outlinelevel=2, text="Fiche 1 : Garage solidaire"))
    p = P(text="Premier")
    p.addElement(S(c=3))
    p.addText("mot")
    p.addElement(LineBreak())
    p.addElement(Span(text="seconde ligne"))
    doc.text.addElement(p)
    doc.text.addElement(P(text="   "))
    items = List()
    for text in ("un", "deux"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    doc.text.addElement(items)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=3))
    for cells in (
        [("Intitulé", 1), ("Titre fusionné", 2), None],
        [("Pilote", 1), ("Association", 1), ("", 1)],
        [None, ("Suite", 1), ("", 1)],
    ):
        row = TableRow()
        for cell in cells:
            if cell is None:
                row.addElement(CoveredTableCell())
                continue
            text, span = cell
            tc = TableCell(numbercolumnsspanned=span) if span > 1 else TableCell()
            for part in text.split("|") if text else []:
                tc.addElement(P(text=part))
            row.addElement(tc)
        table.addElement(row)
    doc.text.addElement(table)
    doc.save(str(path))
    return path


def test_odt_conventions_match_the_docx_loader(tmp_path: Path):
    loaded = load(_odt(tmp_path / "fiche.odt"))
    assert loaded.lines == [
        "## Fiche 1 : Garage solidaire",
        "",
        "Premier   mot",
        "seconde ligne",
        "",
        "- un",
        "- deux",
        "",
        "Intitulé\tTitre fusionné",  # a horizontal merge once, as DOCX's one w:tc
        "Pilote\tAssociation\t",  # trailing empty cells kept, as DOCX rows keep theirs
        "\tSuite\t",  # under a vertical merge: empty
    ]
    assert not any("Pied de page" in line for line in loaded.lines)


def test_odt_sniffing_and_refusals(tmp_path: Path):
    odt = _odt(tmp_path / "fiche.odt")
    assert sniff(odt.read_bytes()) == "odt"
    renamed = tmp_path / "fiche.txt"
    renamed.write_bytes(odt.read_bytes())
    assert load(renamed).format == "odt"  # content wins over a non-ZIP suffix, with a warning
    assert any("content is ODT" in w for w in load(renamed).warnings)
    fake = tmp_path / "faux.odt"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnreadableDocument, match="pas un ODT : l'archive ZIP n'a pas de content.xml"):
        load(fake)
    misnamed = tmp_path / "classeur.odt"
    with zipfile.ZipFile(misnamed, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableDocument, match="c'est un fichier XLSX"):
        load(misnamed)


def test_docx_unknown_label_row_keeps_the_rows_after_it(pdi):
    """pdi.docx has a 'Public visé' row between Partenaires and Territoire in each fiche: the rows after it
    (Territoire, Calendrier, Budget, Indicateurs, Statut) stay in the fiche."""
    plan = EXPECTED["plans"]["pdi"]
    parsed = parse_document(pdi["pdi.docx"])
    assert len(parsed.actions) == plan["units"]
    # the fiche titles are a merged row this shape does not read as a title yet: fiches are found in order
    in_order = dict(zip(plan["titles"], parsed.actions, strict=True))
    first = plan["actions"][0]
    action = in_order[first["title"]]
    assert action.extra["Public visé"] == first["fields"]["Public visé"]
    assert action.calendar == first["fields"]["Calendrier"]
    assert action.description.startswith("La plateforme réunira")
    assert "budget" not in action.fields_missing and "description" not in action.fields_missing
    for detail in plan["actions"]:
        action = in_order[detail["title"]]
        assert (action.budget, action.status) == (detail["budget"], detail["status"])
        assert [o.name for o in action.pilots] == detail["pilots"]
        if "priority" in detail:
            assert action.priority == detail["priority"]


def test_a_label_no_lexicon_knows_is_kept_and_reported(tmp_path: Path):
    path = tmp_path / "fiche.md"
    path.write_text(
        "## Fiche 1 : Garage solidaire\n\n"
        "Pilote du projet\tAssociation Roue Libre\n"
        "Visa du directeur\tAccordé le 3 mars\n"
        "\tsous réserve du budget\n"
        "Partenaires\tFrance Travail\n"
        "Budget\t12 000 €\n",
        encoding="utf-8",
    )
    action = parse_document(path).actions[0]
    assert action.extra == {"Visa du directeur": "Accordé le 3 mars sous réserve du budget"}
    assert action.budget == "12 000 €"
    assert [o.name for o in action.partners] == ["France Travail"]
    assert any("libellé non reconnu « Visa du directeur »" in w for w in action.warnings)

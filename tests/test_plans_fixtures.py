"""The test-document generators of tests/plans: valid files, the layouts they claim, expectations that
agree with what the documents say, and the scoring helper on hand-made inputs.

No test here runs qfq's parser (the lead wires those once the layout-aware parser exists).
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from bs4 import BeautifulSoup
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt
from pypdf import PdfReader

from graph.reference import ReferenceData
from tests.plans import corpus, documents, scoring
from tests.plans.model import load_plan, walk_groups
from tests.plans.render_sheets import TEMPLATE, UNMAPPED

EXPECTED = documents.expected()
INVENTED = ["pdi", "pcaet", "contrat_ville", "pacte", "recueil", "velo"]
INVENTED_DOCS = sorted(n for n, d in EXPECTED["documents"].items() if "corpus_source" not in d)
INVENTED_DOCS.remove(documents.LONG_PDF)
CORPUS_DOCS = sorted(n for n, d in EXPECTED["documents"].items() if "corpus_source" in d)


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return documents.build(tmp_path_factory.mktemp("plans"))


@pytest.fixture(scope="session")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return documents.build_long(tmp_path_factory.mktemp("plans_long") / documents.LONG_PDF)


@pytest.fixture(scope="session")
def corpus_docs(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict[str, Path]:
    return documents.build(
        tmp_path_factory.mktemp("plans_corpus"), corpus_dir=corpus_dir, names=set(CORPUS_DOCS)
    )


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def document_text(path: Path) -> str:
    """The text of a generated document, read with the library of its format."""
    suffix = path.suffix
    if suffix == ".pdf":
        return "\n".join(pdf_pages(path))
    if suffix == ".docx":
        d = docx.Document(path)
        cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
        header = [p.text for s in d.sections for p in s.header.paragraphs]
        return "\n".join([p.text for p in d.paragraphs] + cells + header)
    if suffix == ".odt":
        return teletype.extractText(load_odt(str(path)).text)
    if suffix == ".html":
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text("\n")
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return path.read_text(encoding="utf-8-sig")


# -- expectations agree with the sources ------------------------------------------------------------
@pytest.mark.parametrize("key", INVENTED)
def test_expected_units_and_titles_are_the_plans(key: str) -> None:
    plan, want = load_plan(key), EXPECTED["plans"][key]
    actions = plan.all_actions()
    assert len(actions) == want["units"] == len(want["titles"])
    assert [a.title for a in actions] == want["titles"]
    depth_counts: dict[int, int] = {}
    for depth, _ in walk_groups(plan.groups):
        depth_counts[depth] = depth_counts.get(depth, 0) + 1
    counts = [depth_counts[d] for d in sorted(depth_counts)] + [len(actions)]
    steps = sum(len(a.steps) for a in actions)
    counts += [steps] if steps else []
    assert counts == [n for _, n in want["levels"]]
    assert [[s.kind, s.heading] for s in plan.sections] == [list(p) for p in want["passages"]]


@pytest.mark.parametrize("key", INVENTED)
def test_expected_details_are_said_by_the_action(key: str) -> None:
    """Every pilot, partner, territory, budget and field value expected is written in the action."""
    plan = load_plan(key)
    by_title = {a.title: a for a in plan.all_actions()}
    for detail in EXPECTED["plans"][key].get("actions", []):
        action = by_title[detail["title"]]
        text = flat(
            " ".join(
                [v for _, v in action.fields + action.panel] + action.body + [s.title for s in action.steps]
            )
        )
        assert action.ref == detail["ref"]
        assert detail.get("code", action.code) == action.code
        for name in ("pilots", "partners", "territories"):
            for value in detail.get(name, []):
                assert scoring.fold(value) in scoring.fold(text), (key, detail["ref"], name, value)
        for label, value in detail.get("fields", {}).items():
            assert action.field_value(label) == value
        if "budget" in detail:
            assert detail["budget"] in text
        if "steps" in detail:
            assert [s.title for s in action.steps] == detail["steps"]
        if "quote_pilot" in detail:
            assert detail["quote_pilot"] in text


def test_expected_place_names_are_in_the_territory_referential(reference: ReferenceData) -> None:
    referential = reference.territories
    names = {
        t
        for plan in EXPECTED["plans"].values()
        for a in plan.get("actions", [])
        for t in a.get("territories", [])
    }
    assert len(names) >= 25
    unknown = sorted(n for n in names if not referential.lookup(n))
    assert unknown == []


def test_export_codes_are_real_communes_of_their_epci(
    docs: dict[str, Path], reference: ReferenceData
) -> None:
    referential = reference.territories
    with docs["projets_export.csv"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == EXPECTED["documents"]["projets_export.csv"]["rows"]
    for row in rows:
        commune = referential.get(f"commune:{row['code INSEE']}")
        assert commune is not None and commune.name == row["commune"]
        siren = row["SIREN de l'EPCI"]
        assert commune.parent == f"epci:{siren}"
    assert [r["nom"] for r in rows] == EXPECTED["plans"]["projets"]["titles"]


# -- the generated files ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", INVENTED_DOCS)
def test_each_document_opens_and_says_what_is_expected(docs: dict[str, Path], name: str) -> None:
    want = EXPECTED["documents"][name]
    path = docs[name]
    assert path.stat().st_size > 0
    text = flat(document_text(path))
    if "pages" in want:
        assert len(PdfReader(path).pages) == want["pages"]
    for needle in want.get("text_has", []):
        assert flat(needle) in text, (name, needle)
    if want.get("plan") in EXPECTED["plans"] and path.suffix not in (".csv", ".xlsx"):
        for title in EXPECTED["plans"][want["plan"]]["titles"]:
            assert flat(title) in text, (name, title)


def test_pdf_fiche_table_continues_over_a_page_break(docs: dict[str, Path]) -> None:
    pages = pdf_pages(docs["pdi.pdf"])
    start = next(i for i, p in enumerate(pages) if "Fiche action n° 1.1.1 :" in p and "Sommaire" not in p)
    first, second = pages[start], pages[start + 1]
    assert "Description" in first and "Pilote" not in first
    assert "Description" not in second and "Pilote" in second and "Public visé" in second
    assert second.startswith("PDI de l'Aveyron 2024-2028")  # running header
    assert f"Page {start + 2}/17" in second


def test_pdf_table_of_contents_gives_the_pages(docs: dict[str, Path]) -> None:
    pages = pdf_pages(docs["pdi.pdf"])
    toc = flat(pages[1])
    assert toc.startswith(flat(pages[1].split("\n")[0])) and "Sommaire" in toc
    found = re.search(r"Fiche action n° 2\.1\.2 : Développer les clauses sociales .*? (\d+) ", toc)
    assert found, toc[:300]
    page = int(found.group(1))
    assert "Fiche action n° 2.1.2 : Développer" in flat(pages[page - 1])


def test_pdf_body_is_hyphenated_and_has_running_headers(docs: dict[str, Path]) -> None:
    pages = pdf_pages(docs["pacte.pdf"])
    assert re.search(r"[a-zé]-\n[a-zé]", "\n".join(pages))
    assert sum("Engagement n°" in p.split("\n")[0] for p in pages) >= 2
    assert all(f"- {i + 1} -" in p for i, p in enumerate(pages))


def test_pdf_layout_sidecar_has_columns_and_panels(docs: dict[str, Path]) -> None:
    truth = json.loads(docs["pacte.pdf"].with_suffix(".layout.json").read_text(encoding="utf-8"))
    regions = {t["region"] for t in truth}
    assert {"col1", "col2", "panel"} <= regions
    panel_texts = [t["text"] for t in truth if t["region"] == "panel"]
    assert "Vecteur juridique" in panel_texts and "Impact budgétaire" in panel_texts


def test_pdf_euro_is_drawn_but_read_as_another_glyph(docs: dict[str, Path]) -> None:
    plain, mapped = document_text(docs["pacte.pdf"]), document_text(docs["pacte_euro.pdf"])
    assert plain.count("€") >= 6 and "\u00a4" not in plain
    assert "€" not in mapped and mapped.count("\u00a4") == plain.count("€")


def test_docx_fiche_tables_merge_the_title_row_and_keep_rows_after_public_vise(docs: dict[str, Path]) -> None:
    d = docx.Document(docs["pdi.docx"])
    assert len(d.tables) == EXPECTED["documents"]["pdi.docx"]["tables"]
    styles = {p.style.name for p in d.paragraphs}
    assert {"Titre 1", "Titre 2"} <= styles and "Heading 1" not in styles
    table = d.tables[0]
    assert table.rows[0].cells[0]._tc is table.rows[0].cells[1]._tc  # merged
    labels = [r.cells[0].text for r in table.rows[1:]]
    assert labels.index("Public visé") < labels.index("Territoire") < labels.index("Statut")
    assert "Page" in d.sections[0].footer.paragraphs[0].text
    with zipfile.ZipFile(docs["pdi.docx"]) as z:
        assert 'w:styleId="Titre1"' in z.read("word/styles.xml").decode()
        assert "PAGE" in z.read("word/footer1.xml").decode()


def test_docx_english_heading_styles_and_list_paragraphs(docs: dict[str, Path]) -> None:
    d = docx.Document(docs["contrat_ville.docx"])
    by_style: dict[str, int] = {}
    for p in d.paragraphs:
        by_style[p.style.name] = by_style.get(p.style.name, 0) + 1
    levels = EXPECTED["plans"]["contrat_ville"]["levels"]
    assert [by_style.get(f"Heading {i}", 0) for i in (2, 3, 4)] == [n for _, n in levels[1:]]
    assert by_style["List Bullet"] >= 9 * 6


def test_odt_headings_have_outline_levels_and_fiches_are_tables(docs: dict[str, Path]) -> None:
    odt = load_odt(str(docs["pdi.odt"]))
    levels: dict[str, int] = {}
    for h in odt.getElementsByType(odf_text.H):
        levels[h.getAttribute("outlinelevel")] = levels.get(h.getAttribute("outlinelevel"), 0) + 1
    assert levels["2"] == 7 and levels["3"] == 12
    assert len(odt.getElementsByType(odf_table.Table)) == 12
    assert odt.getElementsByType(odf_text.List)


def test_template_spreadsheets(docs: dict[str, Path]) -> None:
    want = EXPECTED["documents"]["pcaet_template.csv"]
    with docs["pcaet_template.csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == TEMPLATE + [UNMAPPED] and len(rows[0]) == want["columns"]
    assert len(rows) - 1 == want["rows"]
    assert any("\n" in cell for row in rows[1:] for cell in row)
    assert sum(1 for r in rows[1:] if r[4]) == 4  # sub-action rows
    sheet = openpyxl.load_workbook(docs["pcaet_template.xlsx"]).active
    values = list(sheet.iter_rows(values_only=True))
    header = EXPECTED["documents"]["pcaet_template.xlsx"]["header_row"]
    assert list(values[header - 1]) == rows[0]
    assert len(values) - header == want["rows"]


def test_headerless_spreadsheet_names_no_template_column(docs: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(docs["budget_sans_entete.xlsx"]).active
    cells = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    known = {scoring.fold(c) for c in TEMPLATE} | {"nom", "intitule", "action", "pilote", "titre"}
    assert not {scoring.fold(c) for c in cells} & known


def test_long_pdf_has_at_least_120_pages(long_pdf: Path) -> None:
    want = EXPECTED["documents"][documents.LONG_PDF]
    reader = PdfReader(long_pdf)
    assert len(reader.pages) >= want["min_pages"]
    plan = documents.long_plan()
    assert len(plan.all_actions()) == want["units_per_repeat"] * documents.LONG_REPEAT
    last = plan.all_actions()[-1]
    assert flat(f"{last.ref} : {last.title}") in flat(
        reader.pages[-3].extract_text() + reader.pages[-2].extract_text()
    )


# -- the corpus re-rendered -------------------------------------------------------------------------
@pytest.mark.parametrize("name", CORPUS_DOCS)
def test_corpus_fiches_rerendered(corpus_dir: Path, corpus_docs: dict[str, Path], name: str) -> None:
    want = EXPECTED["documents"][name]
    reader = corpus.read_fiche_tables if want["reader"] == "fiche_tables" else corpus.read_propositions
    plan = reader(corpus_dir / want["corpus_source"])
    actions = plan.all_actions()
    assert len(actions) == want["units"]
    assert len({a.ref for a in actions}) == want["units"]
    assert all(a.title and len(a.fields) >= 4 for a in actions)
    text = flat(document_text(corpus_docs[name]))
    for action in actions:
        assert flat(action.title) in text, (name, action.ref)


# -- scoring on hand-made inputs --------------------------------------------------------------------
PDI = EXPECTED["plans"]["pdi"]


def _perfect() -> list[dict]:
    by_title = {a["title"]: a for a in PDI["actions"]}
    return [dict(by_title.get(t, {"title": t})) for t in PDI["titles"]]


def test_scoring_perfect() -> None:
    result = scoring.score(_perfect(), PDI)
    assert (result.units.precision, result.units.recall) == (1.0, 1.0)
    assert result.missing == [] and result.spurious == []
    assert all(pr.precision == pr.recall == 1.0 for pr in result.fields.values())
    assert set(result.fields) == {"pilots", "partners", "territories", "ref", "budget", "status", "priority"}


def test_scoring_titles_with_numbering_case_and_accents_still_match() -> None:
    extracted = [
        {"title": f"FICHE ACTION N° {i}.1 : {scoring.fold(t).upper()}"} for i, t in enumerate(PDI["titles"])
    ]
    assert scoring.score(extracted, PDI).units.recall == 1.0
    assert scoring.jaccard("MOB-03 : Créer des aires de covoiturage", "Créer des aires de covoiturage") == 1.0
    assert scoring.jaccard("Mesure n°12 : Ouvrir des crèches", "ouvrir des creches") == 1.0


def test_scoring_missing_and_spurious() -> None:
    extracted = _perfect()[2:] + [
        {"title": "Axe 2 : Construire des parcours vers l'emploi durable"},
        {"title": "Glossaire"},
    ]
    result = scoring.score(extracted, PDI)
    assert result.units.matched == 10
    assert result.units.recall == pytest.approx(10 / 12)
    assert result.units.precision == pytest.approx(10 / 12)
    assert result.missing == PDI["titles"][:2]
    assert result.spurious == ["Axe 2 : Construire des parcours vers l'emploi durable", "Glossaire"]
    assert scoring.score([], PDI).units.recall == 0.0


def test_scoring_fields_count_partial_lists_and_wrong_scalars() -> None:
    extracted = _perfect()
    first = extracted[0]
    first["partners"] = ["France Travail", "Région Occitanie", "Conseil départemental"]  # 2 of 4, 1 wrong
    first["status"] = "à venir"
    del first["budget"]
    result = scoring.score(extracted, PDI)
    partners = result.fields["partners"]
    expected_partners = sum(len(a.get("partners", [])) for a in PDI["actions"])
    assert partners.expected == expected_partners
    assert partners.matched == expected_partners - 2 and partners.extracted == expected_partners - 1
    assert result.fields["status"].matched == result.fields["status"].expected - 1
    budget = result.fields["budget"]
    assert budget.extracted == budget.expected - 1 and budget.recall < 1.0 and budget.precision == 1.0


def test_scoring_near_titles_below_the_threshold_do_not_match() -> None:
    assert (
        scoring.jaccard(
            "Créer une plateforme de mobilité",
            "Créer une plateforme départementale de mobilité solidaire et itinérante",
        )
        < scoring.THRESHOLD
    )
    result = scoring.score([{"title": "Créer une plateforme"}], PDI)
    assert result.units.matched == 0 and result.units.precision == 0.0

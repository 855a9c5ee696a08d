"""The layout-aware PDF reader on the generated plans of tests/plans (two columns, side panels, running
headers and footers, hyphenated line ends, fiche tables over page breaks, a euro glyph read as '¤') and
on the corpus fiches re-rendered as PDF; the document model's line conventions."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ingest.errors import EmptyDocument
from ingest.layout.model import Block, LayoutDocument
from ingest.layout.pdf import read_pdf
from ingest.layout.textfix import join_lines, repair_currency
from ingest.loaders import load
from tests.plans import corpus, documents

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHORT = ("pacte.pdf", "pcaet.pdf", "recueil.pdf", "pdi.pdf", "pacte_euro.pdf")
CORPUS_PDFS = ("corpus_fiches.pdf", "corpus_propositions.pdf")
REGION_RANK = {"col1": 0, "col2": 1, "col3": 2, "panel": 3}


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return documents.build(tmp_path_factory.mktemp("layout_pdf"), names=set(SHORT))


@pytest.fixture(scope="module")
def corpus_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus {CORPUS} is absent")
    return documents.build(
        tmp_path_factory.mktemp("layout_corpus"), corpus_dir=CORPUS, names=set(CORPUS_PDFS)
    )


# -- reading order against the generator's placement ----------------------------------------------------
def letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("\xad", ""))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)).lower())


def kendall(positions: list[int]) -> float:
    n = len(positions)
    if n < 2:
        return 1.0
    concordant = sum(1 for i in range(n) for j in range(i + 1, n) if positions[i] < positions[j])
    return 2.0 * concordant / (n * (n - 1) / 2) - 1.0


def page_texts(path: Path) -> list[str]:
    loaded = load(path)
    pages = [""] * len(PdfReader(path).pages)
    for line, page in zip(loaded.lines, loaded.pages or [], strict=True):
        pages[page - 1] += letters(line)
    return pages


def reading_order(path: Path) -> dict[str, float]:
    """found: paragraph starts (40 letters) found on their page; tau: Kendall tau of their positions
    against columns left to right, and of the side panel's in its own order (weighted mean over pages; a
    panel is read after the unit it flanks, which may be before the end of the page); intact: paragraphs whose
    whole text is contiguous in the document. A table row continued after a page break (its text starts
    with the empty label: a space) is merged into the row on the earlier page, so it is not looked for
    on its own page."""
    truth = json.loads(path.with_suffix(".layout.json").read_text(encoding="utf-8"))
    pages = page_texts(path)
    document = "".join(pages)
    by_page: dict[int, list[dict]] = {}
    for entry in truth:
        if not entry["text"].startswith(" "):
            by_page.setdefault(entry["page"], []).append(entry)
    found = total = intact = 0
    weighted = weights = 0.0
    for page, entries in by_page.items():
        entries.sort(key=lambda e: REGION_RANK.get(e["region"], 9))
        keys = [letters(e["text"])[:40] for e in entries]
        positions: dict[bool, list[int]] = {False: [], True: []}  # body, side panel: each in its order
        for entry, key in zip(entries, keys, strict=True):
            if len(key) < 16 or keys.count(key) > 1:
                continue
            total += 1
            at = pages[page - 1].find(key)
            if at >= 0:
                found += 1
                positions[entry["region"] == "panel"].append(at)
            intact += letters(entry["text"]) in document
        for part in positions.values():
            if len(part) >= 2:
                weighted += kendall(part) * len(part)
                weights += len(part)
    return {"found": found / total, "tau": weighted / weights if weights else 1.0, "intact": intact / total}


@pytest.mark.parametrize("name", SHORT)
def test_reading_order_follows_columns_then_side_panel(docs: dict[str, Path], name: str) -> None:
    scores = reading_order(docs[name])
    assert scores["found"] >= 0.98 and scores["tau"] >= 0.95 and scores["intact"] >= 0.95, scores


def test_pages_of_lines_follow_the_pdf(docs: dict[str, Path]) -> None:
    loaded = load(docs["pdi.pdf"])
    assert loaded.pages is not None and len(loaded.pages) == len(loaded.lines)
    assert loaded.pages == sorted(loaded.pages)
    line = next(
        i for i, text in enumerate(loaded.lines, 1) if "Fiche action n° 1.1.2 :" in text and "\t" not in text
    )
    assert loaded.page_of(line) == 6  # the TOC says so ("... 6") and the fiche starts its page


# -- running headers, footers, page numbers ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["pdi.pdf", "pcaet.pdf", "pacte.pdf"])
def test_running_headers_footers_and_page_numbers_are_removed(docs: dict[str, Path], name: str) -> None:
    path = docs[name]
    layout = read_pdf(path.read_bytes(), str(path))
    headers = [b for b in layout.blocks if b.kind == "header"]
    footers = [b for b in layout.blocks if b.kind == "footer"]
    assert len({b.page for b in headers}) == layout.pages and len({b.page for b in footers}) == layout.pages
    lines = layout.to_lines().lines
    assert not [line for line in lines if re.fullmatch(r"(- \d+ -|Page \d+/\d+)", line)]
    for text in {b.text for b in headers}:
        # the running header's text may also be a title or a heading of the body, never on every page
        assert sum(1 for line in lines if line.lstrip("# ") == text) <= 2, text


# -- hyphenation ------------------------------------------------------------------------------------------
def test_hyphenation_is_undone_on_the_words_the_generator_cut(docs: dict[str, Path]) -> None:
    path = docs["pacte.pdf"]
    truth = " ".join(
        e["text"] for e in json.loads(path.with_suffix(".layout.json").read_text(encoding="utf-8"))
    )
    raw = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    cut = {
        (a, b) for a, b in re.findall(r"([a-zà-ÿœ]+)-\n([a-zà-ÿœ]+)", raw) if re.search(rf"\b{a}{b}\b", truth)
    }
    assert len(cut) >= 10  # the generator cut that many words at line ends
    text = "\n".join(load(path).lines)
    for left, right in cut:
        assert re.search(rf"\b{left}{right}\b", text), f"{left}-{right} not joined"
        assert not re.search(rf"\b{left}-(\s|$)", text, re.MULTILINE)


def test_hyphen_rules() -> None:
    assert join_lines(["Une aide aux deman-", "deurs d'emploi"]) == "Une aide aux demandeurs d'emploi"
    assert join_lines(["antennes à Saint-", "Lô et Vire"]) == "antennes à Saint-Lô et Vire"
    assert join_lines(["région AUVERGNE-", "RHÔNE-ALPES"]) == "région AUVERGNE-RHÔNE-ALPES"
    assert join_lines(["un rendez-", "vous"], {"rendez-vous"}) == "un rendez-vous"
    assert join_lines(["période 2024-", "2028"]) == "période 2024-2028"
    assert join_lines(["accompa\ufffe", "gnement"]) == "accompagnement"


# -- side panels ------------------------------------------------------------------------------------------
def test_side_panels_are_blocks_attached_to_the_unit_they_flank(docs: dict[str, Path]) -> None:
    path = docs["pacte.pdf"]
    layout = read_pdf(path.read_bytes(), str(path))
    by_order = {b.order: b for b in layout.blocks}
    panels = [b for b in layout.blocks if b.kind == "side_panel"]
    assert len(panels) > 50 and any(b.text == "Vecteur juridique" for b in panels)
    refs = [b for b in panels if re.fullmatch(r"Mesure n°\d+", b.text)]
    assert len(refs) == 8  # every mesure's panel opens with its ref
    for panel in panels:
        unit = by_order[panel.flanks]
        assert unit.kind == "heading" and unit.text.startswith("Mesure n°")
    for ref in refs:
        assert by_order[ref.flanks].text.startswith(ref.text + " :")
    # the panel of mesure 1 says its budget; the body does not
    budget = next(b for b in panels if b.text.startswith("18 M€"))
    assert by_order[budget.flanks].text.startswith("Mesure n°1 :")


def test_side_panel_drawn_before_the_body_still_follows_it(docs: dict[str, Path]) -> None:
    path = docs["pcaet.pdf"]
    layout = read_pdf(path.read_bytes(), str(path))
    by_order = {b.order: b for b in layout.blocks}
    for panel in (b for b in layout.blocks if b.kind == "side_panel"):
        unit = by_order[panel.flanks]
        assert unit.page == panel.page and unit.order < panel.order
        assert unit.kind == "heading" and unit.text.startswith("Action "), unit.text


# -- tables -----------------------------------------------------------------------------------------------
def test_table_row_continued_over_a_page_break_is_merged(docs: dict[str, Path]) -> None:
    path = docs["pdi.pdf"]
    truth = json.loads(path.with_suffix(".layout.json").read_text(encoding="utf-8"))
    rest = next(e["text"].strip() for e in truth if e["text"].startswith(" "))
    lines = load(path).lines
    row = next(line for line in lines if line.startswith("Description\tLa plateforme réunira"))
    assert row.endswith(rest) and row.count("\t") == 1
    assert not [line for line in lines if line.startswith("\t")]
    assert "Pilote\tDépartement de l'Aveyron (direction de l'insertion)" in lines


# -- glyphs -----------------------------------------------------------------------------------------------
def test_euro_read_as_currency_sign_is_repaired(docs: dict[str, Path]) -> None:
    loaded = load(docs["pacte_euro.pdf"])
    text = "\n".join(loaded.lines)
    assert "18 M€ sur trois ans" in text and "\u00a4" not in text
    assert any("€" in warning and "\u00a4" in warning for warning in loaded.warnings)
    assert not any("€" in warning for warning in load(docs["pacte.pdf"]).warnings)


def test_currency_repair_rules() -> None:
    assert repair_currency("12 M\u00a4 et \u00a4 300, 40 k\u00a4, 5\u00a4") == (
        "12 M€ et € 300, 40 k€, 5€",
        4,
    )
    assert repair_currency("signe \u00a4 seul") == ("signe \u00a4 seul", 0)


# -- bad input --------------------------------------------------------------------------------------------
def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    image = Image.new("RGB", (200, 280), "white")
    for x in range(20, 180):
        image.putpixel((x, 40), (0, 0, 0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for _ in range(2):
        pdf.drawImage(ImageReader(image), 50, 300, width=400, height=500)
        pdf.showPage()
    pdf.save()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(EmptyDocument, match="numérisé") as caught:
        load(path)
    assert "OCR" in str(caught.value) and caught.value.where == str(path)


# -- the corpus fiches re-rendered ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "reader"),
    [("corpus_fiches.pdf", corpus.read_fiche_tables), ("corpus_propositions.pdf", corpus.read_propositions)],
)
def test_corpus_fiche_titles_come_back_in_order(corpus_docs: dict[str, Path], name: str, reader) -> None:
    source = documents.expected()["documents"][name]["corpus_source"]
    actions = reader(CORPUS / source).all_actions()
    lines = load(corpus_docs[name]).lines
    body = letters("\n".join(line for line in lines if "\t" not in line))  # past the table of contents
    at = 0
    for action in actions:
        found = body.find(letters(f"{action.ref} {action.title}"), at)
        assert found >= 0, f"{action.ref} : {action.title}"
        at = found
    assert len(actions) == documents.expected()["documents"][name]["units"]
    assert reading_order(corpus_docs[name])["intact"] >= 0.95


# -- the document model -----------------------------------------------------------------------------------
def test_to_lines_follows_the_docx_and_html_conventions() -> None:
    blocks = [
        Block("header", "Plan 2025", page=1),
        Block("heading", "Axe 1 : Mobilité", page=1, level=1),
        Block("paragraph", "Un texte.", page=1),
        Block("list_item", "• premier", page=1),
        Block("list_item", "second", page=1),
        Block("table_row", "Pilote\tCommune", page=2, cells=["Pilote", "Commune"]),
        Block("table_row", "Budget\t10 €", page=2, cells=["Budget", "10 €"]),
        Block("side_panel", "Calendrier 2025", page=2, flanks=1),
        Block("footer", "- 2 -", page=2),
    ]
    for order, block in enumerate(blocks):
        block.order = order
    loaded = LayoutDocument(blocks, format="pdf", pages=2).to_lines()
    assert loaded.lines == [
        "# Axe 1 : Mobilité",
        "",
        "Un texte.",
        "",
        "- premier",
        "- second",
        "",
        "Pilote\tCommune",
        "Budget\t10 €",
        "",
        "Calendrier 2025",
    ]
    assert loaded.pages == [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
    assert LayoutDocument(blocks, format="docx").to_lines().pages is None
    with pytest.raises(ValueError, match="type de bloc inconnu"):
        Block("caption", "x")

"""Loaders on small real-format files built from excerpts of the corpus."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from ingest.errors import EmptyDocument, UnreadableDocument, UnsupportedFormat
from ingest.loaders import SUPPORTED_SUFFIXES, load

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _excerpt(name: str, first: int, last: int) -> list[str]:
    """Lines first..last (1-based, inclusive) of a corpus file; skip the test when it is absent."""
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} is absent (the shared corpus is not checked out)")
    return path.read_text(encoding="utf-8").splitlines()[first - 1 : last]


@pytest.fixture
def normandie() -> list[str]:
    """Heading and key/value rows of the fiche 'Proposition 1-1' (Normandie regional plan)."""
    return _excerpt("000_1ad84331eee1d4b1.txt", 146, 156)


@pytest.fixture
def eure() -> list[str]:
    """Key/value rows of 'Fiche 1' (Eure departmental insertion pact)."""
    return _excerpt("004_3055f0caa3abf071.txt", 157, 166)


def _rows(lines: list[str]) -> list[tuple[str, str]]:
    """(label, value) of the tab-separated fiche rows (continuation rows left out)."""
    return [tuple(line.split("\t", 1)) for line in lines if "\t" in line and not line.startswith("\t")]


def _pdf(path: Path, pages: list[list[str]], encrypt: object = None) -> Path:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for page in pages:
        for i, line in enumerate(page):
            pdf.drawString(72, 760 - 16 * i, line)
        pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


# --- text and Markdown -------------------------------------------------------------


def test_cp1252_text_with_crlf_is_decoded_with_a_warning(tmp_path: Path, normandie: list[str]) -> None:
    path = tmp_path / "fiche.txt"
    path.write_bytes("\r\n".join(normandie).encode("cp1252") + b"\r\n")
    loaded = load(path)
    assert loaded.format == "txt" and loaded.pages is None
    assert loaded.lines == normandie
    assert any("cp1252" in warning and "not UTF-8" in warning for warning in loaded.warnings)


def test_utf8_markdown_with_bom_is_verbatim(tmp_path: Path, eure: list[str]) -> None:
    path = tmp_path / "Fiche.MD"
    path.write_bytes(b"\xef\xbb\xbf" + "\r".join(eure).encode("utf-8"))
    loaded = load(path)
    assert loaded.format == "md" and loaded.warnings == []
    assert loaded.lines == eure  # tabs, <p> markup and apostrophes untouched


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "vide.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocument):
        load(path)


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", bytes(range(1, 32)) * 40 + b"abc"]
)
def test_binary_given_as_text(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match="contenu binaire, pas du texte"):
        load(path)


def test_unknown_suffix_lists_the_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "plan.xyz"
    path.write_text("Pilote du projet\tDireccte", encoding="utf-8")
    with pytest.raises(UnsupportedFormat) as caught:
        load(path)
    message = str(caught.value)
    assert "plan.xyz" in message and ".xyz" in message
    assert all(suffix in message for suffix in SUPPORTED_SUFFIXES)
    assert caught.value.where == str(path)


# --- PDF -----------------------------------------------------------------------------


def test_two_page_pdf_keeps_page_numbers(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "plan.PDF",
        [
            ["Proposition 1-1 : Pas de jeune sans solution", "Périmètre géographique Normandie"],
            ["Pilote du projet : Direccte/Rectorat", "Budget prévisionnel : 50 000 €"],
        ],
    )
    loaded = load(path)
    assert loaded.format == "pdf" and loaded.warnings == []
    assert loaded.pages is not None and len(loaded.pages) == len(loaded.lines)
    assert loaded.lines[0] == "Proposition 1-1 : Pas de jeune sans solution"
    line_no = next(i for i, line in enumerate(loaded.lines, 1) if "Direccte/Rectorat" in line)
    assert loaded.page_of(line_no) == 2
    assert loaded.page_of(1) == 1
    assert "" in loaded.lines  # one empty line between the pages
    assert any("50 000 €" in line for line in loaded.lines)


def test_pdf_page_without_text_is_named_in_a_warning(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scan.pdf", [["Fiche 1"], [], ["Fiche 2"]])
    loaded = load(path)
    assert loaded.lines == ["Fiche 1", "", "Fiche 2"]
    assert loaded.pages == [1, 1, 3]
    assert any("page 2" in warning for warning in loaded.warnings)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scan.pdf", [[], []])
    with pytest.raises(EmptyDocument, match="OCR"):
        load(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "secret.pdf", [["Intitulé de l'action"]], encrypt="secret")
    with pytest.raises(UnreadableDocument, match="PDF chiffré"):
        load(path)


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path: Path) -> None:
    owner_only = StandardEncryption("", ownerPassword="owner")
    path = _pdf(tmp_path / "restricted.pdf", [["Intitulé de l'action"]], encrypt=owner_only)
    assert load(path).lines == ["Intitulé de l'action"]


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = _pdf(tmp_path / "whole.pdf", [["Fiche 1"], ["Fiche 2"]]).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableDocument, match="PDF abîmé ou tronqué"):
        load(path)


def test_pdf_suffix_on_text_content(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_text("Intitulé\tFiche 1", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="pas un PDF"):
        load(path)


def test_pdf_content_is_sniffed_whatever_the_suffix(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "plan.txt", [["Fiche 1"]])
    loaded = load(path)
    assert loaded.format == "pdf" and loaded.pages == [1]
    assert any("PDF" in warning for warning in loaded.warnings)


# --- DOCX ----------------------------------------------------------------------------


def test_docx_heading_paragraphs_and_table_in_document_order(tmp_path: Path, normandie: list[str]) -> None:
    heading = normandie[0].lstrip("# ")
    rows = [
        (re.sub(r"</?b>", "", label), re.findall(r"<p>(.*?)</p>", value) or [value])
        for label, value in _rows(normandie)
    ]
    rows = [(label, paras) for label, paras in rows if "<" not in "".join(paras)]
    assert len(rows) >= 3 and any(len(paras) > 1 for _, paras in rows)
    document = docx.Document()
    document.add_heading(heading, level=4)
    document.add_paragraph("Avant le tableau.")
    table = document.add_table(rows=len(rows) + 1, cols=2)
    for row, (label, paras) in zip(table.rows, rows, strict=False):
        row.cells[0].text = label
        row.cells[1].text = paras[0]
        for para in paras[1:]:
            row.cells[1].add_paragraph(para)
    merged = table.rows[-1].cells[0].merge(table.rows[-1].cells[1])
    merged.text = "Cellule fusionnée"
    document.add_paragraph("Après le tableau.")
    path = tmp_path / "fiche.docx"
    document.save(str(path))

    loaded = load(path)
    expected_rows = [
        label + "\t" + (paras[0] if len(paras) == 1 else " ".join(f"<p>{p}</p>" for p in paras))
        for label, paras in rows
    ]
    assert loaded.format == "docx" and loaded.pages is None
    assert loaded.lines == [
        f"#### {heading}",
        "",
        "Avant le tableau.",
        "",
        *expected_rows,
        "Cellule fusionnée",
        "",
        "Après le tableau.",
    ]
    value = normandie[2].split("\t")[1]  # a two-paragraph cell reads as in the corpus
    assert loaded.lines[4] == "Intitulé de l'action\t" + value


def test_not_a_docx(tmp_path: Path) -> None:
    not_zip = tmp_path / "plan.docx"
    not_zip.write_bytes(b"PK\x03\x04 damaged")
    other_zip = tmp_path / "tableur.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    for path in (not_zip, other_zip):
        with pytest.raises(UnreadableDocument, match="pas un DOCX"):
            load(path)


# --- HTML ----------------------------------------------------------------------------


def test_html_heading_and_fiche_table(tmp_path: Path, normandie: list[str]) -> None:
    rows = [line for line in normandie if "\t" in line and not line.startswith("\t")]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row.split("\t")) + "</tr>\n" for row in rows)
    page = (
        "<!DOCTYPE html><html><head><title>Plan</title><style>td {color: red}</style></head><body>"
        "<nav>Accueil | Plans</nav><script>track();</script>"
        "<h2>Proposition 1-1 : Pas de jeune en reprise d'études sans solution</h2>"
        "<div>Chantier n° 1<br>Apprentissage</div>"
        f"<table>\n{cells}</table><ul><li>Pôle emploi</li><li>Mission locale</li></ul></body></html>"
    )
    path = tmp_path / "plan.htm"
    path.write_text(page, encoding="utf-8")
    loaded = load(path)
    assert loaded.format == "html" and loaded.warnings == []
    assert loaded.lines[:5] == [
        "## Proposition 1-1 : Pas de jeune en reprise d'études sans solution",
        "",
        "Chantier n° 1",
        "Apprentissage",
        "",
    ]
    assert loaded.lines[5 : 5 + len(rows)] == rows  # cells keep their <b>/<p>/<u> markup
    assert loaded.lines[-2:] == ["- Pôle emploi", "- Mission locale"]
    assert not any("track" in line or "Accueil" in line or "color" in line for line in loaded.lines)


def test_html_meta_charset(tmp_path: Path, eure: list[str]) -> None:
    label, value = _rows(eure)[0]
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{label} : {value}</p></body></html>'
    path = tmp_path / "fiche.html"
    path.write_bytes(page.encode("cp1252"))
    loaded = load(path)
    assert loaded.lines == [f"{label} : {value}"]
    assert any("cp1252" in warning for warning in loaded.warnings)

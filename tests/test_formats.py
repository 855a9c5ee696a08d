"""Every format end to end: corpus excerpts rebuilt as DOCX, PDF and HTML give the same actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import parse_document

PTI = "004_3055f0caa3abf071.txt"
BROCHURE = "001_7091df44cd1e8194.txt"
PLAN = "000_1ad84331eee1d4b1.txt"


def _lines(corpus_dir: Path, name: str, start: int, end: int) -> list[str]:
    return (corpus_dir / name).read_text(encoding="utf-8").split("\n")[start - 1 : end]


def test_docx_fiche_table(tmp_path: Path, corpus_dir: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("AXE I - LEVER LES FREINS POUR L'ACCÈS À L'EMPLOI", level=2)
    rows = [line.split("\t", 1) for line in _lines(corpus_dir, PTI, 157, 166)]
    table = document.add_table(rows=len(rows), cols=2)
    for r, (label, value) in enumerate(rows):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = value
    path = tmp_path / "pti.docx"
    document.save(path)
    parsed = parse_document(path)
    assert parsed.document.format == "docx"
    (action,) = parsed.actions
    assert action.ref == "Fiche 1"
    assert action.title.startswith("Fluidifier les mobilités dans le département")
    assert [o.name for o in action.pilots] == ["PÔLE EMPLOI", "CASE", "EPN"]
    assert "WIMOOV" in [o.name for o in action.partners]
    assert action.duration == "3 ans"
    assert len(action.steps) == 3 and action.chapter.startswith("AXE I")


def test_pdf_blurbs_keep_their_page(tmp_path: Path, corpus_dir: Path) -> None:
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    lines = _lines(corpus_dir, BROCHURE, 28, 86)
    font = "Helvetica"
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(candidate).exists():
            pdfmetrics.registerFont(TTFont("DejaVu", candidate))
            font = "DejaVu"
    path = tmp_path / "brochure.pdf"
    c = canvas_mod.Canvas(str(path))
    y = 800
    for i, line in enumerate(lines):
        if i == 34:  # the "Mobilité" theme (CARBUR'PERA) starts page 2
            c.showPage()
            y = 800
        c.setFont(font, 7)
        c.drawString(20, y, line[:180])
        y -= 12
    c.save()
    parsed = parse_document(path)
    assert parsed.document.format == "pdf" and parsed.document.page_count == 2
    by_title = {a.title: a for a in parsed.actions}
    assert by_title["Orientibus"].provenance.page == 1
    carbur = by_title["CARBUR'PERA"]
    assert carbur.provenance.page == 2
    assert [o.name for o in carbur.pilots] == ["CARBUR'PERA"]


def test_html_fiche_with_markup_labels(tmp_path: Path, corpus_dir: Path) -> None:
    rows = _lines(corpus_dir, PLAN, 148, 156)
    cells = "".join(
        f"<tr><td>{label}</td><td>{value}</td></tr>"
        for label, value in (r.split("\t", 1) for r in rows if "\t" in r)
    )
    html = (
        "<html><head><meta charset='utf-8'></head><body><h2>Chantier n° 1</h2>"
        "<h3>Être au rendez-vous de la forte demande d'apprentissage et de formation</h3>"
        "<h4>Proposition 1-1 : Pas de jeune en reprise d'études sans solution</h4>"
        f"<table>{cells}</table></body></html>"
    )
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    parsed = parse_document(path)
    (action,) = parsed.actions
    assert action.ref == "Proposition 1-1"
    assert action.title == "Pas de jeune en reprise d'études sans solution"
    assert {(o.name, o.note) for o in action.pilots} >= {
        ("Direccte", "Sous action 1"),
        ("CARIF OREF", "Sous action 2"),
    }
    assert action.chapter.startswith("Chantier n° 1")
    assert [t.name for t in action.territories] == ["Normandie"]

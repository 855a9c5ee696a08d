"""Sub-units stay parts of their unit (issue 9's model: "Mesure n°N -> Action 1..n"), also when the unit's
heading is cut at the bottom of a column and goes on at the top of the next one (the 120-page bench PDF
counted 23 such "Action n" sub-units as actions)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.pipeline import parse_document

WIDTH, HEIGHT = A4
LEFT, RIGHT = 50, WIDTH / 2 + 10
BODY = (
    "Les allocataires des communes rurales bénéficient d'un accompagnement renforcé, avec des rendez-vous "
    "réguliers et des heures d'activité organisées près de chez eux."
)


def _write(c: canvas.Canvas, x: float, y: float, text: str, size: float = 9.5, bold: bool = False) -> float:
    c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
    c.drawString(x, y, text)
    return y - size * 1.3


def _body(c: canvas.Canvas, x: float, y: float, lines: int = 3) -> float:
    words = BODY.split()
    for k in range(lines):
        y = _write(c, x, y, " ".join(words[(k * 5) % 20 : (k * 5) % 20 + 5]))
    return y - 6


def _pdf(path: Path, tail: str) -> Path:
    """Two columns: Mesure n°1 with two actions, then Mesure n°2 whose heading the column cuts after
    its first line (``tail`` opens the right column), two actions below it."""
    c = canvas.Canvas(str(path), pagesize=A4)
    y = HEIGHT - 60
    y = _write(c, LEFT, y, "Engagement n°1 : L'emploi", 14, True) - 8
    y = _write(c, LEFT, y, "Mesure n°1 : Ouvrir un point emploi", 12, True) - 4
    y = _body(c, LEFT, y, 12)
    for k, title in enumerate(("Former les agents", "Publier la carte"), 1):
        y = _write(c, LEFT, y, f"Action {k} : {title}", 10, True)
        y = _body(c, LEFT, y, 14)
    while y > 90:
        y = _body(c, LEFT, y, 4)
    _write(c, LEFT, 62, "Mesure n°2 : Garantir un suivi", 12, True)
    y = HEIGHT - 60
    y = _write(c, RIGHT, y, tail, 12, True) - 4
    y = _body(c, RIGHT, y, 8)
    for k, title in enumerate(("Adapter le contrat", "Labelliser des lieux"), 1):
        y = _write(c, RIGHT, y, f"Action {k} : {title}", 10, True)
        y = _body(c, RIGHT, y, 10)
    c.showPage()
    c.save()
    return path


def test_a_heading_cut_by_the_column_keeps_its_sub_units_inside(tmp_path: Path) -> None:
    for tail in ("renforcé en zone rurale", "(volet 2)"):
        parsed = parse_document(_pdf(tmp_path / "mesures.pdf", tail), doc_id="mesures")
        titles = [a.title for a in parsed.actions]
        assert [a.ref for a in parsed.actions] == ["Mesure n°1", "Mesure n°2"], titles
        second = parsed.actions[1]
        assert second.title == f"Garantir un suivi {tail}"
        assert len(second.steps) == 2 and "Adapter le contrat" in second.steps[0], second.steps
        assert all("Action" not in (a.ref or "") for a in parsed.actions)

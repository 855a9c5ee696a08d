"""Tables without rules in a PDF: a label column and a value column whose value wraps over several lines
give one row with one cell per column (ingest.layout.pdf_page), on a reportlab page drawn line by line."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.loaders.pdf import load_pdf
from ingest.pipeline import parse_document

ROWS = [
    ("Pilote", ["Communauté de communes du Haut-Jura"]),
    (
        "Partenaires",
        [
            "France Travail, Mission locale du Jura, Région",
            "Bourgogne-Franche-Comté, entreprises du",
            "bassin de Saint-Claude",
        ],
    ),
    ("Budget", ["25 000 € par an"]),
    ("Calendrier", ["Septembre 2025, puis chaque rentrée", "scolaire jusqu'en 2028"]),
]


def _draw(path, rows=ROWS) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 780, "Fiche action n° 1 : Ouvrir un atelier de réparation de vélos")
    page.setFont("Helvetica", 10)
    y = 750
    for label, values in rows:
        page.drawString(72, y, label)
        for k, value in enumerate(values):
            page.drawString(200, y - 12 * k, value)
        y -= 12 * len(values) + 10
    page.save()


def test_a_wrapped_value_stays_in_its_cell(tmp_path) -> None:
    path = tmp_path / "fiche.pdf"
    _draw(path)
    lines = load_pdf(path.read_bytes(), str(path)).lines
    rows = [x for x in lines if "\t" in x]
    assert rows == [
        "Pilote\tCommunauté de communes du Haut-Jura",
        "Partenaires\tFrance Travail, Mission locale du Jura, Région Bourgogne-Franche-Comté, entreprises du "
        "bassin de Saint-Claude",
        "Budget\t25 000 € par an",
        "Calendrier\tSeptembre 2025, puis chaque rentrée scolaire jusqu'en 2028",
    ]


def test_the_fields_read_whole(tmp_path) -> None:
    path = tmp_path / "fiche.pdf"
    _draw(path)
    action = parse_document(path).actions[0]
    partners = [o.name for o in action.partners]
    assert len(partners) == 4 and partners[-1].endswith("bassin de Saint-Claude")  # the third line is read
    assert action.calendar == "Septembre 2025, puis chaque rentrée scolaire jusqu'en 2028"


def test_a_line_under_the_label_column_is_not_a_continuation(tmp_path) -> None:
    path = tmp_path / "fiche.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("Helvetica", 10)
    page.drawString(72, 750, "Budget")
    page.drawString(200, 750, "25 000 €")
    page.drawString(72, 738, "Une phrase qui suit le tableau sous la colonne des libellés.")
    page.save()
    lines = [x for x in load_pdf(path.read_bytes(), str(path)).lines if x]
    assert lines == ["Budget\t25 000 €", "Une phrase qui suit le tableau sous la colonne des libellés."]

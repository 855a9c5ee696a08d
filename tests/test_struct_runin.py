"""DOCX fiches whose field labels are bold runs with no colon after them (« Porteur » in bold, then the
value in plain text), and a bold label the lexicon does not know, with its colon: the fields of the action,
the unknown one an extra field (reported), never its description. A DOCX written for this test."""

from __future__ import annotations

from pathlib import Path

import docx

from ingest.loaders import load
from ingest.pipeline import parse_document

FICHES = [
    (
        "Action 1 – Ouvrir une recyclerie solidaire",
        [("Porteur", "Association Réemploi 21"), ("Calendrier", "2026-2027"), ("Coût", "180 000 €")],
        "La recyclerie emploie dix salariés en insertion.",
    ),
    (
        "Action 2 – Former les agents au tri des biodéchets",
        [("Porteur", "Syndicat de collecte"), ("Partenaires", "Communes, ADEME"), ("Calendrier", "2026")],
        "Une demi-journée de formation par agent.",
    ),
]


def _write(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Programme de prévention des déchets", level=1)
    for title, fields, text in FICHES:
        document.add_heading(title, level=2)
        for label, value in fields:
            p = document.add_paragraph()
            p.add_run(label).bold = True
            p.add_run(" " + value)
        p = document.add_paragraph()
        p.add_run("Lien avec le plan régional des déchets :").bold = True
        p.add_run(" objectif 3")
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_bold_labels_without_colon_are_fields(tmp_path: Path) -> None:
    parsed = parse_document(_write(tmp_path / "dechets.docx"))
    first, second = parsed.actions
    assert first.title == "Ouvrir une recyclerie solidaire"
    assert [o.name for o in first.pilots] == ["Association Réemploi 21"]
    assert first.calendar == "2026-2027" and first.budget == "180 000 €"
    assert [o.name for o in second.partners] == ["Communes", "ADEME"]
    assert first.extra == {"Lien avec le plan régional des déchets": "objectif 3"}
    assert any("Lien avec le plan régional des déchets" in w for w in first.warnings)
    assert first.description == "La recyclerie emploie dix salariés en insertion."


def test_bold_emphasis_opening_a_sentence_stays_prose(tmp_path: Path) -> None:
    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Important").bold = True
    p.add_run(" : la recyclerie ouvre en mars.")
    p = document.add_paragraph()
    p.add_run("Chaque agent").bold = True
    p.add_run(" suit une demi-journée de formation.")
    document.save(str(tmp_path / "prose.docx"))
    assert load(tmp_path / "prose.docx").lines == [
        "Important : la recyclerie ouvre en mars.",
        "",
        "Chaque agent suit une demi-journée de formation.",
    ]

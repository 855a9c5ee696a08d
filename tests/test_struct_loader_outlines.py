"""Heading levels that only the document's structure gives (issue 9, held-out set 5): a DOCX house
template's custom heading styles and bold titles, and a plain text exported from an outliner (tab
indentation only)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.loaders import load


def test_custom_docx_styles_take_the_level_of_their_base_outline_or_bold(tmp_path: Path) -> None:
    document = docx.Document()
    based = document.styles.add_style("Titre Partie", WD_STYLE_TYPE.PARAGRAPH)
    based.base_style = document.styles["Heading 1"]
    outlined = document.styles.add_style("Sous-partie maison", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    outlined.element.get_or_add_pPr().append(level)
    plain = document.styles.add_style("Intitulé maison", WD_STYLE_TYPE.PARAGRAPH)
    plain.font.bold = True
    document.add_paragraph("Partie 1 – Former", style=based)
    document.add_paragraph("Volet 1.1 – Apprentissage", style=outlined)
    document.add_paragraph("Ouvrir une classe", style=plain)  # a bold title, no heading style
    labelled = document.add_paragraph()
    labelled.add_run("Pilote :").bold = True  # a bold run-in label stays a line of text
    labelled.add_run(" Ville")
    document.add_paragraph("Budget :", style=plain)  # a bold label alone is no title
    path = tmp_path / "maison.docx"
    document.save(str(path))
    lines = [x for x in load(path).lines if x]
    assert lines == [
        "# Partie 1 – Former",
        "## Volet 1.1 – Apprentissage",
        "### Ouvrir une classe",
        "Pilote : Ville",
        "Budget :",
    ]


def test_tab_indented_text_becomes_headings_and_keeps_its_line_count(tmp_path: Path) -> None:
    text = "Titre\nAxe A\n\tAction une\n\t\tPilote : Ville\n\tAction deux\n\t\tPilote : Région\nFin\n"
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    lines = load(path).lines
    assert lines == [
        "Titre",
        "# Axe A",
        "## Action une",
        "Pilote : Ville",
        "## Action deux",
        "Pilote : Région",
        "Fin",
    ]


def test_a_text_with_tabs_inside_lines_is_not_an_outline(tmp_path: Path) -> None:
    text = "Nom\tPilote\n\tAction une\tVille\n\tAction deux\tRégion\n\tAction trois\tÉtat\n"
    path = tmp_path / "tableau.txt"
    path.write_text(text, encoding="utf-8")
    assert load(path).lines == text.rstrip("\n").split("\n")

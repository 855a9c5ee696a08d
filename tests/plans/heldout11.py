"""The eleventh held-out set of test plans (issue 9): an honest measure after sets 1-10 were used for fixes.

Sources are ``sources/heldout11/`` (invented, written for the tests); what a parser should find is
``heldout11.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has:

- ``crte.odt``: a contrat de relance et de transition écologique as ODT, « Orientation stratégique n » and
  « Action n° n.m » outline headings, each field a paragraph whose label is a BOLD span followed by its
  value with no colon (« **Maître d'ouvrage** Syndicat … »), one unknown bold label with its colon;
- ``numerique.pdf``: a schéma départemental d'inclusion numérique as a portrait PDF with a narrow side
  panel « Le schéma en bref » drawn beside the body column on every page, each axe a heading above ONE
  table (N° | Action | Pilote | Partenaires | Échéance) whose header row is not repeated, the second
  axe's table cut by a page break (``heldout11_pdf.py``);
- ``solidarites.xlsx``: a pacte local des solidarités as XLSX: grouping columns Axe and Objectif written
  only on the first row of their group (blank below, not merged), sub-action rows (the action cell empty,
  the « Sous-action » cell filled) and an unmapped column « Commentaire interne »;
- ``cite.md``: a cité éducative roadmap as Markdown: « ## Axe n – », « ### Action n.m – », sub-actions as
  « #### Sous-action n.m.a – » headings (with or without text), fields as bold-label bullets.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from odf import teletype
from odf.style import Style as OdfStyle
from odf.style import TextProperties
from odf.text import P as OdfP
from odf.text import Span

from . import heldout
from .heldout11_pdf import render_side_panel_tables_pdf
from .model import DASH, HeldOutSet, Plan
from .render_odt import OdtWriter, _meta_title, heading_styles

SET = HeldOutSet("heldout11")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- ODT: bold run-in labels with no colon -------------------------------------------------------------
def render_bold_labels_odt(p: Plan, path: Path) -> Path:
    doc = OdtWriter()
    doc.odt.meta.addElement(_meta_title(p.title))
    doc.headings = heading_styles(doc.odt, 2)
    bold = OdfStyle(name="Gras", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.odt.automaticstyles.addElement(bold)
    doc.para(p.title)
    doc.para(p.issuer)

    def parts(sections) -> None:
        for section in sections:
            doc.heading(section.heading, 1)
            for text in section.paragraphs:
                doc.para(text)

    parts(p.before)
    for group in p.groups:
        doc.heading(f"{group.ref} : {group.title}", 1)
        for action in group.actions:
            doc.heading(f"{action.ref} {DASH} {action.title}", 2)
            for label, value in action.fields:
                para = OdfP()
                span = Span(stylename=bold)
                teletype.addTextToElement(span, label)
                para.addElement(span)
                teletype.addTextToElement(para, " " + value)
                doc.odt.text.addElement(para)
            for text in action.body:
                doc.para(text)
    parts(p.after)
    doc.odt.save(str(path))
    return path


# -- XLSX: grouping columns on the first row of their group, sub-action rows, an unmapped column -------
SHEET_COLUMNS = (
    "Axe",
    "Objectif",
    "N°",
    "Intitulé de l'action",
    "Sous-action",
    "Pilote",
    "Partenaires",
    "Échéance",
    "Coût estimé",
    "Commentaire interne",
)
A1 = "Axe 1 – Agir dès la petite enfance"
A2 = "Axe 2 – Ramener vers l'emploi"
SHEET_ROWS = [
    (
        A1,
        "1.1 Accueillir les jeunes enfants des familles précaires",
        "1.1.1",
        "Ouvrir une crèche à vocation d'insertion professionnelle",
        "",
        "Centre communal d'action sociale",
        "Caisse d'allocations familiales, France Travail",
        "2026",
        "250 000 €",
        "En attente du vote du budget",
    ),
    ("", "", "1.1.1.a", "", "Recruter l'équipe de la crèche", "", "", "2026", "", ""),
    (
        "",
        "",
        "1.1.1.b",
        "",
        "Réserver dix places aux parents en parcours d'insertion",
        "",
        "",
        "2026",
        "",
        "",
    ),
    (
        "",
        "",
        "1.1.2",
        "Former les assistantes maternelles à l'accueil des enfants en situation de handicap",
        "",
        "Relais petite enfance",
        "Département",
        "2027",
        "15 000 €",
        "",
    ),
    (
        "",
        "1.2 Lutter contre la précarité alimentaire",
        "1.2.1",
        "Servir des petits-déjeuners gratuits dans les écoles prioritaires",
        "",
        "Éducation nationale",
        "Communes",
        "2026",
        "60 000 €",
        "Reconduction à confirmer",
    ),
    (
        A2,
        "2.1 Accompagner les allocataires du RSA",
        "2.1.1",
        "Orienter chaque nouvel allocataire en moins d'un mois",
        "",
        "Département",
        "France Travail",
        "2026",
        "",
        "",
    ),
    (
        "",
        "",
        "2.1.2",
        "Ouvrir des chantiers d'insertion dans les métiers du grand âge",
        "",
        "Département",
        "Structures d'insertion par l'activité économique",
        "2027-2028",
        "400 000 €",
        "",
    ),
    ("", "", "2.1.2.a", "", "Repérer les établissements d'accueil volontaires", "", "", "2027", "", ""),
    (
        "",
        "2.2 Lever les freins à la mobilité",
        "2.2.1",
        "Prêter des scooters aux personnes qui reprennent un emploi",
        "",
        "Association Roue libre",
        "Région",
        "2026",
        "35 000 €",
        "Convention signée en mars",
    ),
]


def render_solidarites_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan d'actions"
    sheet.append(list(SHEET_COLUMNS))
    for row in SHEET_ROWS:
        sheet.append([cell or None for cell in row])
    book.save(str(path))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "crte.odt": lambda path: render_bold_labels_odt(plan("crte"), path),
    "numerique.pdf": lambda path: render_side_panel_tables_pdf(plan("numerique"), path),
    "solidarites.xlsx": render_solidarites_xlsx,
    "cite.md": _copy("cite.md"),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the eleventh held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)

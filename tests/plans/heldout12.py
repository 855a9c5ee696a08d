"""The twelfth held-out set of test plans (issue 9): an honest measure after sets 1-11 were used for fixes.

Sources are ``sources/heldout12/`` (invented, written for the tests); what a parser should find is
``heldout12.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has:

- ``plie.pdf``: a protocole de PLIE as a LANDSCAPE PDF, each fiche a two-column label | value grid table
  whose spanning title row « Fiche action n° N – Titre » is repeated at the top of the next page when the
  table runs over a page break, fiches flowing without page breaks (``heldout12_pdf.py``);
- ``ess.docx``: a schéma de l'économie sociale et solidaire as DOCX, « Chantier n – » Heading 1, each
  « Engagement n.m – Titre » the merged first row of a three-column table (no heading), a NESTED table of
  partners (Structure | Rôle) in a merged cell, a « Moyens » label merged down over the Budget and
  Calendrier rows;
- ``cprdfop.html``: a CPRDFOP as a web page, levels numbered only by letters (« A. » h2, « A.1 » h3 with a
  table per fiche whose labels are plain td cells, « A.1.a » h4 sub-actions), partners split by ``<br>``,
  a colspan row with a bold run-in label;
- ``emploi.csv``: a maison de l'emploi's action plan as CSV in Windows-1252 (’ œ € are bytes 0x92 0x9C
  0x80, outside Latin-1), semicolons, a title on row 1, an empty row 2, the header on row 3 (its
  « Libellé de l’action » with a curly apostrophe), lettered grouping columns Chantier / Levier on every
  row, a « Total » row at the bottom;
- ``jeunes.txt`` (added after the first four were measured and fixed, written before any run of its own): a
  feuille de route pour l'insertion des jeunes as plain text, « CHANTIER n — » / « Engagement n.m — » /
  « Levier n.m.p — » where every word names a grouping level and the deepest are the units, fields with
  synonyms right below the Levier line.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
from docx.shared import Pt

from . import heldout
from .heldout12_pdf import render_repeated_title_pdf
from .model import DASH, Action, HeldOutSet, Plan

SET = HeldOutSet("heldout12")
expected, plan = SET.expected, SET.plan
PARTNER_SEP = " — "  # a partner line of ess.toml is « Structure — rôle »


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: the engagement a merged table row, a nested table of partners, a label merged down ---------
def _engagement_table(document, action: Action) -> None:
    values = dict(action.fields)
    table = document.add_table(rows=6, cols=3)
    table.style = "Table Grid"
    title = table.cell(0, 0).merge(table.cell(0, 2))
    run = title.paragraphs[0].add_run(f"{action.ref} {DASH} {action.title}")
    run.bold, run.font.size = True, Pt(12)
    table.cell(1, 0).text = "Pilote"
    table.cell(1, 1).merge(table.cell(1, 2)).text = values["Pilote"]
    table.cell(2, 0).text = "Partenaires"
    cell = table.cell(2, 1).merge(table.cell(2, 2))
    lines = [line.split(PARTNER_SEP) for line in values["Partenaires"].split("\n")]
    nested = cell.add_table(rows=len(lines) + 1, cols=2)
    nested.style = "Table Grid"
    nested.cell(0, 0).text, nested.cell(0, 1).text = "Structure", "Rôle"
    for i, (name, role) in enumerate(lines, start=1):
        nested.cell(i, 0).text, nested.cell(i, 1).text = name, role
    table.cell(3, 0).merge(table.cell(4, 0)).text = "Moyens"
    for row, label in ((3, "Budget"), (4, "Calendrier")):
        table.cell(row, 1).text = label
        table.cell(row, 2).text = values[label]
    table.cell(5, 0).text = "Description"
    table.cell(5, 1).merge(table.cell(5, 2)).text = values["Description"]
    document.add_paragraph()


def render_merged_nested_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = p.title
    document.sections[0].header.paragraphs[0].text = p.running_header
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)

    def parts(sections) -> None:
        for section in sections:
            document.add_heading(section.heading, level=1)
            for text in section.paragraphs:
                document.add_paragraph(text)

    parts(p.before)
    for group in p.groups:
        document.add_heading(f"{group.ref} {DASH} {group.title}", level=1)
        for action in group.actions:
            _engagement_table(document, action)
    parts(p.after)
    document.save(str(path))
    return path


# -- CSV: Windows-1252, a title row above the header, lettered grouping columns, a total row ----------
CSV_TITLE = "Plan d’actions 2026 de la Maison de l’emploi du Pays d’Andrelle"
CSV_COLUMNS = (
    "Chantier",
    "Levier",
    "Code",
    "Libellé de l’action",
    "Porteur",
    "Partenaires",
    "Budget prévisionnel",
    "Calendrier",
    "Indicateur",
)
CA = "A – Anticiper les mutations économiques"
CB = "B – Favoriser l’accès à l’emploi"
CSV_ROWS = [
    (
        CA,
        "A.1 – Observer les besoins en compétences",
        "A.1.a",
        "Publier un baromètre trimestriel des offres d’emploi non pourvues",
        "Observatoire de l’emploi",
        "France Travail, Chambre de commerce et d’industrie",
        "8 000 €",
        "2026",
        "Nombre de baromètres publiés",
    ),
    (
        CA,
        "A.1 – Observer les besoins en compétences",
        "A.1.b",
        "Réunir les employeurs de la logistique autour de leurs besoins de main-d’œuvre",
        "Maison de l’emploi",
        "Fédération du transport et de la logistique",
        "3 500 €",
        "mars 2026",
        "Nombre d’employeurs présents",
    ),
    (
        CA,
        "A.2 – Accompagner les entreprises en mutation",
        "A.2.a",
        "Aider les PME à construire un plan de développement des compétences",
        "Opérateurs de compétences",
        "Région, Chambre de métiers et de l’artisanat",
        "25 000 €",
        "2026-2027",
        "Nombre de plans construits\nNombre de salariés formés",
    ),
    (
        CB,
        "B.1 – Rapprocher l’offre et la demande",
        "B.1.a",
        "Organiser un forum de l’emploi saisonnier",
        "Maison de l’emploi",
        "France Travail, Office de tourisme intercommunal",
        "12 000 €",
        "avril 2026",
        "Nombre de contrats signés",
    ),
    (
        CB,
        "B.1 – Rapprocher l’offre et la demande",
        "B.1.b",
        "Ouvrir un espace de recrutement dans la gare routière",
        "France Travail",
        "Communauté de communes",
        "30 000 €",
        "2026",
        "Fréquentation de l’espace",
    ),
    (
        CB,
        "B.2 – Soutenir la création d’activité",
        "B.2.a",
        "Accompagner les créateurs d’entreprise issus des quartiers",
        "Boutique de gestion BGE",
        "Banque publique d’investissement, Réseau Initiative",
        "18 500 €",
        "2026",
        "Nombre d’entreprises créées",
    ),
    ("", "", "", "Total du programme", "", "", "97 000 €", "", ""),
]


def _csv_cell(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ';"\n') else value


def render_emploi_csv(path: Path) -> Path:
    empty = ";" * (len(CSV_COLUMNS) - 1)
    lines = [CSV_TITLE + empty, empty, ";".join(CSV_COLUMNS)]
    lines += [";".join(_csv_cell(c) for c in row) for row in CSV_ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "plie.pdf": lambda path: render_repeated_title_pdf(plan("plie"), path),
    "ess.docx": lambda path: render_merged_nested_docx(plan("ess"), path),
    "cprdfop.html": _copy("cprdfop.html"),
    "emploi.csv": render_emploi_csv,
    "jeunes.txt": _copy("jeunes.txt"),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the twelfth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)

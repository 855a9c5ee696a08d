"""Plans as spreadsheets: the platform template (CSV and XLSX, one row per action or sub-action), another
export shape (projects with communes and INSEE codes) and a sheet with no recognisable header."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import openpyxl

from .model import SOURCES, Action, Plan, walk_groups

# The template columns of plan-structures.md, in order, then one column no parser knows.
TEMPLATE = [
    "Axe (x)",
    "Sous-axe (x.x)",
    "Sous-sous axe (x.x.x)",
    "Titre de l'action",
    "Titre de la sous-action",
    "Descriptif",
    "Instances de gouvernance",
    "Objectifs",
    "Indicateurs liés",
    "Structure pilote",
    "Moyens humains et techniques",
    "Partenaires",
    "Direction ou service pilote",
    "Personne pilote",
    "Élu·e référent·e",
    "Participation citoyenne",
    "Financements",
    "Financeur 1",
    "Montant € HT",
    "Financeur 2",
    "Montant € HT",
    "Financeur 3",
    "Montant € HT",
    "Budget prévisionnel total € HT",
    "Statut",
    "Niveau de priorité",
    "Date de début",
    "Date de fin",
]
UNMAPPED = "Commentaire interne"


def amount(text: str) -> str:
    """The first amount of a budget text in euros, as digits ("1,2 M€" -> "1200000"); "" if none."""
    match = re.search(r"(\d[\d  ]*(?:,\d+)?)\s*(M€|k€|€)", text)
    if not match:
        return ""
    value = float(match.group(1).replace(" ", "").replace("\u202f", "").replace(",", "."))
    value *= {"M€": 1_000_000, "k€": 1_000, "€": 1}[match.group(2)]
    return str(int(value))


def _dates(calendar: str) -> tuple[str, str]:
    years = re.findall(r"20\d\d", calendar)
    if not years:
        return "", ""
    return f"01/01/{years[0]}", f"31/12/{years[-1]}"


def _template_row(axe: str, sous_axe: str, action: Action, sub: Action | None) -> dict[str, str]:
    panel = dict(action.panel + action.fields)
    start, end = _dates(panel.get("Calendrier", ""))
    descriptif = "\n".join(action.body + [f"Calendrier : {panel.get('Calendrier', '')}"])
    return {
        "Axe (x)": axe,
        "Sous-axe (x.x)": sous_axe,
        "Titre de l'action": action.title,
        "Titre de la sous-action": sub.title if sub else "",
        "Descriptif": descriptif,
        "Structure pilote": panel.get("Pilote", ""),
        "Partenaires": panel.get("Partenaires", ""),
        "Budget prévisionnel total € HT": amount(panel.get("Budget", "")),
        "Statut": panel.get("Statut", ""),
        "Niveau de priorité": panel.get("Priorité", ""),
        "Date de début": start,
        "Date de fin": end,
        UNMAPPED: f"Fiche {action.code} relue" if action.code else "",
    }


def template_rows(plan: Plan) -> list[dict[str, str]]:
    """One row per action, then one per sub-action, grouping levels as "1 Titre" / "1.1 Titre"."""
    rows = []
    for depth, axe in walk_groups(plan.groups):
        if depth != 0:
            continue
        axe_label = f"{axe.ref.split()[-1]} {axe.title}"
        for sous in axe.groups:
            sous_label = f"{sous.ref.split()[-1]} {sous.title}"
            for action in sous.actions:
                rows.append(_template_row(axe_label, sous_label, action, None))
                rows += [_template_row(axe_label, sous_label, action, sub) for sub in action.steps]
    return rows


def _matrix(plan: Plan) -> list[list[str]]:
    header = TEMPLATE + [UNMAPPED]
    return [header] + [[row.get(name, "") for name in header] for row in template_rows(plan)]


def render_template_csv(plan: Plan, path: Path) -> Path:
    """Semicolon-separated UTF-8 with a byte order mark, as spreadsheet software exports it."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(_matrix(plan))
    return path


def render_template_xlsx(plan: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan d'actions"
    sheet.append([plan.title])  # a title line above the header, as exports often have
    sheet.append([])
    for row in _matrix(plan):
        sheet.append(row)
    book.save(path)
    return path


def render_projects_csv(path: Path) -> Path:
    raw = tomllib.loads((SOURCES / "export_projets.toml").read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(raw["columns"])
        writer.writerows(raw["rows"])
    return path


def render_headerless_xlsx(path: Path) -> Path:
    """A budget annex: numbers under year columns, nothing that names an action, a pilot or a level."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Feuil1"
    for row in (
        ["", 2024, 2025, 2026],
        ["Fonctionnement", 125000, 131000, 138500],
        ["Investissement", 480000, 515000, 260000],
        ["Recettes", -90000, -95000, -97000],
        ["", 515000, 551000, 301500],
    ):
        sheet.append(row)
    book.save(path)
    return path

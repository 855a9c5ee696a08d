"""The general readings added for the sixth held-out set (issue 9), each on a small input written here:
Markdown nested numbered lists as headings, a CSV whose title line precedes the header, a header row below
merged captions, a sheet exported as a tree ("Type" column), operators as pilots or partners."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ingest.loaders.markdown import markdown_lines
from ingest.pipeline import parse_document
from ingest.shapes.outline_words import word_role

NESTED = """## Plan d'actions

1. **Petite enfance**
   1. Ouvrir un relais itinérant
      - Pilote : Communauté de communes du Val
      - Partenaires :
         - Caisse d'allocations familiales
      - Calendrier : 2026
   2. Créer une crèche
      - Pilote : Association Les Petits Pas
      - Calendrier : 2027
2. **Jeunesse**
   1. Soutenir les projets de jeunes
      - Pilote : Point information jeunesse
      - Calendrier : 2026-2030

Un paragraphe après la liste.

1. Une étape
2. Une autre étape
"""


def test_markdown_numbered_items_with_a_nested_list_are_headings() -> None:
    lines = markdown_lines(NESTED.split("\n"))
    assert len(lines) == len(NESTED.split("\n"))  # the line map stays the file's
    assert lines[2] == "### **Petite enfance**"
    assert lines[3] == "#### Ouvrir un relais itinérant"
    assert lines[11] == "### **Jeunesse**"
    assert lines[12] == "#### Soutenir les projets de jeunes"
    assert lines[5].strip() == "- Partenaires :"  # a label above its own sub-list stays an item
    assert lines[-3:-1] == ["1. Une étape", "2. Une autre étape"]  # no nested list: items


def test_markdown_nested_lists_give_units_under_their_axes(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Convention\n\n" + NESTED, encoding="utf-8")
    parsed = parse_document(path, doc_id="plan")
    assert [a.title for a in parsed.actions] == [
        "Ouvrir un relais itinérant",
        "Créer une crèche",
        "Soutenir les projets de jeunes",
    ]
    assert [lv.title for lv in parsed.actions[2].levels] == ["Jeunesse"]  # "Plan d'actions" is no level
    assert [o.name for o in parsed.actions[0].pilots] == ["Communauté de communes du Val"]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Axe", "level"),
        ("Orientation", "level"),
        ("Action", "unit"),
        ("Fiche action", "unit"),
        ("Sous-action", "sub"),
        ("Investissement", None),
    ],
)
def test_word_role(text: str, role: str | None) -> None:
    assert word_role(text) == role


TREE = (
    "Programme d'actions - export du 14/11/2025\n"
    "Type;Numéro;Libellé;Porteur;Opérateurs;Période\n"
    "Axe;1;Accueillir les enfants;;;\n"
    "Action;1.1;Ouvrir un accueil du matin;Service enfance;Association Pas à Pas;2026\n"
    "Sous-action;1.1.a;Recruter deux animateurs;;;\n"
    "Axe;2;Associer les familles;;;\n"
    "Action;2.1;Organiser des cafés des parents;;Centre social du Val;2027\n"
)


def test_a_tree_exported_one_row_per_node(tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text(TREE, encoding="utf-8")
    actions = parse_document(path, doc_id="tree").actions
    assert [a.title for a in actions] == ["Ouvrir un accueil du matin", "Organiser des cafés des parents"]
    assert [(lv.kind, lv.title) for lv in actions[1].levels] == [("axe", "Associer les familles")]
    assert actions[0].steps == ["Recruter deux animateurs"]
    # operators beside a pilot are partners; with no pilot named, they are the pilots
    assert [o.name for o in actions[0].pilots] == ["Service enfance"]
    assert [o.name for o in actions[0].partners] == ["Association Pas à Pas"]
    assert [o.name for o in actions[1].pilots] == ["Centre social du Val"]


def test_the_header_below_merged_captions(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Action", None, "Pilotage", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["N°", "Intitulé de l'action", "Service pilote", "Partenaires"])
    sheet.append(["1", "Éteindre l'éclairage la nuit", "Service de la voirie", "Gendarmerie"])
    sheet.append(["2", "Passer les luminaires en LED", "Service de la voirie", "Syndicat d'énergie"])
    path = tmp_path / "plan.xlsx"
    book.save(str(path))
    actions = parse_document(path, doc_id="plan").actions
    assert [a.title for a in actions] == ["Éteindre l'éclairage la nuit", "Passer les luminaires en LED"]
    assert [o.name for o in actions[1].partners] == ["Syndicat d'énergie"]


LETTERED = """# Plan climat

## Priorité 1 : Adapter le territoire

### Mesure phare 1 – Planter des arbres d'alignement

- Pilote : Direction des routes
- Calendrier : 2027-2032

1 a) Choisir des essences résistantes à la sécheresse

1 b) Planter dix kilomètres par an

### Mesure phare 2 – Restaurer les mares

- Pilote : Direction de l'environnement
- Calendrier : 2026

### Mesure phare 3 – Désimperméabiliser les cours d'école

- Pilote : Direction de l'éducation
- Calendrier : 2028
"""


def test_mesure_phare_units_and_their_lettered_sub_actions(tmp_path: Path) -> None:
    path = tmp_path / "climat.md"
    path.write_text(LETTERED, encoding="utf-8")
    actions = parse_document(path, doc_id="climat").actions
    assert [(a.ref, a.title) for a in actions] == [
        ("Mesure phare 1", "Planter des arbres d'alignement"),
        ("Mesure phare 2", "Restaurer les mares"),
        ("Mesure phare 3", "Désimperméabiliser les cours d'école"),
    ]
    assert actions[0].steps == [
        "Choisir des essences résistantes à la sécheresse",
        "Planter dix kilomètres par an",
    ]
    assert actions[1].steps == []

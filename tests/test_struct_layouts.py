"""Layouts the third held-out set brought (tests/plans/heldout3.py), each as a small document of its own: the
general rules stay right on other words and content than the set's."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import load
from ingest.pipeline import parse_document
from tests.plans.heldout3 import _OutlineOdt
from tests.plans.model import Action, Group, Plan
from tests.plans.pdf_plans import PdfOptions, render_pdf


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_odt_outline_numbering_is_drawn_before_headings(tmp_path: Path) -> None:
    doc = _OutlineOdt()
    for text, level in (
        ("Préface", 1),
        ("Agir", 1),
        ("Premier titre", 2),
        ("Second titre", 2),
        ("Suivre", 1),
    ):
        doc.heading(text, level)
        doc.para("Texte.")
    doc.heading("Troisième titre", 2)
    doc.odt.save(str(tmp_path / "plan.odt"))
    heads = [x for x in load(tmp_path / "plan.odt").lines if x.startswith("#")]
    assert heads == [
        "# I. Préface",
        "# II. Agir",
        "## II.1. Premier titre",
        "## II.2. Second titre",
        "# III. Suivre",
        "## III.1. Troisième titre",
    ]


def test_outline_numbered_top_heading_is_typed_by_its_words(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "plan.md",
        ["# I. Contexte", "", "Un constat.", "", "# II. Agir", ""]
        + [x for k in (1, 2) for x in (f"## II.{k}. Action numéro {k}", "", "Pilote : Commune", "")],
    )
    parsed = parse_document(path, doc_id="plan")
    assert [a.title for a in parsed.actions] == ["Action numéro 1", "Action numéro 2"]
    assert [(p.type, p.heading) for p in parsed.passages] == [("diagnostic", "I. Contexte")]


def test_fiche_table_section_row_and_header_row(tmp_path: Path) -> None:
    lines = ["# Plan de test", ""]
    for k, title in ((1, "Ouvrir un atelier de réparation"), (2, "Former des bénévoles")):
        lines += [f"## Fiche {k} : {title}", ""]
        lines += ["Rubrique\tValeur", "Pilote\tAssociation Répar", "Partenaires\tCommune", "Moyens et délais"]
        lines += ["Calendrier\t2026", f"Budget\t{k} 000 €", "Indicateurs\tNombre de personnes", ""]
    parsed = parse_document(_write(tmp_path, "fiches.md", lines), doc_id="fiches")
    assert [a.title for a in parsed.actions] == ["Ouvrir un atelier de réparation", "Former des bénévoles"]
    assert [a.budget for a in parsed.actions] == ["1 000 €", "2 000 €"]
    assert [a.calendar for a in parsed.actions] == ["2026", "2026"]
    assert [[o.name for o in a.pilots + a.partners] for a in parsed.actions] == [
        ["Association Répar", "Commune"]
    ] * 2
    assert all(a.intitule != "Valeur" for a in parsed.actions)


def test_breadcrumb_line_and_title_below(tmp_path: Path) -> None:
    lines = ["PLAN DE TEST", "", "AXE 1 — AGIR ENSEMBLE", ""]
    for k, title in ((1, "Créer un jardin partagé"), (2, "Ouvrir une épicerie solidaire")):
        lines += [
            f"Axe 1 › Mesure 1.{k}",
            title,
            "",
            "PILOTE",
            "Commune de Test",
            "",
            "BUDGET",
            "5 000 €",
            "",
        ]
    parsed = parse_document(_write(tmp_path, "plan.txt", lines), doc_id="plan")
    assert [(a.ref, a.title) for a in parsed.actions] == [
        ("Mesure 1.1", "Créer un jardin partagé"),
        ("Mesure 1.2", "Ouvrir une épicerie solidaire"),
    ]
    assert all(a.title not in (a.description or "") for a in parsed.actions)
    assert [a.budget for a in parsed.actions] == ["5 000 €", "5 000 €"]


def test_unnumbered_headings_with_labelled_fields_are_units(tmp_path: Path) -> None:
    lines = ["# Programme de test", "", "## Préambule", "", "Un mot.", ""]
    for group, titles in (
        ("Se déplacer", ("Prêter des vélos", "Réparer des vélos")),
        ("Manger", ("Cuisiner",)),
    ):
        lines += [f"## {group}", ""]
        for title in titles:
            lines += [f"### {title}", "", "Porteur : Commune de Test", "Coût : 2 000 €", ""]
    parsed = parse_document(_write(tmp_path, "plan.md", lines), doc_id="plan")
    assert [a.title for a in parsed.actions] == ["Prêter des vélos", "Réparer des vélos", "Cuisiner"]
    assert [[lv.title for lv in a.levels] for a in parsed.actions] == [["Se déplacer"]] * 2 + [["Manger"]]
    assert [p.type for p in parsed.passages] == ["edito"]


def test_lettered_numbering_after_a_word(tmp_path: Path) -> None:
    lines = ["# Plan", "", "## Orientation B – Habiter", ""]
    for k in (1, 2):
        lines += [f"### Action B.{k} – Rénover le logement {k}", "", "Pilote : Commune", ""]
    parsed = parse_document(_write(tmp_path, "plan.md", lines), doc_id="plan")
    assert [a.ref for a in parsed.actions] == ["Action B.1", "Action B.2"]
    assert [lv.ref for lv in parsed.actions[0].levels] == ["Orientation B"]


def test_sheet_group_cell_number_dash_title(tmp_path: Path) -> None:
    rows = ["Pilier;Libellé de l'action;Porteur;Quartier(s) concerné(s)"]
    rows += [
        '1 - Cadre de vie;Planter des arbres;Commune;"Centre\nGare"',
        "2 - Emploi;Tenir un forum;Commune;Gare",
    ]
    parsed = parse_document(_write(tmp_path, "plan.csv", rows), doc_id="plan")
    assert [(lv.ref, lv.title) for a in parsed.actions for lv in a.levels] == [
        ("1", "Cadre de vie"),
        ("2", "Emploi"),
    ]
    assert [t.name for t in parsed.actions[0].territories] == ["Centre", "Gare"]


def test_pdf_heading_lines_of_one_style_stay_apart(tmp_path: Path) -> None:
    """An objective heading printed in the size of the action heading right below it: two headings."""
    fields = [("Pilote", "Commune de Test"), ("Budget", "1 000 €"), ("Calendrier", "2026")]
    actions = [Action(f"Action 1.1.{k}", f"Rénover l'école numéro {k}", fields=fields) for k in (1, 2)]
    plan = Plan("t", "Plan de test", "Commune de Test", groups=[Group("Axe 1", "Agir", groups=[])])
    plan.groups[0].groups.append(Group("Objectif 1.1", "Habiter mieux", actions=actions))
    path = render_pdf(plan, tmp_path / "plan.pdf", PdfOptions(style="fiche")).path
    parsed = parse_document(path, doc_id="plan")
    assert [a.title for a in parsed.actions] == ["Rénover l'école numéro 1", "Rénover l'école numéro 2"]
    assert [lv.title for lv in parsed.actions[0].levels] == ["Agir", "Habiter mieux"]

"""The table of contents (or summary table) cross-checked against the units of the body (ingest.shapes.toc):
entries, matched, in the contents only, in the body only; carried by ParsedDocument.toc and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.models import IngestReportBody
from ingest.pipeline import parse_document
from tests.plans import heldout

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

PLAN = """Plan d'actions pour la mobilité

Sommaire

Axe 1 : Se déplacer ..... 3
Action 1.1 : Créer une navette vers la zone d'activités ..... 4
Action 1.2 : Ouvrir un garage solidaire ..... 5
Axe 2 : Se former ..... 6
Action 2.1 : Financer le permis de conduire ..... 7

Axe 1 : Se déplacer

Action 1.1 : Créer une navette vers la zone d'activités

Pilote : Communauté de communes
Budget : 40 000 €

Action 1.2 : Ouvrir un garage solidaire

Pilote : Association d'insertion
Budget : 15 000 €

Axe 2 : Se former

Action 2.2 : Accompagner les apprentis vers le code de la route

Pilote : Mission locale
Budget : 5 000 €
"""


def test_contents_against_the_body(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    toc = parse_document(path).toc
    assert toc is not None and toc.source == "contents" and toc.line == 5
    assert (toc.entries, toc.matched) == (3, 2)  # the axes are not units
    assert toc.in_toc_not_found == ["Action 2.1 : Financer le permis de conduire"]
    assert toc.found_not_in_toc == ["Action 2.2 Accompagner les apprentis vers le code de la route"]


def test_no_contents_no_agreement(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    body_only = "\n".join(x for x in PLAN.splitlines() if "....." not in x)
    path.write_text(body_only, encoding="utf-8")
    assert parse_document(path).toc is None


def test_contents_of_parts_only_give_no_agreement(tmp_path) -> None:
    parts = "".join(f"Partie {n} : Chapitre numéro {n} ..... {n + 2}\n" for n in range(1, 5))
    body = PLAN.split("Axe 1 : Se déplacer\n\nAction 1.1", 1)[1]
    path = tmp_path / "plan.txt"
    path.write_text(
        "Plan\n\nSommaire\n\n" + parts + "\nAxe 1 : Se déplacer\n\nAction 1.1" + body, encoding="utf-8"
    )
    assert parse_document(path).toc is None


def test_a_summary_table_before_the_body(tmp_path) -> None:
    path = heldout.build(tmp_path, {"strategie.docx"})["strategie.docx"]
    parsed = parse_document(path)
    toc = parsed.toc
    assert toc is not None and toc.source == "summary table"
    assert (toc.entries, toc.matched, toc.in_toc_not_found, toc.found_not_in_toc) == (7, 7, [], [])
    assert len(parsed.actions) == 7  # the summary rows are not units


def test_the_report_carries_the_agreement(tmp_path, service) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    report = service.ingest([path]).to_dict()
    toc = report["documents"][0]["toc"]
    assert (toc["entries"], toc["matched"], toc["source"]) == (3, 2, "contents")
    assert IngestReportBody.model_validate(report).documents[0].toc == toc


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_corpus_contents_agree_with_the_body() -> None:
    agreements = {}
    for path in sorted(CORPUS.glob("*.txt")):
        toc = parse_document(path).toc
        if toc is not None:
            agreements[path.name[:3]] = (toc.entries, toc.matched, len(toc.found_not_in_toc))
    assert agreements == {"000": (28, 28, 0), "004": (9, 9, 0)}

"""The checks every held-out set's test module runs on its parsed documents (tests/test_struct_heldout*.py):
expectations consistent, each document's units, hierarchy and typed passages, the set's fields."""

from __future__ import annotations

from pathlib import Path

from ingest.labels import default_lexicon
from ingest.pipeline import parse_document

from .scoring import PR, action_view, score, score_parsed

TABULAR = ("csv", "xlsx", "ods")  # spreadsheets have no passages to find


def parse_all(module, directory: Path) -> dict:
    """The documents of a held-out set's module built into ``directory`` and parsed (no gazetteer)."""
    written = module.build(directory)
    return {name: parse_document(path, doc_id=Path(name).stem) for name, path in written.items()}


def action_titled(parsed: dict, name: str, title_start: str):
    """The first action of document `name` whose title starts with `title_start`."""
    return next(a for a in parsed[name].actions if a.title.startswith(title_start))


def plan_of(expected: dict, name: str) -> dict:
    return expected["plans"][expected["documents"][name]["plan"]]


def check_expectations(expected: dict, names: list[str]) -> None:
    """Every document has expectations, every plan as many titles as units."""
    assert set(names) == set(expected["documents"])
    for doc in expected["documents"].values():
        plan = expected["plans"][doc["plan"]]
        assert plan["units"] == len(plan["titles"])


def check_document(expected: dict, name: str, doc) -> None:
    """Units found with the right titles (P and R >= 0.9, the exact count), the hierarchy, the passages."""
    plan = plan_of(expected, name)
    result = score([action_view(a) for a in doc.actions], plan)
    assert result.units.recall >= 0.9, result.missing
    assert result.units.precision >= 0.9, result.spurious
    assert len(doc.actions) == plan["units"]
    tabular = expected["documents"][name]["format"] in TABULAR
    measured = score_parsed(doc, plan, default_lexicon().match, tabular)
    assert measured.hierarchy, measured.levels
    assert measured.passages.matched == measured.passages.expected, doc.passages
    assert measured.passages.precision == 1.0, doc.passages


def check_set_fields(expected: dict, parsed: dict, wanted: dict[str, tuple[float, float]]) -> None:
    """The set's fields over all its documents at least at ``wanted`` (field -> (precision, recall))."""
    totals: dict[str, PR] = {}
    for name, doc in parsed.items():
        rows = [action_view(a) for a in doc.actions]
        for field, pr in score(rows, plan_of(expected, name)).fields.items():
            totals.setdefault(field, PR()).add(pr)
    assert set(totals) == set(wanted)
    for field, (precision, recall) in wanted.items():
        pr = totals[field]
        assert pr.precision >= precision and pr.recall >= recall, (field, pr)

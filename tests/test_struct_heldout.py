"""The held-out test plans (tests/plans/heldout.toml, written by hand before the parser first ran on them):
units, titles, hierarchy, typed passages and a few fields of each document, against the issue's target
(>= 90 % of the units found with the right title, <= 10 % spurious)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.labels import default_lexicon
from ingest.pipeline import parse_document
from tests.plans import heldout
from tests.plans.scoring import action_view, found_levels, levels_agree, passages_pr, score, units_and_above

EXPECTED = heldout.expected()
NAMES = sorted(heldout.SPECS)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return heldout.build(tmp_path_factory.mktemp("heldout"))


def _rows(parsed) -> list[dict]:
    return [action_view(a) for a in parsed.actions]


def test_every_held_out_document_has_expectations() -> None:
    assert set(NAMES) == set(EXPECTED["documents"])
    for doc in EXPECTED["documents"].values():
        plan = EXPECTED["plans"][doc["plan"]]
        assert plan["units"] == len(plan["titles"])


@pytest.mark.parametrize("name", NAMES)
def test_units_titles_and_fields(built, name: str) -> None:
    plan = EXPECTED["plans"][EXPECTED["documents"][name]["plan"]]
    parsed = parse_document(built[name], doc_id=Path(name).stem)
    result = score(_rows(parsed), plan)
    assert result.units.recall >= 0.9, result.missing
    assert result.units.precision >= 0.9, result.spurious
    assert len(parsed.actions) == plan["units"]
    for field, pr in result.fields.items():
        assert pr.recall >= 0.9 and pr.precision >= 0.9, (field, pr)


@pytest.mark.parametrize("name", NAMES)
def test_hierarchy_and_passages(built, name: str) -> None:
    doc = EXPECTED["documents"][name]
    plan = EXPECTED["plans"][doc["plan"]]
    parsed = parse_document(built[name], doc_id=Path(name).stem)
    found = found_levels(_rows(parsed))
    wanted = units_and_above(plan["levels"], plan["unit_level"])
    assert levels_agree(wanted, found, default_lexicon().match), found
    passages = passages_pr(plan["passages"], [(p.type, p.heading) for p in parsed.passages])
    assert passages.recall == 1.0 and passages.precision == 1.0, parsed.passages

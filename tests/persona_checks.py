"""What the persona tests share: verdicts read from a /match answer, the verdicts that differ from the
official ones, the trace texts (for slugs), and one dispositif's verdict from the rules alone."""

from __future__ import annotations

import re
from typing import Any

from graph.conditions_eval import eligibility
from graph.dispositifs import Thesaurus
from graph.profile import ProfileTerms

E, X, U = "eligible", "excluded", "undecided"
ABSENT = "absent"


def ask(*facts: str) -> tuple[str, frozenset[str]]:
    """Undecided, asking (at least) these facts."""
    return (U, frozenset(facts))


def verdicts(answer: dict[str, Any]) -> dict[str, tuple[str, frozenset[str]]]:
    out = {}
    for decision in (E, X, U):
        for entry in answer[decision]:
            asked = frozenset(q["fact"] for q in entry.get("questions", ()))
            out[entry["dispositif"]["id"].removeprefix("dispositif:")] = (decision, asked)
    return out


def wrong_verdicts(got: dict, expected: dict) -> dict[str, tuple[Any, Any]]:
    wrong = {}
    for slug, want in expected.items():
        decision, asked = got.get(slug, (ABSENT, frozenset()))
        if isinstance(want, tuple):
            if decision != U or not want[1] <= asked:
                wrong[slug] = ((U, sorted(want[1])), (decision, sorted(asked)))
        elif decision != want:
            wrong[slug] = (want, decision)
    return wrong


SLUG = re.compile(r"\b[a-z]+_[a-z_]+\b")


def check_persona(service, persona: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    """A persona's /match answer against its official verdicts (every wrong one reported at once), and no
    slug in its trace texts."""
    _name, profile, expected = persona
    answer = service.match(**profile)
    wrong = wrong_verdicts(verdicts(answer), expected)
    assert not wrong, f"(expected, got): {wrong}"
    leaks = sorted({m for t in texts(answer) for m in SLUG.findall(t)})
    assert not leaks, f"slugs in the trace: {leaks}"


def texts(answer: dict[str, Any]):
    for decision in (E, X, U):
        for entry in answer[decision]:
            for key in ("reasons", "failed", "missing", "to_check"):
                yield from entry.get(key, ())
            for q in entry.get("questions", ()):
                yield q["question"]
                yield q["condition"]


THESAURUS = Thesaurus.load()
TERMS = ProfileTerms.load()


def decide_for(slug: str, age, statuses, facts=None):
    d = THESAURUS.index[f"dispositif:{slug}"]
    return eligibility(d, age, set(statuses), terms=TERMS, thesaurus=THESAURUS, facts=facts)

"""What the persona tests share: verdicts read from a /match answer, the verdicts that differ from the
official ones, the trace texts (for slugs), and one dispositif's verdict from the rules alone."""

from __future__ import annotations

import re
from typing import Any

from graph.conditions_eval import NO_CONDITION, eligibility
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


def persona_failures(service, persona) -> tuple[int, list[str]]:
    """Every check of a detailed persona (name, profile, verdicts, details) as (number of checks, the ones
    that fail): each verdict; each failed condition's words (``details["failed"]``: slug -> words its failed
    line must hold); the place understood (``details["where"]``: (name, INSEE code or None)); the local
    actions kept (``details["actions"]``: words of the action's title or quote -> words of whom to call, or
    None); the facts no question may ask (``details["never_asked"]``); and three invariants — no slug in the
    French texts, no « aucune condition » for a dispositif whose rule has one, no question about a fact the
    profile gives."""
    _name, profile, expected, details = persona
    answer = service.match(**profile)
    got = verdicts(answer)
    checks, failures = len(expected), [f"{s}: {w}" for s, w in wrong_verdicts(got, expected).items()]
    entries = {e["dispositif"]["id"].removeprefix("dispositif:"): e for d in (E, X, U) for e in answer[d]}
    for slug, words in details.get("failed", {}).items():
        checks += 1
        lines = entries.get(slug, {}).get("failed", [])
        if not any(words in line for line in lines):
            failures.append(f"{slug}: failed line without « {words} »: {lines}")
    if "where" in details:
        checks += 1
        name, code = details["where"]
        shown = answer["profile"]["where"]
        if shown["name"] != name or (code is not None and shown["code"] != code):
            failures.append(f"where: {shown['name']} ({shown['code']}), expected {name} ({code})")
    for words, call in details.get("actions", {}).items():
        checks += 1
        failures += _action_failures(answer, words, call)
    for fact in details.get("never_asked", ()):
        checks += 1
        asking = sorted(
            slug for slug, e in entries.items() for q in e.get("questions", ()) if q["fact"] == fact
        )
        if asking:
            failures.append(f"« {fact} » asked by {asking}")
    checks += 3
    leaks = sorted({m for t in texts(answer) for m in SLUG.findall(t)})
    if leaks:
        failures.append(f"slugs in the texts: {leaks}")
    empty = sorted(
        slug
        for slug, e in entries.items()
        if any(NO_CONDITION in r for r in e.get("reasons", ())) and _has_condition(slug)
    )
    if empty:
        failures.append(f"« aucune condition » with a condition: {empty}")
    given = set(profile.get("facts", {})) | ({"age"} if profile.get("age") is not None else set())
    reasked = sorted(
        f"{slug}:{q['fact']}"
        for slug, e in entries.items()
        for q in e.get("questions", ())
        if q["fact"] in given
    )
    if reasked:
        failures.append(f"asked again: {reasked}")
    return checks, failures


def _action_failures(answer: dict[str, Any], words: str, call: str | None) -> list[str]:
    """A local action whose title or quote holds ``words`` (case aside) is kept for the person, and when
    ``call`` is given one such action names it among its pilots or contacts (who the adviser calls)."""
    found = [
        a
        for a in answer["actions"]
        if words.casefold() in f"{a['title']} {a['evidence'].get('quote') or ''}".casefold()
    ]
    if not found:
        return [f"no local action « {words} » among {[a['title'][:50] for a in answer['actions']]}"]
    if call is None:
        return []
    whom = [
        " ".join(
            [p["name"] for p in a["pilots"]] + [f"{c['actor']} {c['value'] or ''}" for c in a["contacts"]]
        )
        for a in found
    ]
    if not any(call.casefold() in w.casefold() for w in whom):
        return [f"action « {words} »: nobody « {call} » to call among {whom}"]
    return []


def _has_condition(slug: str) -> bool:
    rule = THESAURUS.index[f"dispositif:{slug}"].conditions
    return rule is not None and not (rule.rule.op == "all" and not rule.rule.children)


def check_persona_details(service, persona) -> None:
    """:func:`persona_failures` as a test: every failing check reported at once."""
    _checks, failures = persona_failures(service, persona)
    assert not failures, "\n".join(failures)

"""Three-valued evaluation of a dispositif's conditions against a profile, with a readable trace.

Each condition is met (True), failed (False) or undecided (None: a fact is missing), combined with Kleene's
logic: ``all`` fails when one fails, ``any`` holds when one holds, ``not`` swaps met and failed. The trace
says, in French, each condition met with the profile's value ("18–30 ans : 22 ans ✓"), the condition that
failed, and for an undecided one the question to ask ("La personne a-t-elle une promesse d'embauche ?")."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.conditions import Constant, Node
from graph.conditions_facts import Facts, number
from graph.profile import ProfileTerms

if TYPE_CHECKING:
    from graph.dispositifs import Dispositif, Thesaurus

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_CONDITION = "aucune condition d'accès pour la personne"


@dataclass(frozen=True)
class Missing:
    """A fact the profile lacks: ``fact`` is a fact name, ``age`` or ``status:<slug>``."""

    fact: str
    question: str
    condition: str


@dataclass(frozen=True)
class Decision:
    """What a profile meets, fails and leaves unknown; ``to_check`` are conditions a profile cannot decide.

    ``decision`` is "excluded" when the rule fails, "undecided" when it depends on missing facts (``missing``,
    ``unknown`` their questions), "eligible" otherwise (the adviser still checks ``to_check``).
    """

    dispositif_id: str
    decision: str
    met: tuple[str, ...]
    failed: tuple[str, ...]
    unknown: tuple[str, ...]
    to_check: tuple[str, ...]
    missing: tuple[Missing, ...] = ()


@dataclass
class Situation:
    """The profile as the evaluation sees it. ``statuses`` empty means the statuses are not known."""

    age: int | None
    statuses: set[str]
    held: set[str]
    facts: dict[str, Any]
    terms: ProfileTerms
    vocabulary: Facts
    constants: dict[str, Constant] = field(default_factory=dict)
    place: Callable[[str], tuple[bool, str] | None] | None = None  # territory name -> (inside, place name)


@dataclass
class _Result:
    value: bool | None
    met: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def french_date(day: dt.date) -> str:
    """2022-03-01 -> "1er mars 2022"."""
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def describe(node: Node, terms: ProfileTerms, vocabulary: Facts, constants: dict[str, Constant]) -> str:
    """A condition in French: "16–25 ans", "demandeur d'emploi", "(a ou b)", "pas étudiant"."""
    if node.op == "all":
        return " et ".join(describe(c, terms, vocabulary, constants) for c in node.children) or NO_CONDITION
    if node.op == "any":
        return "(" + " ou ".join(describe(c, terms, vocabulary, constants) for c in node.children) + ")"
    if node.op == "not":
        return "pas " + describe(node.children[0], terms, vocabulary, constants)
    if node.op == "age":
        if node.low is not None and node.high is not None:
            return f"{node.low:g}–{node.high:g} ans"
        return f"au moins {node.low:g} ans" if node.low is not None else f"au plus {node.high:g} ans"
    if node.op == "status":
        return terms.status(node.name)
    if node.op == "child_under":
        return f"enfant de moins de {node.high:g} ans"
    if node.op == "territory":
        return f"habiter {node.name}"
    fact = vocabulary.get(node.name)
    if node.op == "fact":
        return fact.label
    if node.op == "one_of":
        return f"{fact.label} (" + " ou ".join(fact.describe(v) for v in node.values) + ")"
    sign, bound = ("≥", node.low) if node.op == "min" else ("≤", node.high)
    shown = f"{number(bound)} {fact.unit}".strip()
    if node.constant:
        shown = f"{constants[node.constant].label} ({shown})"
    return f"{fact.label} {sign} {shown}"


_DESCRIBED: dict[int, tuple[Node, str]] = {}  # id(node) -> (node, its text): rules live as long as the data


class _Evaluator:
    def __init__(self, s: Situation):
        self.s = s

    def desc(self, node: Node) -> str:
        known = _DESCRIBED.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        text = describe(node, self.s.terms, self.s.vocabulary, self.s.constants)
        if len(_DESCRIBED) > 100_000:
            _DESCRIBED.clear()
        _DESCRIBED[id(node)] = (node, text)
        return text

    def run(self, node: Node) -> _Result:
        if node.op == "all":
            return self._guarded(node, [self.run(c) for c in node.children])
        if node.op == "any":
            return self._any([self.run(c) for c in node.children])
        if node.op == "not":
            return self._not(node.children[0], self.run(node.children[0]))
        return self._leaf(node)

    def _guarded(self, node: Node, parts: list[_Result]) -> _Result:
        """``all`` whose undecided ``one_of`` parts are asked first: "La personne reprend-elle un emploi ou
        entre-t-elle en formation ?" before the contract's length or the training's hours it may not need."""
        r = self._all(parts)
        if r.value is None:
            pairs = zip(node.children, parts, strict=True)
            guards = [p for c, p in pairs if c.op == "one_of" and p.value is None]
            if guards and len(guards) < sum(p.value is None for p in parts):
                r.missing = _unique(m for p in guards for m in p.missing)
        return r

    @staticmethod
    def _all(parts: list[_Result]) -> _Result:
        met: list[str] = []
        failed: list[str] = []
        unknown: list[_Result] = []
        for p in parts:  # one pass: the lines met, the lines failed, the parts undecided
            if p.value:
                met.extend(p.met)
            elif p.value is False:
                failed.extend(p.failed)
            else:
                unknown.append(p)
        if failed or any(p.value is False for p in parts):
            return _Result(False, met, failed)
        if unknown:
            return _Result(None, met, missing=_unique(m for p in unknown for m in p.missing))
        return _Result(True, met)

    @staticmethod
    def _any(parts: list[_Result]) -> _Result:
        for p in parts:
            if p.value:
                return _Result(True, p.met)
        if any(p.value is None for p in parts):
            return _Result(None, missing=_unique(m for p in parts if p.value is None for m in p.missing))
        # a branch that failed on several conditions is shown as one: "(a ✗ et (b ✗ ou c ✗)) ou d ✗"
        branches = list(dict.fromkeys(_branch(p.failed) for p in parts))
        return _Result(False, failed=[_Or(" ou ".join(branches)) if len(branches) > 1 else branches[0]])

    def _not(self, child: Node, r: _Result) -> _Result:
        if r.value is None:
            return _Result(None, missing=r.missing)
        if r.value:
            return _Result(False, failed=[f"{self.desc(child)} : exclu ✗"])
        return _Result(True, met=[f"pas {self.desc(child)} ✓"])

    def _leaf(self, node: Node) -> _Result:
        text = self.desc(node)
        known, value, shown, key, question = self._value(node)
        if not known:
            return _Result(None, missing=[Missing(key, question, text)])
        line = f"{text} : {shown}" if shown else text
        return (
            _Result(True, met=[f"{line} ✓"])
            if value
            else _Result(False, failed=[f"{line} : non ✗" if not shown else f"{line} ✗"])
        )

    def _value(self, node: Node) -> tuple[bool, bool, str, str, str]:
        """(known, holds, the profile's value as shown, missing fact key, its question)."""
        s = self.s
        if node.op == "age":
            fact = s.vocabulary.get("age")
            question = fact.question
            # a status that proves a minimum age (a job seeker is 16 at least: facts.toml)
            proved = _at_least(s, fact, node.low) if s.age is None and node.high is None else None
            if proved:
                return True, True, proved, "age", ""
            if s.age is None:
                return False, False, "", "age", question
            ok = (node.low is None or s.age >= node.low) and (node.high is None or s.age <= node.high)
            return True, ok, f"{s.age} ans", "age", question
        if node.op == "status":
            if node.name in s.held:
                return True, True, _implied_by(s, node.name), "", ""
            return bool(s.statuses), False, "", f"status:{node.name}", s.terms.status_question(node.name)
        if node.op == "territory":
            found = s.place(node.name) if s.place else None
            if found is None:
                return False, False, "", "where", "Où habite la personne ?"
            return True, found[0], found[1], "", ""
        return self._fact_value(node)

    def _fact_value(self, node: Node) -> tuple[bool, bool, str, str, str]:
        """``_value`` for a condition on a fact of facts.toml (the children's ages included)."""
        s = self.s
        name = "enfants" if node.op == "child_under" else node.name
        fact = s.vocabulary.get(name)
        value = s.facts.get(name)
        if value is None and fact.implied_by and fact.implied_by in s.held:
            value = True
        if value is None and fact.at_most_if and node.op == "max" and self._at_most(fact, node):
            other = s.vocabulary.get(fact.at_most_if[0])
            return True, True, f"{other.label} : oui", name, fact.question
        proved = _at_least(s, fact, node.low) if value is None and node.op == "min" else None
        if proved:
            return True, True, proved, name, ""
        if value is None and fact.requires_status and s.statuses and fact.requires_status not in s.held:
            # known false or zero: the person does not hold the status the fact needs
            return True, _holds(node, 0), f"pas {s.terms.status(fact.requires_status)}", name, fact.question
        if value is None:
            return False, False, "", name, fact.question
        return True, _holds(node, value), fact.describe(value), name, fact.question

    def _at_most(self, fact, node: Node) -> bool:
        """The fact is not given, its ``at_most_if`` fact is "oui" and that bound is within the node's."""
        other, bound = fact.at_most_if
        constant = self.s.constants.get(bound)
        return bool(self.s.facts.get(other)) and constant is not None and constant.value <= node.high


def _at_least(s: Situation, fact, low) -> str | None:
    """How a held status proves ``fact`` at least ``low`` when it is not given (``at_least_if`` of
    facts.toml: « demandeur d'emploi de longue durée (12 mois au moins) »), or None."""
    if not fact.at_least_if:
        return None
    status, bound = fact.at_least_if
    if status in s.held and bound >= low:
        return f"{s.terms.status(status)} ({fact.describe(bound)} au moins)"
    return None


class _Or(str):
    """A failed line that is a disjunction ("a ✗ ou b ✗"): parenthesised inside a conjunction."""


def _branch(failed: list[str]) -> str:
    if len(failed) == 1:
        return str(failed[0])
    return "(" + " et ".join(f"({f})" if isinstance(f, _Or) else f for f in failed) + ")"


def _implied_by(s: Situation, status: str) -> str:
    """The declared status that entails ``status`` when it was not declared itself ("bénéficiaire du RSA" for
    a job seeker), shown beside the condition; "" when declared."""
    if status in s.statuses:
        return ""
    for declared in sorted(s.statuses):
        if status in s.terms.implied_statuses.get(declared, ()):
            return s.terms.status(declared)
    return ""


def _holds(node: Node, value: Any) -> bool:
    if node.op == "fact":
        return bool(value)
    if node.op == "one_of":
        return value in node.values
    if node.op == "child_under":
        return any(age < node.high for age in value)
    if node.op == "min":
        return value >= node.low
    return value <= node.high


def _unique(items) -> list[Missing]:
    seen, out = set(), []
    for m in items:
        if m.fact not in seen:
            seen.add(m.fact)
            out.append(m)
    return out


@functools.lru_cache(maxsize=1)
def _default_facts() -> Facts:
    return Facts.load()


def situation(
    age: int | None,
    statuses: set[str],
    residence: set[str] | None = None,
    *,
    terms: ProfileTerms,
    thesaurus: Thesaurus | None = None,
    facts: dict[str, Any] | None = None,
    place: Callable[[str], tuple[bool, str] | None] | None = None,
) -> Situation:
    """A profile as :func:`decide` reads it (the statuses with those they entail): made once per profile,
    read for every dispositif."""
    held = terms.with_implied(set(statuses) | set(residence or ()))
    vocabulary = thesaurus.facts if thesaurus is not None else _default_facts()
    constants = thesaurus.constants if thesaurus is not None else {}
    return Situation(age, set(statuses), held, dict(facts or {}), terms, vocabulary, constants, place)


def eligibility(
    disp: Dispositif,
    age: int | None,
    statuses: set[str],
    residence: set[str] | None = None,
    *,
    terms: ProfileTerms,
    thesaurus: Thesaurus | None = None,
    on: dt.date | None = None,
    facts: dict[str, Any] | None = None,
    place: Callable[[str], tuple[bool, str] | None] | None = None,
) -> Decision:
    """Evaluate the rule of ``disp`` on a profile.

    ``statuses`` are the statuses the adviser declared: an empty set means "not known", while a status
    missing from a non-empty set counts as not held. ``residence`` (residant_qpv, residant_zrr) only proves a
    residence. ``facts`` are the optional typed facts of ``facts.toml``. A dispositif replaced before ``on``
    (default: today) is excluded with its successor named, one closed before ``on`` with its closing date.
    """
    s = situation(age, statuses, residence, terms=terms, thesaurus=thesaurus, facts=facts, place=place)
    return decide(disp, s, thesaurus, on or dt.date.today())


def decide(disp: Dispositif, s: Situation, thesaurus: Thesaurus | None, on: dt.date) -> Decision:
    """:func:`eligibility` on a profile already read (:func:`situation`), on the day ``on``."""
    failed: list[str] = []
    if disp.replaced_by and (disp.replaced_on is None or disp.replaced_on <= on):
        successor = thesaurus.get(disp.replaced_by) if thesaurus is not None else None
        name = successor.label if successor else disp.replaced_by
        since = f" depuis le {french_date(disp.replaced_on)}" if disp.replaced_on else ""
        failed.append(f"dispositif remplacé par « {name} »{since} ✗")
    elif disp.ended_on and disp.ended_on <= on:
        failed.append(f"dispositif fermé aux nouvelles entrées depuis le {french_date(disp.ended_on)} ✗")
    conditions = disp.conditions
    if conditions is None:
        result, to_check = _Result(True), disp.other_conditions
    else:
        result, to_check = _Evaluator(s).run(conditions.rule), conditions.verify
    if failed or result.value is False:
        decision = "excluded"
    elif result.value is None:
        decision = "undecided"
    else:
        decision = "eligible"
    return Decision(
        disp.id,
        decision,
        tuple(result.met),
        tuple(failed + (result.failed if result.value is False else [])),
        tuple(m.question for m in result.missing),
        tuple(to_check),
        tuple(result.missing),
    )

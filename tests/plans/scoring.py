"""Precision and recall of extracted actions against the hand-written expectations.

Units are matched by title as the peer platform measures it (plan-structures.md): word sets after
stripping the numbering, accents and stop words, matched when their Jaccard index is >= 0.6; each expected
unit matches at most one extracted action (best pairs first). Fields are then compared on the matched
pairs: lists (pilots, partners, territories) item by item with the same word-set measure, scalars (ref,
budget, status, priority) after normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

THRESHOLD = 0.6
LIST_FIELDS = ("pilots", "partners", "territories")
SCALAR_FIELDS = ("ref", "budget", "status", "priority", "calendar", "indicators", "expected_results")
_STOP = (
    "a au aux avec ce ces d dans de des du en et l la le les leur leurs n ou par pour qu que qui sa se ses"
)
STOP_WORDS = frozenset(f"{_STOP} son sur un une".split(" "))
_REF = re.compile(
    r"^\s*(?i:(?:fiche\s+action|fiche|sous-action|action|mesure|proposition|objectif|axe|engagement)\s*)?"
    r"(?:n\s*°\s*)?(?:[A-Z]{2,4}-\d+|[\dIVX]+(?:[.\-]\d+)*[a-z]?)\s*[:.)\-–]?\s+",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Lower case without accents, ligatures spelled out."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> frozenset[str]:
    """The comparable words of a title or a name: numbering, accents, digits-only tokens, stop words out."""
    text = _REF.sub("", text.strip(), count=1)
    tokens = re.findall(r"[a-z0-9]+", fold(text))
    return frozenset(t for t in tokens if t not in STOP_WORDS and not t.isdigit() and len(t) > 1)


def jaccard(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    return len(wa & wb) / len(wa | wb)


@dataclass
class PR:
    matched: int = 0
    extracted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def add(self, other: PR) -> None:
        self.matched += other.matched
        self.extracted += other.extracted
        self.expected += other.expected


@dataclass
class Score:
    units: PR
    fields: dict[str, PR] = field(default_factory=dict)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (expected index, extracted index)
    missing: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


def match_titles(expected: list[str], extracted: list[str]) -> list[tuple[int, int]]:
    """One-to-one pairs (expected index, extracted index) with Jaccard >= THRESHOLD, best first."""
    candidates = sorted(
        ((jaccard(e, x), i, j) for i, e in enumerate(expected) for j, x in enumerate(extracted)),
        reverse=True,
    )
    used_e: set[int] = set()
    used_x: set[int] = set()
    pairs = []
    for value, i, j in candidates:
        if value < THRESHOLD:
            break
        if i not in used_e and j not in used_x:
            used_e.add(i)
            used_x.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _list_pr(expected: list[str], extracted: list[str]) -> PR:
    return PR(len(match_titles(expected, extracted)), len(extracted), len(expected))


def _norm(value: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(value)))


def _ref_norm(value: str) -> str:
    """A ref without its "n°" ("Fiche n°1" and "Fiche 1" name the same unit)."""
    return re.sub(r"\bn\s*°\s*", "", value, flags=re.IGNORECASE)


def _scalar_pr(expected: str, extracted: str | None, name: str = "") -> PR:
    given = 1 if extracted else 0
    if name == "ref" and extracted:
        expected, extracted = _ref_norm(expected), _ref_norm(extracted)
    return PR(1 if given and _norm(expected) == _norm(extracted) else 0, given, 1)


def score(extracted: list[dict], plan: dict) -> Score:
    """``extracted``: dicts with at least "title" (and optionally ref, pilots, partners, territories,
    budget, status, priority); ``plan``: one ``[plans.<key>]`` table of expected.toml."""
    titles = plan["titles"]
    got = [a.get("title", "") for a in extracted]
    pairs = match_titles(titles, got)
    result = Score(PR(len(pairs), len(got), len(titles)), pairs=pairs)
    matched_e = {i for i, _ in pairs}
    matched_x = {j for _, j in pairs}
    result.missing = [t for i, t in enumerate(titles) if i not in matched_e]
    result.spurious = [t for j, t in enumerate(got) if j not in matched_x]
    by_title = {j: extracted[j] for _, j in pairs}
    title_to_x = {titles[i]: j for i, j in pairs}
    for detail in plan.get("actions", []):
        j = title_to_x.get(detail["title"])
        action = by_title.get(j, {}) if j is not None else {}
        for name in LIST_FIELDS:
            if name in detail:
                result.fields.setdefault(name, PR()).add(_list_pr(detail[name], list(action.get(name, []))))
        for name in SCALAR_FIELDS:
            if name in detail:
                result.fields.setdefault(name, PR()).add(_scalar_pr(detail[name], action.get(name), name))
    return result


def action_view(action) -> dict:
    """The scored view of one parsed action (an ``ingest.records`` action): what ``score`` and
    ``found_levels`` read."""
    return {
        "title": action.title,
        "ref": action.ref,
        "pilots": [o.name for o in action.pilots],
        "partners": [o.name for o in action.partners],
        "territories": [t.name for t in action.territories],
        "budget": action.budget,
        "status": action.status,
        "priority": action.priority,
        "calendar": action.calendar,
        "indicators": action.indicators,
        "expected_results": action.expected_results,
        "levels": [(lv.kind, lv.ref, lv.title) for lv in action.levels],
    }


def found_levels(extracted: list[dict]) -> list[tuple[str, int]]:
    """The hierarchy the parser found, by depth: (level word of the first at that depth, distinct count),
    then ("action", number of units). ``extracted`` rows carry "levels": [(kind, ref, title), ...]."""
    by_depth: list[tuple[str, set]] = []
    for row in extracted:
        for depth, (kind, ref, title) in enumerate(row.get("levels", [])):
            if depth == len(by_depth):
                by_depth.append((kind, set()))
            by_depth[depth][1].add((ref, title))
    return [(kind, len(seen)) for kind, seen in by_depth] + [("action", len(extracted))]


def units_and_above(levels: list[list], unit_level: str) -> list[list]:
    """The expected levels down to the units (expected.toml also lists sub-units below them)."""
    words = [fold(w) for w, _ in levels]
    if not unit_level:  # units no word names: the last level written "" (no sub-level below them)
        return levels
    return levels[: words.index(fold(unit_level)) + 1] if fold(unit_level) in words else levels


def levels_agree(
    expected: list[list], found: list[tuple[str, int]], kind_of: Callable[[str], str | None] = lambda w: None
) -> bool:
    """Same number of levels, same counts, same level words (an expected word "" accepts any). A found kind
    may be the word as written ("objectif stratégique") or the normalised key ``kind_of`` gives the expected
    word (a spreadsheet's "Thématique" column gives levels of kind "theme")."""
    if len(expected) != len(found):
        return False
    for (word, count), (kind, n) in zip(expected[:-1], found[:-1], strict=True):
        if count != n or (word and fold(kind) not in (fold(word), fold(kind_of(word) or word))):
            return False
    return expected[-1][1] == found[-1][1]


def passages_pr(expected: list[list[str]], found: list[tuple[str, str]]) -> PR:
    """Typed passages: an expected (type, heading) is matched by a found passage of that type whose heading
    has the same words; precision over the found passages."""
    used: set[int] = set()
    matched = 0
    for kind, heading in expected:
        for j, (k, h) in enumerate(found):
            if j not in used and k == kind and jaccard(heading, h) >= THRESHOLD:
                used.add(j)
                matched += 1
                break
    return PR(matched, len(found), len(expected))


@dataclass
class DocumentScore:
    """One document against its ``[plans.<key>]`` expectations: units and fields, the hierarchy found and
    whether it agrees (None when the expectations name none), the typed passages."""

    result: Score
    levels: list[tuple[str, int]]
    hierarchy: bool | None
    passages: PR


def score_rows(
    rows: list[dict],
    passages: list[tuple[str, str]],
    plan: dict,
    kind_of: Callable[[str], str | None] = lambda w: None,
    tabular: bool = False,
) -> DocumentScore:
    """The held-out measure of one document from its scored rows (``action_view``) and its (type, heading)
    passages; a spreadsheet (``tabular``) has no passages to find. What tests and bench/structure.py share."""
    levels = found_levels(rows)
    agree = None
    if "levels" in plan:
        agree = levels_agree(units_and_above(plan["levels"], plan.get("unit_level", "")), levels, kind_of)
    wanted = [] if tabular else plan.get("passages", [])
    return DocumentScore(score(rows, plan), levels, agree, passages_pr(wanted, passages))


def score_parsed(
    parsed, plan: dict, kind_of: Callable[[str], str | None], tabular: bool = False
) -> DocumentScore:
    """``score_rows`` of a parsed document (an ``ingest.records.ParsedDocument``)."""
    rows = [action_view(a) for a in parsed.actions]
    return score_rows(rows, [(p.type, p.heading) for p in parsed.passages], plan, kind_of, tabular)

"""The dispositif thesaurus: loading, mention detection in text, and eligibility of a profile.

Data: ``graph/data/dispositifs.ttl``, a curated SKOS thesaurus (namespace
``https://qfq.example.org/dispositif/``) whose conventions are written at the top of the file. Dispositif ids
are ``"dispositif:<slug>"``. Nothing is loaded at import time: a :class:`Thesaurus` is loaded from its file by
the caller (the service's reference data) and builds its matcher on first use.

Matching works on word tokens (an Aho-Corasick-like walk over a trie of label token sequences): long labels
match case-insensitively, with accents, apostrophes, hyphens and plurals tolerated; short acronyms (four
letters or fewer, or written all in capitals) match only in their own case and as whole words; the longest
label wins.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.profile import ProfileTerms
from ingest.errors import InputError
from ingest.text import strip_accents

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "dispositifs.ttl"
DISP_NS = "https://qfq.example.org/dispositif/"
QFQ_NS = "https://qfq.example.org/ns#"
ID_PREFIX = "dispositif:"

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


@dataclass(frozen=True)
class AgeException:
    """A status that raises the maximum age (``max_age`` None: no upper limit for that status)."""

    status: str
    max_age: int | None


@dataclass(frozen=True)
class Dispositif:
    """One concept of the thesaurus, as plain data (multi-valued fields are sorted tuples)."""

    id: str
    label: str
    alt_labels: tuple[str, ...]
    definition: str
    kind: str
    operator: tuple[str, ...]
    publics: tuple[str, ...]
    needs: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    age_exceptions: tuple[AgeException, ...]
    requires_status: tuple[str, ...]  # one of them
    requires_residence: tuple[str, ...]  # one of them
    other_conditions: tuple[str, ...]
    scope: str
    link: str | None
    checked: dt.date | None
    replaced_by: str | None
    replaced_on: dt.date | None
    territory: str | None
    requires_all_status: tuple[str, ...] = ()  # each of them
    broader: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label the matcher looks for: preferred, alternative and hidden."""
        return (self.label, *self.alt_labels, *self.hidden_labels)

    def node_attrs(self) -> dict[str, Any]:
        """The attributes of its node in the knowledge graph."""
        return {
            "type": "dispositif",
            "label": self.label,
            "kind": self.kind,
            "scope": self.scope,
            "definition": self.definition,
            "operator": list(self.operator),
            "publics": list(self.publics),
            "aliases": list(self.alt_labels),
            "territory_name": self.territory,
            "replaced_by": self.replaced_by,
            "replaced_on": self.replaced_on.isoformat() if self.replaced_on else None,
            "checked": self.checked.isoformat() if self.checked else None,
        }


def load_dispositifs(path: Path = DATA_FILE) -> list[Dispositif]:
    """Parse the SKOS thesaurus at ``path`` into dispositifs sorted by id."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef  # core dependency, imported when used
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

    qfq = Namespace(QFQ_NS)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:  # rdflib raises BadSyntax, a SyntaxError
        raise InputError(
            f"cannot read the dispositif thesaurus: {exc}",
            where=str(path),
            valid="a Turtle file with SKOS concepts",
        ) from exc

    def ident(node: object) -> str:
        text = str(node)
        return ID_PREFIX + (text[len(DISP_NS) :] if text.startswith(DISP_NS) else text)

    def texts(subject: URIRef | BNode, prop: URIRef) -> tuple[str, ...]:
        return tuple(sorted(str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal)))

    def one(subject: URIRef | BNode, prop: URIRef) -> object | None:
        value = graph.value(subject, prop)
        return value.toPython() if isinstance(value, Literal) else value

    out = []
    for concept in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        labels = [o for o in graph.objects(concept, SKOS.prefLabel) if getattr(o, "language", None) == "fr"]
        definition, kind, scope = (
            one(concept, SKOS.definition),
            one(concept, qfq.kind),
            one(concept, qfq.scope),
        )
        if len(labels) != 1 or not definition or not kind or not scope:
            raise InputError(
                f"concept {concept} needs one French prefLabel, a definition, a kind and a scope",
                where=str(path),
                valid="see the conventions at the top of the file",
            )
        exceptions = tuple(
            sorted(
                (
                    AgeException(str(one(b, qfq.status)), one(b, qfq.maxAge))
                    for b in graph.objects(concept, qfq.ageException)
                ),
                key=lambda e: e.status,
            )
        )
        replaced_by, link = graph.value(concept, DCTERMS.isReplacedBy), graph.value(concept, RDFS.seeAlso)
        out.append(
            Dispositif(
                id=ident(concept),
                label=str(labels[0]),
                alt_labels=texts(concept, SKOS.altLabel),
                definition=str(definition),
                kind=str(kind),
                operator=texts(concept, qfq.operator),
                publics=texts(concept, qfq.targetPublic),
                needs=texts(concept, qfq.need),
                min_age=one(concept, qfq.minAge),
                max_age=one(concept, qfq.maxAge),
                age_exceptions=exceptions,
                requires_status=texts(concept, qfq.requiresStatus),
                requires_residence=texts(concept, qfq.requiresResidence),
                other_conditions=texts(concept, qfq.otherCondition),
                scope=str(scope),
                link=str(link) if link is not None else None,
                checked=one(concept, qfq.checked),
                replaced_by=ident(replaced_by) if replaced_by is not None else None,
                replaced_on=one(concept, qfq.replacedOn),
                territory=one(concept, qfq.territory),
                requires_all_status=texts(concept, qfq.requiresAllStatus),
                broader=tuple(sorted(ident(b) for b in graph.objects(concept, SKOS.broader))),
                hidden_labels=texts(concept, SKOS.hiddenLabel),
            )
        )
    log.debug("loaded %d dispositifs from %s", len(out), path)
    return out


class Thesaurus:
    """The dispositifs of a thesaurus file, by id, with their mention matcher (built on first use)."""

    def __init__(self, dispositifs: Iterable[Dispositif]):
        self.items: tuple[Dispositif, ...] = tuple(sorted(dispositifs, key=lambda d: d.id))
        self.index: dict[str, Dispositif] = {d.id: d for d in self.items}

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Thesaurus:
        return cls(load_dispositifs(path))

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, dispositif_id: str) -> Dispositif | None:
        return self.index.get(dispositif_id)

    @functools.cached_property
    def matcher(self) -> DispositifMatcher:
        return DispositifMatcher(self.items)


# ---------------------------------------------------------------- mentions

_TOKEN_RE = re.compile(r"[^\W_]+")
_GAP_RE = re.compile(r"[\s\-\u00ad\u2010-\u2015'\u2018\u2019\u02bc`]{0,10}")  # what may separate label words
_END = object()  # trie key of a terminal node
# "Fédération des entreprises d'insertion" names an organisation, not the dispositif.
_ORG_BEFORE = re.compile(
    r"\b(?:fédération|union|syndicat)(?:\s+\w+){0,2}?\s+(?:(?:des|du|de\s+l['’]?)\s*)?$", re.I
)


@dataclass(frozen=True)
class Mention:
    dispositif_id: str
    start: int
    end: int
    surface: str


@functools.lru_cache(maxsize=65536)
def _keys(token: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(case-insensitive key, case-sensitive key) of a word: accents folded; the first also singularised."""
    exact = strip_accents(token)
    key = exact.casefold()
    if len(key) > 3 and key.endswith("aux"):
        key = key[:-3] + "al"
    elif len(key) > 3 and key[-1] in "sx":
        key = key[:-1]
    return ("i", key), ("s", exact)


def _is_acronym(label: str) -> bool:
    """Short acronyms ("MRS", "CléA") and all-capital labels ("PMSMP", "CUI-CAE") keep their case."""
    letters = [c for c in label if c.isalpha()]
    return " " not in label.strip() and (len(letters) <= 4 or all(c.isupper() for c in letters))


class DispositifMatcher:
    """Finds mentions of dispositifs in text (leftmost, longest, non-overlapping)."""

    def __init__(self, dispositifs: Iterable[Dispositif]):
        self._root: dict = {}
        self._acronyms: set[str] = set()  # case-sensitive single-word keys, to recognise runs of acronyms
        for disp in sorted(dispositifs, key=lambda d: d.id):
            for label in disp.labels:
                self._add(label, disp.id)

    def _add(self, label: str, dispositif_id: str) -> None:
        words = _TOKEN_RE.findall(label)
        if not words:
            return
        if _is_acronym(label):
            variants = {tuple(words), tuple(w.upper() for w in words)}
            paths = [[_keys(w)[1] for w in v] for v in variants]
            if len(words) == 1:
                self._acronyms.update(p[0][1] for p in paths)
        else:
            paths = [[_keys(w)[0] for w in words]]
        for path in paths:
            node = self._root
            for key in path:
                node = node.setdefault(key, {})
            previous = node.setdefault(_END, (dispositif_id, label))
            if previous[0] != dispositif_id:
                log.warning(
                    "label %r of %s is already a label of %s; kept the latter",
                    label,
                    dispositif_id,
                    previous[0],
                )

    def find(self, text: str) -> list[Mention]:
        """Mentions in ``text`` with character offsets; ``surface`` is the text as written."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
        out: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            best: tuple[int, str, str] | None = None
            frontier, j = [self._root], i
            while frontier and j < n:
                if j > i and not _GAP_RE.fullmatch(text, tokens[j - 1][1], tokens[j][0]):
                    break
                keys = _keys(tokens[j][2])
                frontier = [
                    child for node in frontier for key in keys if (child := node.get(key)) is not None
                ]
                for node in frontier:
                    if _END in node:
                        best = (j, *node[_END])
                        break
                j += 1
            if (
                best is not None
                and not self._in_capital_prose(text, tokens, i, best)
                and not _ORG_BEFORE.search(text, max(0, tokens[i][0] - 40), tokens[i][0])
            ):
                last, dispositif_id, _label = best
                start, end = tokens[i][0], tokens[last][1]
                out.append(Mention(dispositif_id, start, end, text[start:end]))
                i = last + 1
            else:
                i += 1
        return out

    def _in_capital_prose(self, text: str, tokens: list, i: int, best: tuple[int, str, str]) -> bool:
        """A two-letter acronym inside a run of capitals that are not acronyms ("J'AI FAIT") is a word."""
        last, _id, label = best
        if last != i or len(label) > 2 or not _is_acronym(label):
            return False

        def capital_word(k: int, gap: tuple[int, int]) -> bool | None:
            if not 0 <= k < len(tokens) or "\n" in text[gap[0] : gap[1]]:
                return None
            word = tokens[k][2]
            return word.isalpha() and word.isupper() and _keys(word)[1][1] not in self._acronyms

        before = capital_word(i - 1, (tokens[i - 1][1], tokens[i][0])) if i > 0 else None
        after = capital_word(i + 1, (tokens[i][1], tokens[i + 1][0])) if i + 1 < len(tokens) else None
        return bool(before) and after is not False


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Decision:
    """What a profile meets, fails and leaves unknown; ``to_check`` are conditions a profile cannot decide.

    ``decision`` is "excluded" when a condition fails, "undecided" when a decidable condition lacks data,
    "eligible" otherwise (the adviser still checks ``to_check``).
    """

    dispositif_id: str
    decision: str
    met: tuple[str, ...]
    failed: tuple[str, ...]
    unknown: tuple[str, ...]
    to_check: tuple[str, ...]


def french_date(day: dt.date) -> str:
    """2022-03-01 -> "1er mars 2022"."""
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def age_rule(disp: Dispositif, terms: ProfileTerms) -> str | None:
    """The age condition as an adviser reads it, e.g. "16-25 ans (29 ans pour un travailleur handicapé)"."""
    if disp.min_age is not None and disp.max_age is not None:
        rule = f"{disp.min_age}-{disp.max_age} ans"
    elif disp.max_age is not None:
        rule = f"âge maximum {disp.max_age} ans"
    elif disp.min_age is not None:
        rule = f"âge minimum {disp.min_age} ans"
    else:
        return None
    if disp.max_age is not None and disp.age_exceptions:
        parts = [
            (f"{e.max_age} ans" if e.max_age is not None else "sans limite d'âge")
            + f" pour un {terms.status(e.status)}"
            for e in disp.age_exceptions
        ]
        rule += f" ({' ; '.join(parts)})"
    return rule


def eligibility(
    disp: Dispositif,
    age: int | None,
    statuses: set[str],
    residence: set[str],
    *,
    terms: ProfileTerms,
    thesaurus: Thesaurus | None = None,
    on: dt.date | None = None,
) -> Decision:
    """Check a profile against the conditions of ``disp`` that a profile can decide.

    ``statuses`` are the statuses the adviser declared: an empty set means "not known", while a status
    missing from a non-empty set counts as not held. ``residence`` only proves residence: a missing slug is
    unknown (living in a QPV is decided on the address). A dispositif replaced before ``on`` (default:
    today) is excluded with its successor named.
    """
    held = terms.with_implied(statuses)
    trace = _Trace()
    if disp.replaced_by and (disp.replaced_on is None or disp.replaced_on <= (on or dt.date.today())):
        successor = thesaurus.get(disp.replaced_by) if thesaurus is not None else None
        name = successor.label if successor else disp.replaced_by
        since = f" depuis le {french_date(disp.replaced_on)}" if disp.replaced_on else ""
        trace.failed.append(f"dispositif remplacé par « {name} »{since} ✗")
    _check_age(disp, age, held, terms, trace)
    _check_statuses(disp, statuses, held, terms, trace)
    _check_residence(disp, residence, terms, trace)
    decision = "excluded" if trace.failed else "undecided" if trace.unknown else "eligible"
    return Decision(
        disp.id, decision, tuple(trace.met), tuple(trace.failed), tuple(trace.unknown), disp.other_conditions
    )


@dataclass
class _Trace:
    """The readable lines of an eligibility check, in the order the conditions are checked."""

    met: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _check_age(disp: Dispositif, age: int | None, held: set[str], terms: ProfileTerms, trace: _Trace) -> None:
    """The age condition; a held status with an age exception raises the ceiling."""
    rule = age_rule(disp, terms)
    if rule is None:
        return
    if age is None:
        trace.unknown.append(f"{rule} : âge inconnu")
        return
    ceiling, via = disp.max_age, None
    for exc in disp.age_exceptions:
        if exc.status in held and ceiling is not None and (exc.max_age is None or exc.max_age > ceiling):
            ceiling, via = exc.max_age, exc.status
    too_young = disp.min_age is not None and age < disp.min_age
    too_old = ceiling is not None and age > ceiling
    if too_young or too_old:
        trace.failed.append(f"{rule} : {age} ans ✗")
    elif via is not None and disp.max_age is not None and age > disp.max_age:
        trace.met.append(f"{rule} : {age} ans, {terms.status(via)} ✓")
    else:
        trace.met.append(f"{rule} : {age} ans ✓")


def _check_statuses(
    disp: Dispositif, statuses: set[str], held: set[str], terms: ProfileTerms, trace: _Trace
) -> None:
    """One of the required statuses, then each status required together; unknown when none is declared."""
    if disp.requires_status:
        wanted = " ou ".join(terms.status(s) for s in disp.requires_status)
        found = [s for s in disp.requires_status if s in held]
        if found:
            trace.met.append(f"{terms.status(found[0])} ✓")
        elif not statuses:
            trace.unknown.append(f"{wanted} : inconnu")
        else:
            trace.failed.append(f"statut requis : {wanted} ✗")
    for status in disp.requires_all_status:
        if status in held:
            trace.met.append(f"{terms.status(status)} ✓")
        elif not statuses:
            trace.unknown.append(f"{terms.status(status)} : inconnu")
        else:
            trace.failed.append(f"{terms.status(status)} ✗")


def _check_residence(disp: Dispositif, residence: set[str], terms: ProfileTerms, trace: _Trace) -> None:
    """The required residence: met when proved, else unknown (never failed)."""
    if not disp.requires_residence:
        return
    wanted = " ou ".join(terms.residence(r) for r in disp.requires_residence)
    found = [r for r in disp.requires_residence if r in residence]
    if found:
        trace.met.append(f"{terms.residence(found[0])} ✓")
    else:
        trace.unknown.append(f"{wanted} : inconnu")

"""The dispositif thesaurus: loading (with each dispositif's conditions) and mention detection in text.

Data: ``graph/data/dispositifs.ttl``, a curated SKOS thesaurus (namespace
``https://qfq.example.org/dispositif/``) whose conventions are written at the top of the file. Dispositif ids
are ``"dispositif:<slug>"``. Nothing is loaded at import time: a :class:`Thesaurus` is loaded from its file by
the caller (the service's reference data) and builds its matcher on first use.

Matching works on word tokens (an Aho-Corasick-like walk over a trie of label token sequences): long labels
match case-insensitively, with accents, apostrophes, hyphens and plurals tolerated; short acronyms (four
letters or fewer, or written all in capitals) match only in their own case and as whole words; the longest
label wins.

Eligibility is data beside the thesaurus: ``conditions.toml`` (the rule of every dispositif, read by
:mod:`graph.conditions`) with its typed facts ``facts.toml``; :mod:`graph.conditions_eval` evaluates it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.conditions import Conditions, Constant, load_conditions, summary
from graph.conditions_facts import Facts
from graph.profile import ProfileTerms
from ingest.errors import InputError
from ingest.text import strip_accents

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "dispositifs.ttl"
DISP_NS = "https://qfq.example.org/dispositif/"
QFQ_NS = "https://qfq.example.org/ns#"
ID_PREFIX = "dispositif:"


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
    other_conditions: tuple[str, ...]  # the conditions in prose
    scope: str
    link: str | None
    checked: dt.date | None
    replaced_by: str | None
    replaced_on: dt.date | None
    territories: tuple[str, ...]  # where a regional or local scheme runs (sorted); empty: national
    ended_on: dt.date | None = None  # closed to new entries from that date, with no successor
    # derived from the rule (conditions.toml) by with_conditions(), for readers of /dispositifs
    min_age: int | None = None
    max_age: int | None = None
    age_exceptions: tuple[AgeException, ...] = ()
    requires_status: tuple[str, ...] = ()  # one of them
    requires_residence: tuple[str, ...] = ()
    requires_all_status: tuple[str, ...] = ()  # each of them
    broader: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    conditions: Conditions | None = None

    @property
    def territory(self) -> str | None:
        """The territories of a regional or local scheme as one text ("Eure, Vendée"), None if national."""
        return ", ".join(self.territories) or None

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
            "source": self.conditions.source if self.conditions else None,
        }

    def with_conditions(self, conditions: Conditions) -> Dispositif:
        """This dispositif with its rule, and the age and status summary a reader expects derived from it."""
        s = summary(conditions.rule)
        return dataclasses.replace(
            self,
            conditions=conditions,
            min_age=s["min_age"],
            max_age=s["max_age"],
            age_exceptions=tuple(AgeException(e["status"], e["max_age"]) for e in s["age_exceptions"]),
            requires_status=tuple(s["one_of"]),
            requires_all_status=tuple(s["each"]),
            requires_residence=(),
            checked=conditions.checked or self.checked,
        )


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
            f"thésaurus des dispositifs illisible : {exc}",
            where=str(path),
            valid="un fichier Turtle de concepts SKOS",
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
                f"le concept {concept} demande un prefLabel français, une définition, une nature (kind) "
                "et une portée (scope)",
                where=str(path),
                valid="voir les conventions en tête du fichier",
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
                other_conditions=texts(concept, qfq.otherCondition),
                scope=str(scope),
                link=str(link) if link is not None else None,
                checked=one(concept, qfq.checked),
                replaced_by=ident(replaced_by) if replaced_by is not None else None,
                replaced_on=one(concept, qfq.replacedOn),
                ended_on=one(concept, qfq.endedOn),
                territories=texts(concept, qfq.territory),
                broader=tuple(sorted(ident(b) for b in graph.objects(concept, SKOS.broader))),
                hidden_labels=texts(concept, SKOS.hiddenLabel),
            )
        )
    log.debug("loaded %d dispositifs from %s", len(out), path)
    return out


class Thesaurus:
    """The dispositifs of a thesaurus file, by id, with their mention matcher (built on first use), the fact
    vocabulary their conditions use and the constants (SMIC…) the rules name."""

    def __init__(
        self,
        dispositifs: Iterable[Dispositif],
        facts: Facts | None = None,
        constants: dict[str, Constant] | None = None,
    ):
        self.items: tuple[Dispositif, ...] = tuple(sorted(dispositifs, key=lambda d: d.id))
        self.index: dict[str, Dispositif] = {d.id: d for d in self.items}
        self.facts = facts if facts is not None else Facts.load()
        self.constants = constants or {}

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Thesaurus:
        """The thesaurus at ``path`` with the conditions (``conditions.toml``, ``facts.toml`` and
        ``profile.toml`` beside it, else the packaged ones), checked against each other."""

        def beside(name: str) -> Path:
            sibling = Path(path).parent / name
            return sibling if sibling.exists() else DATA_FILE.parent / name

        dispositifs = load_dispositifs(path)
        facts = Facts.load(beside("facts.toml"))
        terms = ProfileTerms.load(beside("profile.toml"))
        slugs = [d.id.removeprefix(ID_PREFIX) for d in dispositifs]
        conditions, constants = load_conditions(
            slugs, set(terms.status_phrases), facts, beside("conditions.toml")
        )
        attached = [d.with_conditions(conditions[d.id.removeprefix(ID_PREFIX)]) for d in dispositifs]
        return cls(attached, facts, constants)

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

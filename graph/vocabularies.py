"""Publics and themes: the SKOS vocabularies and a keyword classifier that keeps its evidence.

Data: ``graph/data/vocabularies.ttl``, two SKOS concept schemes (``public``, ``theme``) with French labels
and stable ASCII slugs (``skos:notation``), adapted from the data·inclusion referentials. Concept ids are
``"<scheme>:<slug>"`` (``public:senior``). Nothing is loaded at import time: :func:`load` parses the
file with rdflib (the service's reference data calls it once). Matching hints, in the ``qfq:`` namespace:

- ``keyword``: a French term, matched case- and accent-insensitively, word-bounded, each word of four
  letters or more tolerant of plural and feminine endings (``senior`` finds ``Séniors``);
- ``pattern``: a regular expression over accent-folded text, where a lone space means any whitespace;
- ``headingKeyword``: a keyword that only counts in a title or chapter heading ("Logement");
- ``exclude`` / ``excludePattern``: matches that cancel the concept's overlapping hits;
- ``mask`` / ``maskPattern`` (on a scheme): names blanked before matching ("Pôle emploi", the national
  "mobilisation pour l'emploi et la transition écologique"), so a name never stands for a theme;
- ``minHits``: hits needed in the action's own text (default 1 for a public, 2 for a theme).

:meth:`Vocabularies.classify` assigns a theme on a title hit, on a chapter hit confirmed by one hit in the
text, or on ``minHits`` hits in the text; a public on ``minHits`` hits in title or text (a chapter heading
alone never decides a public). When no theme passes, the themes found in the text are kept, failing that
those of the chapter heading, flagged ``weak``. Broader concepts inherit their narrower concepts'
assignments.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import NotFound
from ingest.errors import ConfigError, InputError
from ingest.labels import default_lexicon
from ingest.text import fold_with_offsets

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "vocabularies.ttl"
BASE = "https://qfq.example.org/"
QFQ = BASE + "ns#"
SCHEMES = ("public", "theme")
FIELDS = ("title", "chapter", "text")
WEIGHTS = {"title": 3.0, "chapter": 2.0, "text": 1.0}
DEFAULT_MIN_HITS = {"public": 1, "theme": 2}
_SLUG_RE = re.compile(r"[a-z][a-z0-9_]*")

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_PATTERN_SPACE_RE = re.compile(r" (?![?*+{])")


@dataclass(frozen=True)
class Concept:
    """A public or a theme. ``broader`` holds slugs of the same scheme."""

    id: str
    slug: str
    scheme: str
    label: str
    alt_labels: tuple[str, ...] = ()
    definition: str = ""
    keywords: tuple[str, ...] = ()
    need: str | None = None
    broader: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    heading_keywords: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    min_hits: int | None = None
    profile_status: bool = False
    data_inclusion: str | None = None

    @property
    def uri(self) -> str:
        return f"{BASE}{self.scheme}/{self.slug}"


@dataclass(frozen=True)
class Evidence:
    """One surface that justified an assignment: ``surface == <field value>[start:end]``."""

    surface: str
    start: int
    end: int
    field: str  # "title", "chapter" or "text"


@dataclass
class Assignment:
    """A concept given to an action with its evidence; ``score`` sums ``WEIGHTS[field] * log2(1 + hits)``
    over the fields, ``weak`` marks an assignment kept by the fallback rule."""

    concept_id: str
    slug: str
    scheme: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    weak: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.concept_id,
            "slug": self.slug,
            "scheme": self.scheme,
            "score": self.score,
            "weak": self.weak,
            "evidence": [e.__dict__ for e in self.evidence],
        }


def keyword_regex(keyword: str) -> str:
    """Regex source for a French keyword over folded text: flexible spacing, plural/feminine endings."""
    parts: list[str] = []
    previous_word = False
    for token in _TOKEN_RE.findall(fold_with_offsets(keyword)[0]):
        word = token[0].isalnum() or token[0] == "_"
        if not word:
            parts.append({"'": r"'\s*", "-": r"[\s\-]*"}.get(token, r"\s*" + re.escape(token) + r"\s*"))
        elif len(token) >= 4 and token.isalpha() and not token.isupper():
            stem = token[:-1] if token[-1] in "sx" else token
            parts.append((r"[\s\-]+" if previous_word else "") + re.escape(stem) + r"(?:e|es|s|x)?")
        else:
            parts.append((r"[\s\-]+" if previous_word else "") + re.escape(token))
        previous_word = word
    return "".join(parts)


def pattern_regex(pattern: str) -> str:
    """Regex source for a ``qfq:pattern``: accents folded, a lone space meaning any whitespace run."""
    return _PATTERN_SPACE_RE.sub(r"\\s+", fold_with_offsets(pattern)[0])


def _compile(sources: Iterable[str], where: str) -> re.Pattern[str] | None:
    ordered = sorted(set(sources), key=len, reverse=True)
    if not ordered:
        return None
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"mot-clé ou motif invalide : {exc}", where=where) from exc


@dataclass(frozen=True)
class _Matcher:
    body: re.Pattern[str] | None
    heading: re.Pattern[str] | None
    exclude: re.Pattern[str] | None

    @classmethod
    def build(cls, c: Concept) -> _Matcher:
        body = [keyword_regex(k) for k in c.keywords] + [pattern_regex(p) for p in c.patterns]
        heading = body + [keyword_regex(k) for k in c.heading_keywords]
        exclude = [keyword_regex(k) for k in c.excludes] + [pattern_regex(p) for p in c.exclude_patterns]
        return cls(_compile(body, c.id), _compile(heading, c.id), _compile(exclude, c.id))


@dataclass(frozen=True)
class _Prepared:  # one field's text: original, folded (with offset map), folded with masks blanked
    original: str
    folded: str
    offsets: list[int]
    masked: str


class Vocabularies:
    """The loaded concept schemes, with compiled matchers (built once, on first classification)."""

    def __init__(self, concepts: Sequence[Concept], masks: dict[str, list[str]], source: str = "") -> None:
        self.source = source
        self._concepts = list(concepts)
        self._by_slug = {c.slug: c for c in self._concepts}
        self._mask_sources = masks
        self._validate()

    def _validate(self) -> None:
        bad = [c.slug for c in self._concepts if not _SLUG_RE.fullmatch(c.slug)]
        if bad or len(self._by_slug) != len(self._concepts):
            raise ConfigError(
                f"slugs non uniques ou hors de l'ASCII minuscule : {bad or 'doublons'}",
                where=self.source,
                valid="[a-z][a-z0-9_]*, uniques dans tous les schémas",
            )
        for c in self._concepts:
            if any(b not in self._by_slug or self._by_slug[b].scheme != c.scheme for b in c.broader):
                raise ConfigError(
                    f"{c.id} : concepts plus larges {c.broader} hors du schéma {c.scheme}", where=self.source
                )

    def concepts(self, scheme: str | None = None) -> list[Concept]:
        """All concepts, or those of one scheme (``"public"`` or ``"theme"``), by scheme then slug."""
        if scheme is not None and scheme not in SCHEMES:
            raise InputError(f"schéma inconnu {scheme!r}", where="scheme", valid=", ".join(SCHEMES))
        return [c for c in self._concepts if scheme is None or c.scheme == scheme]

    def get(self, slug: str) -> Concept:
        """The concept with this slug (or id ``scheme:slug``)."""
        concept = self._by_slug.get(slug.split(":", 1)[-1])
        if concept is None:
            raise NotFound(
                f"aucun public ni thème {slug!r}", where="slug", valid=", ".join(sorted(self._by_slug))
            )
        return concept

    def ancestors(self, slug: str) -> list[str]:
        """Slugs of every broader concept, nearest first."""
        out: list[str] = []
        todo = list(self.get(slug).broader)
        while todo:
            b = todo.pop(0)
            if b not in out:
                out.append(b)
                todo.extend(self._by_slug[b].broader)
        return out

    @functools.cached_property
    def _matchers(self) -> dict[str, _Matcher]:
        return {c.slug: _Matcher.build(c) for c in self._concepts}

    @functools.cached_property
    def _masks(self) -> dict[str, re.Pattern[str] | None]:
        return {s: _compile(self._mask_sources.get(s, []), f"{self.source} ({s} masks)") for s in SCHEMES}

    def _prepare(self, scheme: str, text: str, folding: tuple[str, list[int]] | None = None) -> _Prepared:
        folded, offsets = folding or fold_with_offsets(text)
        mask = self._masks[scheme]
        masked = mask.sub(lambda m: " " * len(m.group()), folded) if mask is not None else folded
        return _Prepared(text, folded, offsets, masked)

    def _find(self, slug: str, prepared: _Prepared, heading: bool, field_name: str) -> list[Evidence]:
        matcher = self._matchers[slug]
        regex = matcher.heading if heading else matcher.body
        if regex is None or not prepared.original:
            return []
        spans = [m.span() for m in regex.finditer(prepared.masked) if m.end() > m.start()]
        if spans and matcher.exclude is not None:
            banned = [m.span() for m in matcher.exclude.finditer(prepared.folded)]
            spans = [s for s in spans if not any(s[0] < b[1] and b[0] < s[1] for b in banned)]
        bounds = [(prepared.offsets[a], prepared.offsets[b - 1] + 1) for a, b in spans]
        return [Evidence(prepared.original[a:b], a, b, field_name) for a, b in bounds]

    def classify(
        self, title: str, text: str, chapter: str | None = None, public: str = ""
    ) -> list[Assignment]:
        """Publics, then themes, of an action (by decreasing score) from its title, text and chapter;
        `public`: what the action's row naming its public says ("Public visé : …"), read for the publics
        only (a public is no theme)."""
        values = {"title": title or "", "chapter": chapter or "", "text": text or ""}
        folded = {f: fold_with_offsets(v) for f, v in values.items()}  # once for both schemes
        result: list[Assignment] = []
        for scheme in SCHEMES:
            prepared = {f: self._prepare(scheme, v, folded[f]) for f, v in values.items()}
            if scheme == "public" and public:
                prepared["text"] = self._prepare(scheme, "\n".join(p for p in (public, text) if p))
            found: dict[str, dict[str, list[Evidence]]] = {}
            for concept in self.concepts(scheme):
                hits = {f: self._find(concept.slug, prepared[f], f != "text", f) for f in FIELDS}
                if any(hits.values()):
                    found[concept.slug] = hits
            accepted = {s: h for s, h in found.items() if self._accepts(self._by_slug[s], h)}
            weak = False
            if scheme == "theme" and not accepted:  # fallback: the action's own words, else its heading
                accepted = {s: h for s, h in found.items() if h["text"]} or {
                    s: h for s, h in found.items() if h["chapter"]
                }
                weak = bool(accepted)
            result.extend(self._assignments(scheme, accepted, weak))
        return result

    def classify_action(self, action: Any) -> list[Assignment]:
        """Classify an ``ingest`` action record (its title, own text and chapter)."""
        return self.classify(
            _attr(action, "title") or "",
            action_text(action),
            _attr(action, "chapter"),
            public_text(action),
        )

    def _accepts(self, concept: Concept, hits: dict[str, list[Evidence]]) -> bool:
        need = concept.min_hits or DEFAULT_MIN_HITS[concept.scheme]
        n = {f: len(hits[f]) for f in FIELDS}
        if concept.scheme == "public":
            return n["title"] + n["text"] >= need
        return n["title"] > 0 or (n["chapter"] > 0 and n["text"] > 0) or n["text"] >= need

    def _assignments(
        self, scheme: str, accepted: dict[str, dict[str, list[Evidence]]], weak: bool
    ) -> list[Assignment]:
        out: dict[str, Assignment] = {}
        for slug, hits in accepted.items():
            score = sum(WEIGHTS[f] * math.log2(1 + len(hits[f])) for f in FIELDS)
            evidence = [e for f in FIELDS for e in hits[f]]
            out[slug] = Assignment(f"{scheme}:{slug}", slug, scheme, round(score, 3), evidence, weak)
        for slug in list(out):
            child = out[slug]
            for parent in self.ancestors(slug):
                target = out.setdefault(
                    parent, Assignment(f"{scheme}:{parent}", parent, scheme, 0.0, [], weak)
                )
                target.score = max(target.score, child.score)
                target.weak = target.weak and child.weak
                target.evidence.extend(e for e in child.evidence if e not in target.evidence)
        return sorted(out.values(), key=lambda a: (-a.score, a.slug))


def load(path: Path | str = DATA_FILE) -> Vocabularies:
    """Parse a vocabulary file (Turtle) with rdflib."""
    import rdflib  # a core dependency, imported on first use only
    from rdflib.namespace import RDF, SKOS

    path = Path(path)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser-specific types
        raise ConfigError(f"fichier de vocabulaire illisible : {exc}", where=str(path)) from exc
    q = rdflib.Namespace(QFQ)

    def texts(subject: Any, prop: Any) -> list[str]:
        return sorted(str(o) for o in graph.objects(subject, prop))

    def french(subject: Any, prop: Any) -> str:
        values = list(graph.objects(subject, prop))
        best = [v for v in values if getattr(v, "language", None) == "fr"] or values
        return str(best[0]) if best else ""

    def slug_of(uri: Any) -> str:
        return str(uri).rstrip("/").rsplit("/", 1)[-1]

    concepts: list[Concept] = []
    masks: dict[str, list[str]] = {}
    for scheme in SCHEMES:
        scheme_uri = rdflib.URIRef(f"{BASE}{scheme}/")
        masks[scheme] = [keyword_regex(m) for m in texts(scheme_uri, q.mask)] + [
            pattern_regex(p) for p in texts(scheme_uri, q.maskPattern)
        ]
        for s in sorted(set(graph.subjects(SKOS.inScheme, scheme_uri)), key=str):
            if (s, RDF.type, SKOS.Concept) not in graph:
                continue
            slug = french(s, SKOS.notation) or slug_of(s)
            if slug != slug_of(s):
                raise ConfigError(f"la notation {slug!r} diffère de l'IRI {s}", where=str(path))
            min_hits = graph.value(s, q.minHits)
            concepts.append(
                Concept(
                    id=f"{scheme}:{slug}",
                    slug=slug,
                    scheme=scheme,
                    label=french(s, SKOS.prefLabel),
                    alt_labels=tuple(texts(s, SKOS.altLabel)),
                    definition=french(s, SKOS.definition),
                    keywords=tuple(texts(s, q.keyword)),
                    need=french(s, q.need) or None,
                    broader=tuple(slug_of(b) for b in graph.objects(s, SKOS.broader)),
                    patterns=tuple(texts(s, q.pattern)),
                    heading_keywords=tuple(texts(s, q.headingKeyword)),
                    excludes=tuple(texts(s, q.exclude)),
                    exclude_patterns=tuple(texts(s, q.excludePattern)),
                    min_hits=int(min_hits) if min_hits is not None else None,
                    profile_status=bool(graph.value(s, q.profileStatus)),
                    data_inclusion=french(s, q.dataInclusion) or None,
                )
            )
    log.debug("loaded %d concepts from %s", len(concepts), path)
    return Vocabularies(concepts, masks, source=str(path))


_TEXT_FIELDS = ("description", "intitule", "expected_results", "indicators", "steps", "keys_to_success")
_SEGMENT_RE = re.compile(r"\n+| — ")


def _attr(action: Any, name: str) -> Any:
    return action.get(name) if isinstance(action, dict) else getattr(action, name, None)


def action_text(action: Any) -> str:
    """The action's own text to classify: description, intitulé, expected results, indicators, steps
    and keys to success, each segment once. Perimeter, calendar, budget and observations are left
    out: they say where, when and how much, and often name other programmes."""
    kept: list[str] = []
    seen = " ".join(str(_attr(action, "title") or "").split())
    for name in _TEXT_FIELDS:
        value = _attr(action, name) or ""
        for part in [value] if isinstance(value, str) else value:
            for segment in _SEGMENT_RE.split(part):
                squashed = " ".join(segment.split())
                if squashed and squashed not in seen:
                    kept.append(segment.strip())
                    seen += "\n" + squashed
    return "\n".join(kept)


def public_text(action: Any) -> str:
    """The values of the action's rows that name its public ("Public visé", "Bénéficiaires" — the labels of
    the field `public` in ingest/data/labels.toml), kept by ingest among its extra fields."""
    extra = _attr(action, "extra") or {}
    if not extra:
        return ""
    lexicon = default_lexicon()
    return "\n".join(
        str(v) for k, v in extra.items() if v and lexicon.match(re.sub(r"\s\(\d+\)$", "", k)) == "public"
    )


ALIGNMENTS_FILE = Path(__file__).resolve().parent / "data" / "data_inclusion.ttl"
_DI_SCHEMES = {
    "publics": ("Public",),
    "categories": ("Categorie",),
    "thematiques": ("Thematique",),
    "types-de-services": ("TypeService",),
    "reseaux-porteurs": ("ReseauPorteur",),
}
DI_BASE = "https://qfq.example.org/data-inclusion/v1/"


@functools.lru_cache(maxsize=4)
def load_alignments(path: Path = ALIGNMENTS_FILE):
    """The SKOS alignment of qfq's publics, themes and dispositifs on the data·inclusion referentials
    (``graph/data/data_inclusion.ttl``), every data·inclusion value checked against the installed
    ``data-inclusion-schema`` package; an unknown value is an error naming it and the valid ones."""
    from data_inclusion.schema import v1  # core dependency (pyproject), imported when used
    from rdflib import Graph, URIRef

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise ConfigError(
            f"alignements illisibles : {exc}", where=str(path), valid="un fichier Turtle"
        ) from exc
    for node in {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(DI_BASE)}:
        scheme, _, value = str(node)[len(DI_BASE) :].partition("/")
        if not value:
            continue
        enums = [getattr(v1, name) for name in _DI_SCHEMES.get(scheme, ())]
        valid = {m.value for e in enums for m in e}
        if value not in valid:
            raise ConfigError(
                f"{value!r} n'est pas une valeur data·inclusion de {scheme!r}",
                where=str(path),
                valid=", ".join(sorted(valid)) or ", ".join(_DI_SCHEMES),
            )
    return graph

"""The role cue lexicon (`ingest/data/role_cues.toml`) and the matcher that finds its cues in a parsed doc."""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import fold
from ingest.mentions.trie import PhraseTrie

DATA = Path(__file__).resolve().parents[1] / "data" / "role_cues.toml"
ORG_ROLES = ("pilot", "partner", "funder", "operator", "public", "contact")
PLACE_ROLES = ("perimeter", "mentioned")
_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def expand(pattern: str) -> list[str]:
    """'pilot{é,ée} par' -> ['piloté par', 'pilotée par']; '{,co-}' makes the part optional."""
    parts = _ALTERNATIVES.split(pattern)
    literals, choices = parts[0::2], [p.split(",") for p in parts[1::2]]
    out = []
    for combo in itertools.product(*choices):
        text = "".join(lit + (combo[i] if i < len(combo) else "") for i, lit in enumerate(literals))
        out.append(re.sub(r"\s+", " ", text).strip())
    return [t for t in dict.fromkeys(out) if t]


@dataclass(frozen=True)
class RoleCues:
    cues: tuple[str, ...]
    verbs: frozenset[str]
    subject_verbs: frozenset[str]
    subject_forms: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Everything the role assignment reads, as data."""

    roles: dict[str, RoleCues]
    perimeter: tuple[str, ...]
    mentioned: tuple[str, ...]
    perimeter_prepositions: frozenset[str]
    perimeter_block_kinds: frozenset[str]
    contractions: dict[str, tuple[str, ...]]
    org_heads: frozenset[str]
    org_alone: frozenset[str]
    org_not_heads: frozenset[str]
    loc_is_org_words: frozenset[str]
    territory_heads: frozenset[str]
    person_titles: tuple[str, ...]
    civilities: frozenset[str]
    lower_words: frozenset[str]
    contact_labels: frozenset[str]
    glossary_heads: frozenset[str] = frozenset()  # more words that head an organisation in a glossary
    glossary_head_adjectives: frozenset[str] = frozenset()  # "centre hospitalier": a glossary head in prose
    own_names: frozenset[str] = frozenset()  # network heads whose members have names of their own
    inserts: frozenset[str] = frozenset()  # adverbs a cue may have inside it ("présidé conjointement par")
    member_heads: tuple[str, ...] = ()  # plural nouns before their members' names ("les bailleurs sociaux")
    plan_markers: tuple[str, ...] = ()  # a plan's pilot of every fiche with none ("sauf mention contraire")
    action_nouns: frozenset[str] = frozenset()  # nouns naming the action itself ("le projet est piloté")
    public_nouns: frozenset[str] = frozenset()  # "les jeunes de X": X is where the action applies
    branch_heads: frozenset[str] = frozenset()  # a branch before its seat and organisation ("l'antenne de")
    joint_prefixes: tuple[str, ...] = ()  # a joint subject verb ("co-pilotent … avec C": C shares the role)
    joint_words: frozenset[str] = frozenset()  # the preposition after it ("avec")
    acting_heads: frozenset[str] = (
        frozenset()
    )  # a named body, subject of a verb, operates ("l'association X ouvre")
    source: str = field(default="", compare=False)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Read the cue lexicon; a malformed file is a ConfigError naming the file and the missing part."""
    path = Path(path) if path else DATA
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(
            f"impossible de lire le lexique des indices de rôle : {exc}", where=str(path)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"le lexique des indices de rôle n'est pas un TOML valide : {exc}", where=str(path)
        ) from exc
    try:
        roles = {}
        for role in ORG_ROLES:
            r = raw["roles"][role]
            roles[role] = RoleCues(
                cues=_expand_all(r["cues"]),
                verbs=frozenset(fold(v) for v in r.get("verbs", [])),
                subject_verbs=frozenset(fold(v) for v in r.get("subject_verbs", [])),
                subject_forms=_expand_all(r.get("subject_forms", [])),
            )
        places, orgs, persons = raw["places"], raw["organisations"], raw["persons"]
        return Lexicon(
            roles=roles,
            perimeter=_expand_all(places["perimeter"]),
            mentioned=_expand_all(places["mentioned"]),
            perimeter_prepositions=frozenset(fold(p) for p in places["perimeter_prepositions"]),
            perimeter_block_kinds=frozenset(places["perimeter_block_kinds"]),
            contractions={fold(k): tuple(fold(v) for v in vs) for k, vs in raw["contractions"].items()},
            org_heads=frozenset(fold(w) for w in orgs["heads"]),
            org_alone=frozenset(fold(w) for w in orgs["alone"]),
            org_not_heads=frozenset(fold(w) for w in orgs.get("not_heads", [])),
            loc_is_org_words=frozenset(fold(w) for w in orgs["loc_is_org_words"]),
            territory_heads=frozenset(fold(w) for w in orgs.get("territory_heads", [])),
            person_titles=_expand_all(persons["titles"]),
            civilities=frozenset(fold(w) for w in persons["civilities"]),
            lower_words=frozenset(fold(w) for w in raw["recase"]["lower_words"]),
            contact_labels=frozenset(fold(w) for w in raw["contacts"]["labels"]),
            glossary_heads=frozenset(fold(w) for w in orgs.get("glossary_heads", [])),
            glossary_head_adjectives=frozenset(fold(w) for w in orgs.get("glossary_head_adjectives", [])),
            own_names=frozenset(fold(w) for w in orgs.get("own_names", [])),
            inserts=frozenset(fold(w) for w in raw.get("inserts", {}).get("words", [])),
            member_heads=tuple(fold(w) for w in orgs.get("member_heads", [])),
            branch_heads=frozenset(fold(w) for w in orgs.get("branch_heads", [])),
            public_nouns=frozenset(fold(w) for w in places.get("public_nouns", [])),
            plan_markers=tuple(fold(w) for w in raw.get("plan", {}).get("default_markers", [])),
            action_nouns=frozenset(fold(w) for w in raw.get("plan", {}).get("action_nouns", [])),
            joint_prefixes=tuple(fold(w) for w in raw.get("joint", {}).get("prefixes", [])),
            joint_words=frozenset(fold(w) for w in raw.get("joint", {}).get("words", [])),
            acting_heads=frozenset(fold(w) for w in orgs.get("acting_heads", [])),
            source=str(path),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(
            f"il manque au lexique des indices de rôle (ou il y est mal écrit) : {exc}",
            where=str(path),
            valid=f"les tables roles.{{{','.join(ORG_ROLES)}}}, places, contractions, organisations, "
            "persons, recase, contacts",
        ) from exc


def _expand_all(patterns: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for p in patterns for x in expand(p)))


@dataclass(frozen=True)
class Cue:
    start: int  # token indices in the doc
    end: int
    role: str  # an org role, or "perimeter" / "mentioned" for places
    target: str  # "org" or "place"
    direction: str  # "after": governs what follows; "subject": governs its subject, written before it
    text: str
    verb: bool = False  # a verb found by its lemma: in the parse it governs its object only


class CueMatcher:
    """Finds the lexicon's cues in a doc: phrases on folded tokens (a word trie), verbs on folded lemmas."""

    def __init__(self, lexicon: Lexicon, nlp: FrenchNLP) -> None:
        self.lexicon = lexicon
        self._trie: PhraseTrie[tuple[str, str, str]] = PhraseTrie()
        groups: dict[tuple[str, str, str], list[str]] = {}
        for role, cues in lexicon.roles.items():
            groups["org", role, "after"] = list(cues.cues)
            groups["org", role, "subject"] = list(cues.subject_forms)
        groups["place", "perimeter", "after"] = list(lexicon.perimeter)
        groups["place", "mentioned", "after"] = list(lexicon.mentioned)
        for label, phrases in groups.items():
            for words in dict.fromkeys(tuple(w) for p in phrases for w in self._variants(nlp, p)):
                if label not in self._trie.get(words):
                    self._trie.add(words, label)

    def _variants(self, nlp: FrenchNLP, phrase: str) -> list[list[str]]:
        words = [fold(t.text) for t in nlp.tokenize(phrase) if not t.is_space]
        out = [words]
        if words and words[-1] in self.lexicon.contractions:
            out += [words[:-1] + [c] for c in self.lexicon.contractions[words[-1]]]
        return out

    def find(self, doc) -> list[Cue]:
        """The cues of a doc, longest first where they overlap, in text order."""
        if len(doc) == 0:
            return []
        tokens = list(doc)
        folded = [fold(t.text) or t.text for t in tokens]
        found = []
        for s, e, labels in self._trie.find(folded):
            for target, role, direction in labels:
                found.append(Cue(s, e, role, target, direction, doc[s:e].text))
        kept = [i for i, w in enumerate(folded) if w not in self.lexicon.inserts]
        if len(kept) < len(folded):  # "présidé conjointement par": the cue with its adverb left out
            for s, e, labels in self._trie.find([folded[i] for i in kept]):
                s, e = kept[s], kept[e - 1] + 1
                for target, role, direction in labels:
                    found.append(Cue(s, e, role, target, direction, doc[s:e].text))
        for t in tokens:
            if t.pos_ in ("NOUN", "PROPN", "DET", "ADP", "PUNCT"):
                continue
            lemma = fold(t.lemma_)
            for role, cues in self.lexicon.roles.items():
                if lemma in cues.verbs:
                    found.append(Cue(t.i, t.i + 1, role, "org", "after", t.text, verb=True))
                if lemma in cues.subject_verbs and "Inf" not in t.morph.get("VerbForm"):  # no subject
                    found.append(Cue(t.i, t.i + 1, role, "org", "subject", t.text))
        return _longest(found)


def _longest(cues: list[Cue]) -> list[Cue]:
    taken: set[int] = set()
    kept = []
    # of two cues of one length, the one that governs what follows wins: "est piloté par X" is a passive, not
    # the subject form "est pilote" (accents folded)
    for c in sorted(cues, key=lambda c: (-(c.end - c.start), c.direction != "after", c.start)):
        if taken.isdisjoint(range(c.start, c.end)):
            kept.append(c)
            taken.update(range(c.start, c.end))
    return sorted(kept, key=lambda c: c.start)

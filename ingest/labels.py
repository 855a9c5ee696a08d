"""The label lexicon (``ingest/data/labels.toml``): which field of an action a written label names, and the
normalised values of status and priority.

A label is matched by its key (:func:`label_key`): case, accents, punctuation, parenthesised parts ("Axe
(x)", "Territoire(s)"), "·e" inclusive forms, currency words ("€ HT") and numbering ("Financeur 1", "Étape 2
Lancement") folded away. A key is looked up exactly, then with its words singular, then by the longest
lexicon label of two words or more it starts with, then (long keys only) by a close spelling. No label is
written in this module: they are data.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ingest.errors import InputError
from ingest.text import fold

MAX_LABEL = 60  # folded characters: a longer cell is a value, not a label
_INCLUSIVE = re.compile(r"(?<=\w)[·•‧⋅.](?:e|ne|le|te|se|rice|euse)(?:[·•‧⋅.]?s)?\b")
_INCLUSIVE_PLURAL = re.compile(r"(?<=\w)[·•‧⋅]s\b")
_PARENS = re.compile(r"\([^()]*\)")
_UNITS = re.compile(r"€|\b(?:ht|ttc|k€|m€|eur|euros?)\b")
_LEADING_NUMBER = re.compile(r"^(?:n\s*°\s*)?[\dx]+(?:[.\-][\dx]+)*[.)\-:]?\s+")
_TRAILING_NUMBER = re.compile(r"\s+(?:n\s*°\s*)?(?:[\dx]+(?:[.\-][\dx]+)*|[ivx]+)$")
_HEAD_NUMBER = re.compile(r"^([a-z][a-z ]*?)\s+(?:n\s*°\s*)?\d+(?:[.\-]\d+)*\s*(\S*)$")
_NUMBERED_REST = re.compile(r"^(?:n )?\d")  # "fiche action n 1 1": a numbered heading, not a label
_NON_WORD = re.compile(r"[^a-z0-9*]+")
_MIN_PREFIX_WORDS = 2
_MIN_WORD_LABEL = 4  # letters of a one-word label matched inside a longer header
_FUZZY_MIN = 8
_FUZZY_CUTOFF = 0.88


def label_key(text: str) -> str:
    """The key a label is matched by: 'Élu·e référent·e :' -> 'elu referent', 'Axe (x)' -> 'axe'."""
    key = fold(text)
    key = _INCLUSIVE.sub("", key)
    key = _INCLUSIVE_PLURAL.sub("s", key)
    key = _PARENS.sub(" ", key)
    key = _UNITS.sub(" ", key)
    key = " ".join(key.replace("'", " ").split()).strip(" :;.-")
    key = _LEADING_NUMBER.sub("", key)
    key = _TRAILING_NUMBER.sub("", key)
    return " ".join(_NON_WORD.sub(" ", key).split())


def singular(key: str) -> str:
    """Each word without a plural 's' ('indicateurs lies' -> 'indicateur lie')."""
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in key.split()
    )


@dataclass(frozen=True)
class FieldSpec:
    """One field of the lexicon: its key, where its value goes in a record, the role noted, its labels."""

    key: str
    record: str
    role: str | None
    labels: tuple[str, ...]


class Lexicon:
    """Fields and their labels, status and priority values, as read from a TOML file."""

    def __init__(self, data: dict, where: str = "labels.toml"):
        try:
            raw_fields = data["fields"]
            self.fields = {
                key: FieldSpec(key, spec["record"], spec.get("role"), tuple(spec["labels"]))
                for key, spec in raw_fields.items()
            }
        except (KeyError, TypeError) as exc:
            raise InputError(
                f"lexique des libellés invalide ({exc!r})",
                where=where,
                valid="des tables [fields.<clé>] avec record et labels",
            ) from exc
        self._exact: dict[str, str] = {}
        self._memo: dict[tuple[str, bool], str | None] = {}
        self._singular: dict[str, str] = {}
        for spec in self.fields.values():
            for label in spec.labels:
                key = label_key(label)
                self._exact.setdefault(key, spec.key)
                self._singular.setdefault(singular(key), spec.key)
        self._prefixes = sorted(
            (k for k in self._exact if len(k.split()) >= _MIN_PREFIX_WORDS), key=len, reverse=True
        )
        self.status_values = _values(data.get("status", {}))
        self.priority_values = _values(data.get("priority", {}))

    def match(self, label: str, *, prefix: bool = True) -> str | None:
        """The key of the field ``label`` names, or None (a value, or a label the lexicon does not know)."""
        key = label_key(label)
        if not key or len(key) > MAX_LABEL:
            return None
        found = self._lookup(key, prefix)
        if found is None and (m := _HEAD_NUMBER.match(key)) and len(m.group(2).split()) <= 1:
            found = self._lookup(m.group(1), False)  # "etape 1 lancement", "financeur 2"
        return found

    def _lookup(self, key: str, prefix: bool) -> str | None:
        """The field ``key`` names (cached per lexicon: the fuzzy match is costly and labels repeat)."""
        if (key, prefix) not in self._memo:
            self._memo[(key, prefix)] = self._find(key, prefix)
        return self._memo[(key, prefix)]

    def _find(self, key: str, prefix: bool) -> str | None:
        if key in self._exact:
            return self._exact[key]
        if singular(key) in self._singular:
            return self._singular[singular(key)]
        if prefix:
            for known in self._prefixes:
                if key.startswith(known + " ") and not _NUMBERED_REST.match(key[len(known) + 1 :]):
                    return self._exact[known]
        if len(key) >= _FUZZY_MIN:
            close = difflib.get_close_matches(key, list(self._exact), n=1, cutoff=_FUZZY_CUTOFF)
            if close:
                return self._exact[close[0]]
        return None

    def spec(self, label: str) -> FieldSpec | None:
        key = self.match(label)
        return self.fields[key] if key else None

    def spec_by_word(self, label: str) -> FieldSpec | None:
        """The field of the first word of ``label`` that is a one-word label itself ("Structure
        responsable" -> pilots, "Communes bénéficiaires" -> commune): a column header's second chance."""
        for word in label_key(label).split():
            if len(word) >= _MIN_WORD_LABEL and (key := self._exact.get(word) or self._singular.get(word)):
                return self.fields[key]
        return None

    def labels_of(self, *records: str) -> list[str]:
        """The labels of the fields that fill one of ``records`` (for messages), first label first."""
        return [label for s in self.fields.values() if s.record in records for label in s.labels]

    def status(self, value: str) -> str | None:
        """The normalised status of a written value ('En cours de réalisation' -> 'en cours'), or None."""
        return _normalise(value, self.status_values)

    def priority(self, value: str) -> str | None:
        """The normalised priority of a written value ('P1', '***', 'Forte' -> 'élevée'), or None."""
        return _normalise(value, self.priority_values)


def _value_key(text: str) -> str:
    stars = text.strip().replace("★", "*").replace(" ", "")
    if stars and set(stars) == {"*"}:
        return stars  # a rating ("***"), which folding would take for markdown emphasis
    return " ".join(_NON_WORD.sub(" ", fold(text).replace("'", " ")).split())


def _values(table: dict) -> list[tuple[str, str]]:
    """(key of a written value, normalised value), longest key first."""
    pairs = [(_value_key(v), canon) for canon, written in table.items() for v in [canon, *written]]
    return sorted({p for p in pairs if p[0]}, key=lambda p: -len(p[0]))


def _normalise(value: str, values: list[tuple[str, str]]) -> str | None:
    key = _value_key(value)
    if not key:
        return None
    for known, canon in values:
        if key == known:
            return canon
    for known, canon in values:
        if not known.isdigit() and "*" not in known and key.startswith(known + " "):
            return canon
    return None


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon of ``path``, or the packaged ``ingest/data/labels.toml``."""
    if path is None:
        text = resources.files("ingest").joinpath("data/labels.toml").read_text(encoding="utf-8")
        where = "ingest/data/labels.toml"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"le lexique des libellés n'est pas du TOML valide ({exc})", where=where) from exc
    return Lexicon(data, where)


@functools.cache
def default_lexicon() -> Lexicon:
    """The packaged lexicon, read once."""
    return load_lexicon()

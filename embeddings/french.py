"""French text normalisation for keyword retrieval: elisions, stop words, Snowball stems, accents folded."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer  # PyStemmer
from bm25s.stopwords import STOPWORDS_FRENCH

from ingest.text import strip_accents

_ELISION = re.compile(r"\b(?:l|d|qu|n|s|c|j|m|t|jusqu|lorsqu|puisqu|quoiqu)['’]", re.I)
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_EXTRA_STOP = {
    "etc",
    "cf",
    "ex",
    "via",
    "dont",
    "ainsi",
    "afin",
    "notamment",
    "plus",
    "tout",
    "tous",
    "toute",
    "toutes",
}


STOPWORDS = frozenset({strip_accents(w) for w in STOPWORDS_FRENCH} | _EXTRA_STOP)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def _stem(part: str) -> str | None:
    """The folded stem of one lower-case word part, None for a stop word or a single letter (cached: the
    accents of every word of every query and passage were stripped again on each call)."""
    if len(part) < 2 or strip_accents(part) in STOPWORDS:
        return None
    return strip_accents(_stemmer().stemWord(part))


def tokens(text: str) -> list[str]:
    """'L'accès des demandeurs d'emploi aux crèches' -> ['acce', 'demandeur', 'emploi', 'crech']."""
    text = _ELISION.sub(" ", text.lower().replace("’", "'"))
    out = []
    for word in _WORD.findall(text):
        for part in word.split("-"):
            stem = _stem(part)
            if stem is not None:
                out.append(stem)
    return out

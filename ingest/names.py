"""The names the shape detectors need (``ingest/data/names.toml``): organisation acronyms, one-name compounds,
régions, capitalised words that are not places. Data, not code: the next plan names other things."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "names.toml"


def _load(path: Path = DATA_FILE) -> dict[str, tuple[str, ...]]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return {key: tuple(values) for key, values in raw.items()}


NAMES = _load()  # a small package file, read once at import (the detectors' constants)


def _words_pattern(words: tuple[str, ...]) -> str:
    return "|".join(r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in words)


_NEIGHBOURHOOD_WORDS = _words_pattern(NAMES.get("neighbourhood_words", ()))
# the words written right before a neighbourhood's name (« quartier X », « QPV X »; not « les quartiers
# prioritaires de X », where X is the commune)
NEIGHBOURHOOD_BEFORE = re.compile(rf"(?:^|(?<=[\s(«]))(?i:{_NEIGHBOURHOOD_WORDS})\s*$")
# a name that starts with them (« quartier Sainte-Croix »): a neighbourhood, no commune
NEIGHBOURHOOD_NAME = re.compile(rf"^(?i:{_NEIGHBOURHOOD_WORDS})\s+(?!(?i:d[eu]s?|de|d['’])\b)\S")

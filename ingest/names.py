"""The names the shape detectors need (``ingest/data/names.toml``): organisation acronyms, one-name compounds,
régions, capitalised words that are not places. Data, not code: the next plan names other things."""

from __future__ import annotations

import tomllib
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "names.toml"


def _load(path: Path = DATA_FILE) -> dict[str, tuple[str, ...]]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return {key: tuple(values) for key, values in raw.items()}


NAMES = _load()  # a small package file, read once at import (the detectors' constants)

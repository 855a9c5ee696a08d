"""The knowledge base derived from the store: graph, queries and RDF, built once and rebuilt after an ingest."""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import Graph

from graph.build import BuiltGraph, Enricher, GraphBuilder
from graph.queries import Queries
from graph.rdf import to_rdf
from graph.store import Store
from graph.territories import Referential

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    built: BuiltGraph
    referential: Referential
    built_at: float = field(default_factory=time.time)

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.built.graph

    @cached_property
    def queries(self) -> Queries:
        return Queries(self.graph, self.referential)

    @cached_property
    def rdf(self) -> Graph:
        started = time.perf_counter()
        rdf = to_rdf(self.graph)
        log.debug("RDF: %d triples in %.2f s", len(rdf), time.perf_counter() - started)
        return rdf


def settle_memory() -> None:
    """Move the long-lived objects just built out of the collector's reach: a full collection of the whole
    knowledge base otherwise pauses every request for about half a second under load (bench/load.py)."""
    gc.collect()
    gc.freeze()


class KnowledgeCache:
    """Builds the knowledge base on first use and again after the store changed (thread-safe)."""

    def __init__(self, store: Store, referential: Referential, enrichers: list[Enricher] | None = None):
        self.store = store
        self.referential = referential
        self.enrichers = enrichers or []
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._kb = None

    def get(self) -> KnowledgeBase:
        with self._lock:
            if self._kb is None:
                started = time.perf_counter()
                built = GraphBuilder(self.store, self.referential, enrichers=self.enrichers).build()
                self._kb = KnowledgeBase(built, self.referential)
                log.debug("knowledge graph built in %.2f s", time.perf_counter() - started)
                settle_memory()
            return self._kb

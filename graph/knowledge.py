"""The knowledge base derived from the store: graph, queries and RDF, built once and rebuilt after an
ingest."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import Graph

from graph.build import BuiltGraph, Enricher, GraphBuilder
from graph.queries import Queries
from graph.rdf import to_rdf
from graph.reference import ReferenceData
from graph.store import Store
from graph.territories import Referential

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    built: BuiltGraph
    reference: ReferenceData
    built_at: float = field(default_factory=time.time)

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.built.graph

    @property
    def referential(self) -> Referential:
        return self.reference.territories

    @cached_property
    def queries(self) -> Queries:
        return Queries(self.graph, self.reference)

    @cached_property
    def rdf(self) -> Graph:
        started = time.perf_counter()
        rdf = to_rdf(self.graph, self.reference.ontology)
        log.debug("RDF: %d triples in %.2f s", len(rdf), time.perf_counter() - started)
        return rdf


class KnowledgeCache:
    """Builds the knowledge base on first use and again after the store changed (thread-safe).

    ``on_built`` runs after each build, inside the lock: the serving edge uses it to move the new long-lived
    objects out of the garbage collector's reach."""

    def __init__(
        self,
        store: Store,
        reference: ReferenceData,
        enrichers: list[Enricher] | None = None,
        on_built: Callable[[], None] | None = None,
    ):
        self.store = store
        self.reference = reference
        self.enrichers = enrichers or []
        self.on_built = on_built
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._kb = None

    def get(self) -> KnowledgeBase:
        with self._lock:
            if self._kb is None:
                started = time.perf_counter()
                built = GraphBuilder(self.store, self.reference, enrichers=self.enrichers).build()
                self._kb = KnowledgeBase(built, self.reference)
                log.debug("knowledge graph built in %.2f s", time.perf_counter() - started)
                if self.on_built is not None:
                    self.on_built()
            return self._kb

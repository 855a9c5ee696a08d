"""Every export of the knowledge base (one table, :data:`EXPORTS`), the graph file formats and territory/theme
subgraphs.

:data:`EXPORTS` maps an export name (``qfq export FORMAT``, ``/export/{format}``, the web page through
``/exports``) to its media type, file suffix, description and a ``write(source, out)`` function writing
bytes to a binary stream; the :class:`ExportSource` gives a writer what it needs from the knowledge base —
the graph, its RDF, the export rows —, already restricted to a territory and/or a theme. Adding an export is
one entry here (and its writer). :func:`export_format` is the one place where a name is checked.

:data:`FORMATS` are the graph file formats (GEXF 1.3, GraphML, CSV for Gephi), each with a
``write(graph, out)`` on a networkx ``MultiDiGraph``: string node ids, node attributes ``type`` and
``label`` plus scalars or lists of strings, edges keyed by an edge id with a ``kind``, an optional ``weight``
and provenance (``doc``, ``line_start``, ``line_end``, ``quote``). Each is also an entry of :data:`EXPORTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import BinaryIO

import networkx as nx
from rdflib import Graph

from graph.actions_export import ActionRow
from graph.exports.csv import write_csv, write_csv_zip
from graph.exports.gexf import write_gexf
from graph.exports.graphml import write_graphml
from graph.rdf import Ontology, serialize, to_rdf
from ingest.errors import InputError

__all__ = [
    "EXPORTS",
    "FORMATS",
    "Export",
    "ExportFormat",
    "ExportSource",
    "export_format",
    "subgraph",
    "write_csv",
    "write_csv_zip",
    "write_gexf",
    "write_graphml",
]


@dataclass(frozen=True)
class ExportFormat:
    """A graph file format: ``write(graph, out)`` writes it to a binary stream."""

    name: str
    media_type: str
    suffix: str
    write: Callable[[nx.MultiDiGraph, BinaryIO], None]
    description: str


FORMATS: dict[str, ExportFormat] = {
    "gexf": ExportFormat("gexf", "application/gexf+xml", ".gexf", write_gexf, "GEXF 1.3 (Gephi)"),
    "graphml": ExportFormat("graphml", "application/graphml+xml", ".graphml", write_graphml, "GraphML"),
    "csv": ExportFormat(
        "csv",
        "application/zip",
        ".csv.zip",
        write_csv_zip,
        "nodes.csv + edges.csv (tableur de Gephi), en zip",
    ),
}


class ExportSource:
    """What the writers take from a knowledge base, restricted to some territories and/or themes.

    ``territories`` are territory node ids already expanded through containment, ``themes`` theme node ids
    (see :func:`subgraph`); with neither, the whole knowledge base is exported. ``rdf`` gives the RDF of the
    whole graph (built once by the knowledge base) and ``rows`` the export rows of every action."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        rdf: Callable[[], Graph],
        rows: Callable[[], Iterable[ActionRow]],
        ontology: Ontology,
        *,
        territories: set[str] | None = None,
        themes: set[str] | None = None,
    ):
        self._graph, self._rdf, self._rows, self._ontology = graph, rdf, rows, ontology
        self.territories, self.themes = territories, themes

    @property
    def filtered(self) -> bool:
        return self.territories is not None or self.themes is not None

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        if not self.filtered:
            return self._graph
        return subgraph(self._graph, territories=self.territories, themes=self.themes)

    @cached_property
    def rdf(self) -> Graph:
        return to_rdf(self.graph, self._ontology) if self.filtered else self._rdf()

    def rows(self) -> Iterable[ActionRow]:
        """The export rows of the actions kept (every action without a filter)."""
        if not self.filtered:
            return self._rows()
        kept = {n.removeprefix("action:") for n, t in self.graph.nodes(data="type") if t == "action"}
        return (row for row in self._rows() if row.id in kept)


Writer = Callable[[ExportSource, BinaryIO], None]


@dataclass(frozen=True)
class Export:
    """One export of the knowledge base: ``write(source, out)`` writes it to a binary stream."""

    name: str
    media_type: str
    suffix: str
    description: str
    write: Writer


def write_actions(source: ExportSource, out: BinaryIO) -> None:
    """JSON Lines: one export row per action (the stable shape of ``qfq export actions``)."""
    for row in source.rows():
        out.write((row.model_dump_json() + "\n").encode("utf-8"))


def _rdf_writer(fmt: str) -> Writer:
    def write(source: ExportSource, out: BinaryIO) -> None:
        out.write(serialize(source.rdf, fmt).encode("utf-8"))

    return write


def _graph_file(fmt: ExportFormat) -> Export:
    def write(source: ExportSource, out: BinaryIO) -> None:
        fmt.write(source.graph, out)

    return Export(fmt.name, fmt.media_type, fmt.suffix, fmt.description, write)


EXPORTS: dict[str, Export] = {
    e.name: e
    for e in (
        Export("actions", "application/x-ndjson", ".jsonl", "JSON Lines, un objet par action", write_actions),
        *(_graph_file(f) for f in FORMATS.values()),
        Export("ttl", "text/turtle", ".ttl", "Turtle (RDF)", _rdf_writer("ttl")),
        Export("jsonld", "application/ld+json", ".jsonld", "JSON-LD (RDF)", _rdf_writer("jsonld")),
    )
}


def export_format(name: str, where: str = "format") -> Export:
    """The export called ``name``; an unknown name is an :class:`InputError` listing the valid ones."""
    found = EXPORTS.get(name)
    if found is None:
        raise InputError(f"format d'export inconnu {name!r}", where=where, valid=", ".join(EXPORTS))
    return found


def subgraph(
    graph: nx.MultiDiGraph, *, territories: set[str] | None = None, themes: set[str] | None = None
) -> nx.MultiDiGraph:
    """The part of ``graph`` about some territories and/or themes.

    An action is kept when it has an ``in`` edge to one of ``territories`` (node ids; the caller passes the
    set already expanded through containment, e.g. an EPCI and its communes) and a ``theme`` edge to one of
    ``themes``; a filter left at ``None`` does not restrict, and with both ``None`` the whole graph is copied.
    The result holds the kept actions, their non-action neighbours (actors, dispositifs, territories,
    publics, themes, documents) and every edge between those nodes: the actions' edges (parallel ones
    included), ``part_of`` between kept territories, ``operated_by`` between a kept dispositif and actor….
    Actions left out are not brought back as neighbours (e.g. through ``successor_of``).
    """
    if territories is None and themes is None:
        return graph.copy()

    def linked(action: str, kind: str, targets: set[str]) -> bool:
        out_edges = graph.out_edges(action, data="kind")
        in_edges = ((v, u, k) for u, v, k in graph.in_edges(action, data="kind"))
        return any(k == kind and other in targets for _, other, k in (*out_edges, *in_edges))

    actions = [n for n, t in graph.nodes(data="type") if t == "action"]
    kept = {
        a
        for a in actions
        if (territories is None or linked(a, "in", territories))
        and (themes is None or linked(a, "theme", themes))
    }
    nodes = set(kept)
    for action in kept:
        for neighbour in (*graph.successors(action), *graph.predecessors(action)):
            if graph.nodes[neighbour].get("type") != "action":
                nodes.add(neighbour)
    return graph.subgraph(nodes).copy()

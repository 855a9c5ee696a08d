"""Graph file exports (GEXF 1.3, GraphML, CSV for Gephi) and territory/theme subgraphs.

The exporters work on the knowledge graph as a networkx ``MultiDiGraph``: string node ids, node attributes
``type`` and ``label`` plus scalars or lists of strings, edges keyed by an edge id with a ``kind``, an
optional ``weight`` and provenance (``doc``, ``line_start``, ``line_end``, ``quote``).

:data:`FORMATS` maps a format name (``qfq export FORMAT``, ``/export/{format}``) to its media type, file
suffix and a ``write(graph, out)`` function writing bytes to a binary stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import networkx as nx

from graph.exports.csv import write_csv, write_csv_zip
from graph.exports.gexf import write_gexf
from graph.exports.graphml import write_graphml

__all__ = ["FORMATS", "ExportFormat", "subgraph", "write_csv", "write_csv_zip", "write_gexf", "write_graphml"]


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
        "nodes.csv + edges.csv (Gephi spreadsheet), zipped",
    ),
}


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

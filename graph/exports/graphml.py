"""GraphML export (yEd, Cytoscape, Gephi, networkx), written with lxml.

One ``<key>`` per attribute name and domain: ``for="node"`` keys (``label``, ``type`` first, then the other
node attributes by name) before ``for="edge"`` keys (``kind``, ``weight``, ``doc``, ``line_start``,
``line_end``, ``quote``, then the others by name), ids ``d0, d1, …``. ``attr.type`` is inferred from every
value of the attribute: ``boolean``, ``int`` (fits in 32 bits), ``long``, ``double`` or ``string``; mixed
numbers widen to ``long``/``double``, anything else mixed falls back to ``string``.

List values (e.g. ``aliases``, ``regions``) have no GraphML type: they are written in ``string`` keys as a
JSON array (``["Pôle emploi", "FT"]``, UTF-8, not ASCII-escaped); decode them with ``json.loads``.

Nodes are sorted by id, edges by (source, target, key); the edge ``id`` is the MultiDiGraph key (made unique
graph-wide, see :func:`graph.exports.gexf.sorted_edges`). ``None`` values are skipped. networkx reads the
file back with ``read_graphml(path, edge_key_type=str)`` (a MultiDiGraph when there are parallel edges), but
drops empty-string values (an empty ``<data>`` element reads as no value).
"""

from __future__ import annotations

import json
import logging
from typing import Any, BinaryIO

import networkx as nx
from lxml import etree

from graph.exports.gexf import columns, format_value, sorted_edges, sorted_nodes, xml_safe

log = logging.getLogger(__name__)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

NODE_FIRST = ("label", "type")
EDGE_FIRST = ("kind", "weight", "doc", "line_start", "line_end", "quote")
GRAPHML_TYPES = {
    "boolean": "boolean",
    "integer": "int",
    "long": "long",
    "double": "double",
    "string": "string",
    "liststring": "string",
}


def json_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False)


def _g(tag: str) -> str:
    return f"{{{GRAPHML_NS}}}{tag}"


def _data(
    parent: etree._Element, data: dict[str, Any], cols: list[tuple[str, str]], ids: dict[str, str]
) -> None:
    for name, kind in cols:
        value = data.get(name)
        if value is not None:
            etree.SubElement(parent, _g("data"), key=ids[name]).text = xml_safe(
                format_value(value, kind, json_list)
            )


def write_graphml(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """Write ``graph`` to ``out`` as GraphML (UTF-8, directed, parallel edges kept)."""
    nodes = sorted_nodes(graph)
    edges = sorted_edges(graph)
    node_cols = columns((d for _, d in nodes), NODE_FIRST, ())
    edge_cols = columns((d for *_, d in edges), EDGE_FIRST, ())

    root = etree.Element(_g("graphml"), nsmap={None: GRAPHML_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    ids: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for domain, cols in (("node", node_cols), ("edge", edge_cols)):
        for name, kind in cols:
            key_id = f"d{len(ids['node']) + len(ids['edge'])}"
            ids[domain][name] = key_id
            etree.SubElement(
                root,
                _g("key"),
                {"id": key_id, "for": domain, "attr.name": xml_safe(name), "attr.type": GRAPHML_TYPES[kind]},
            )

    graph_el = etree.SubElement(root, _g("graph"), id="G", edgedefault="directed")
    for node, data in nodes:
        node_el = etree.SubElement(graph_el, _g("node"), id=xml_safe(node))
        _data(node_el, data, node_cols, ids["node"])
    for edge_id, source, target, data in edges:
        edge_el = etree.SubElement(
            graph_el, _g("edge"), id=xml_safe(edge_id), source=xml_safe(source), target=xml_safe(target)
        )
        _data(edge_el, data, edge_cols, ids["edge"])

    log.debug("graphml: %d nodes, %d edges, %d keys", len(nodes), len(edges), len(node_cols) + len(edge_cols))
    out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

"""GEXF 1.3 export (Gephi's native format), written with lxml.

networkx's own writer stops at GEXF 1.2draft and cannot write list attributes, so the document is built
here and validated by the tests against the official RELAX NG schema (``tests/data/gexf-1.3/gexf.rng``).

Layout of the file:

- ``<meta lastmodifieddate>`` with ``creator`` = qfq and a one-line ``description``;
- ``<graph defaultedgetype="directed" mode="static">``;
- ``<attributes class="node">`` / ``<attributes class="edge">``: one column per attribute name with a type
  inferred from all its values (``boolean``, ``integer``, ``long``, ``double``, ``string``, ``liststring``);
  column ids are ``n0, n1, …`` / ``e0, e1, …``, titles are the attribute names;
- nodes sorted by id; ``label`` is the node label, ``type`` comes first among the attributes, then the
  others by name; ``viz:color`` is one colour per node type (:data:`PALETTE`), ``viz:size`` is
  ``5 + 3 * sqrt(degree)``;
- edges sorted by (source, target, key); ``id`` is the MultiDiGraph key, ``label`` and ``kind`` are the edge
  kind (Gephi keeps parallel edges apart by ``kind``), ``weight`` when present, and the provenance
  (``doc``, ``line_start``, ``line_end``, ``quote``) as attribute values.

List values (``liststring``) use Gephi's array syntax, ``["a", "b"]``, each item double-quoted with ``"``
and ``\\`` backslash-escaped; that is also a JSON array as long as the items hold no control characters.

Attributes named ``id`` or ``label`` are reserved (the label is written natively, an ``id`` attribute is
dropped); edge ``weight`` is the native XML attribute, not an attribute column. ``None`` values are skipped.
Characters XML 1.0 cannot carry (C0 controls other than tab/newline/CR, lone surrogates) are removed.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, BinaryIO, Literal

import networkx as nx
from lxml import etree

log = logging.getLogger(__name__)

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"

#: One colour per node type (Okabe-Ito, readable by colour-blind readers).
PALETTE: dict[str, str] = {
    "action": "#e69f00",
    "actor": "#0072b2",
    "dispositif": "#009e73",
    "document": "#999999",
    "public": "#cc79a7",
    "territory": "#56b4e9",
    "theme": "#d55e00",
}
OTHER_COLOR = "#333333"

NODE_FIRST = ("type",)
EDGE_FIRST = ("kind", "doc", "line_start", "line_end", "quote")
RESERVED = frozenset({"id", "label"})

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INT32 = range(-(2**31), 2**31)


# --- helpers shared by the GEXF, GraphML and CSV writers -------------------------------------------------


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (they make lxml raise)."""
    return _INVALID_XML.sub("", text)


def is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def list_items(value: Any) -> list[str]:
    """The items of a list value as strings (sets sorted, ``None`` items dropped)."""
    items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return [str(item) for item in items if item is not None]


def value_kind(value: Any) -> str | None:
    """The column kind of one value, ``None`` for ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if value in _INT32 else "long"
    if isinstance(value, float):
        return "double"
    if is_list(value):
        return "liststring"
    return "string"


def column_kind(values: Iterable[Any]) -> str | None:
    """The most specific kind holding every value: boolean, integer, long, double, liststring or string."""
    kinds = {kind for kind in map(value_kind, values) if kind is not None}
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds.pop()
    if "liststring" in kinds:
        return "liststring"
    if kinds <= {"integer", "long"}:
        return "long"
    if kinds <= {"integer", "long", "double"}:
        return "double"
    return "string"


def format_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def format_value(value: Any, kind: str, list_format: Callable[[list[str]], str]) -> str:
    """``value`` as text for a column of ``kind``; lists go through ``list_format``."""
    if is_list(value):
        return list_format(list_items(value))
    if kind == "liststring":
        return list_format([str(value)])
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("integer", "long"):
        return str(int(value))
    if kind == "double" or isinstance(value, float):
        return format_float(float(value))
    return str(value)


def columns(
    records: Iterable[dict[str, Any]], first: Iterable[str], exclude: Iterable[str]
) -> list[tuple[str, str]]:
    """``[(name, kind)]`` for the attributes of ``records``: ``first`` (when present) then the rest sorted."""
    values: dict[str, list[Any]] = {}
    for record in records:
        for name, value in record.items():
            values.setdefault(str(name), []).append(value)
    skip = set(exclude)
    head = [name for name in first if name in values and name not in skip]
    rest = sorted(name for name in values if name not in skip and name not in head)
    out = []
    for name in head + rest:
        kind = column_kind(values[name])
        if kind is not None:
            out.append((name, kind))
    return out


def sorted_nodes(graph: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    return sorted(((str(node), data) for node, data in graph.nodes(data=True)), key=lambda item: item[0])


def sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``[(edge_id, source, target, data)]`` sorted by (source, target, key), with graph-wide unique ids.

    The id is the MultiDiGraph key; a key repeated on another node pair gets a ``#2``, ``#3``… suffix.
    """
    edges = sorted(
        ((str(u), str(v), str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)),
        key=lambda e: e[:3],
    )
    originals = {key for _, _, key, _ in edges}
    seen: set[str] = set()
    out = []
    for u, v, key, data in edges:
        edge_id, n = key, 2
        while edge_id in seen or (edge_id != key and edge_id in originals):
            edge_id, n = f"{key}#{n}", n + 1
        if edge_id != key:
            log.warning(
                "edge key %r is used by several node pairs; %s -> %s exported as %r", key, u, v, edge_id
            )
        seen.add(edge_id)
        out.append((edge_id, u, v, data))
    return out


# --- GEXF ------------------------------------------------------------------------------------------------


def gephi_list(items: list[str]) -> str:
    """Gephi's array syntax: ``["a", "b \\"c\\""]``."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "[" + ", ".join(quoted) + "]"


def node_color(node_type: Any) -> str:
    return PALETTE.get(str(node_type), OTHER_COLOR)


def node_size(degree: int) -> float:
    return 5.0 + 3.0 * math.sqrt(degree)


def _g(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _declare(graph_el: etree._Element, cls: str, cols: list[tuple[str, str]], prefix: str) -> dict[str, str]:
    """Write ``<attributes class=cls>``; returns attribute name -> column id."""
    ids = {name: f"{prefix}{i}" for i, (name, _) in enumerate(cols)}
    if cols:
        attributes = etree.SubElement(graph_el, _g("attributes"), {"class": cls})
        for name, kind in cols:
            etree.SubElement(attributes, _g("attribute"), id=ids[name], title=xml_safe(name), type=kind)
    return ids


def _attvalues(
    parent: etree._Element, data: dict[str, Any], cols: list[tuple[str, str]], ids: dict[str, str]
) -> None:
    present = [(name, kind) for name, kind in cols if data.get(name) is not None]
    if not present:
        return
    attvalues = etree.SubElement(parent, _g("attvalues"))
    for name, kind in present:
        value = xml_safe(format_value(data[name], kind, gephi_list))
        etree.SubElement(attvalues, _g("attvalue"), {"for": ids[name], "value": value})


def _color_attrs(hex_color: str, color_format: str) -> dict[str, str]:
    if color_format == "hex":
        return {"hex": hex_color}
    rgb = hex_color.lstrip("#")
    return {"r": str(int(rgb[0:2], 16)), "g": str(int(rgb[2:4], 16)), "b": str(int(rgb[4:6], 16))}


def _date(created: str | None) -> str:
    return date.fromisoformat(created[:10]).isoformat() if created else date.today().isoformat()


def write_gexf(
    graph: nx.MultiDiGraph,
    out: BinaryIO,
    *,
    title: str = "qfq",
    created: str | None = None,
    color_format: Literal["rgb", "hex"] = "rgb",
) -> None:
    """Write ``graph`` to ``out`` as GEXF 1.3 (UTF-8).

    ``created`` is the ``lastmodifieddate`` (an ISO date; a datetime is cut to its date; default today).
    ``color_format`` picks how ``viz:color`` is written: ``"rgb"`` (``r``/``g``/``b``, the default, which
    Gephi and networkx's ``read_gexf`` both read) or ``"hex"`` (``hex="#rrggbb"``, valid GEXF 1.3 that
    Gephi reads but networkx 3.6's ``read_gexf`` cannot: it raises ``TypeError`` on a colour without
    ``r``/``g``/``b``). The schema forbids writing both at once.
    """
    nodes = sorted_nodes(graph)
    edges = sorted_edges(graph)
    degrees = {str(node): degree for node, degree in graph.degree()}
    root = etree.Element(_g("gexf"), nsmap={None: GEXF_NS, "viz": VIZ_NS}, version="1.3")
    meta = etree.SubElement(root, _g("meta"), lastmodifieddate=_date(created))
    etree.SubElement(meta, _g("creator")).text = "qfq"
    description = f"{title}: {len(nodes)} nodes, {len(edges)} edges"
    etree.SubElement(meta, _g("description")).text = xml_safe(description)

    graph_el = etree.SubElement(root, _g("graph"), defaultedgetype="directed", mode="static")
    node_cols = columns((d for _, d in nodes), NODE_FIRST, RESERVED)
    edge_cols = columns((d for *_, d in edges), EDGE_FIRST, RESERVED | {"weight"})
    node_ids = _declare(graph_el, "node", node_cols, "n")
    edge_ids = _declare(graph_el, "edge", edge_cols, "e")

    nodes_el = etree.SubElement(graph_el, _g("nodes"), count=str(len(nodes)))
    for node, data in nodes:
        label = data.get("label")
        node_el = etree.SubElement(
            nodes_el, _g("node"), id=xml_safe(node), label=xml_safe(str(label if label is not None else node))
        )
        _attvalues(node_el, data, node_cols, node_ids)
        color = _color_attrs(node_color(data.get("type")), color_format)
        etree.SubElement(node_el, f"{{{VIZ_NS}}}color", color)
        size = node_size(degrees[node])
        etree.SubElement(node_el, f"{{{VIZ_NS}}}size", value=f"{size:.3f}")

    edges_el = etree.SubElement(graph_el, _g("edges"), count=str(len(edges)))
    for edge_id, source, target, data in edges:
        attrs = {"id": xml_safe(edge_id), "source": xml_safe(source), "target": xml_safe(target)}
        kind = data.get("kind")
        label = data.get("label", kind)
        if label is not None:
            attrs["label"] = xml_safe(str(label))
        if kind is not None:
            attrs["kind"] = xml_safe(str(kind))
        weight = data.get("weight")
        if weight is not None:
            if isinstance(weight, int | float) and math.isfinite(weight):
                attrs["weight"] = repr(float(weight))
            else:
                log.warning("edge %s: weight %r is not a finite number, left out", edge_id, weight)
        edge_el = etree.SubElement(edges_el, _g("edge"), attrs)
        _attvalues(edge_el, data, edge_cols, edge_ids)

    out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

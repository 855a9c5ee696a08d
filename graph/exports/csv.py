"""CSV export in Gephi's spreadsheet import layout (Data Laboratory > Import Spreadsheet), also fine for
spreadsheets and pandas.

- ``nodes.csv``: ``Id,Label,type`` then every other node attribute, sorted by name;
- ``edges.csv``: ``Source,Target,Type,Id,Label,Weight,kind,doc,line_start,line_end,quote`` then every other
  edge attribute, sorted by name; ``Type`` is always ``Directed``, ``Id`` the MultiDiGraph key (unique
  graph-wide, see :func:`graph.exports.gexf.sorted_edges`), ``Label`` the edge kind, ``Weight`` empty when
  the edge has none.

Values: booleans ``true``/``false``, floats in Python ``repr``, ``None`` as an empty cell, and list values
joined with ``|`` (``Pôle emploi|FT``; an item holding ``|`` itself is not escaped). Attributes named ``id``
or ``label`` map onto ``Id``/``Label``; edge ``weight`` onto ``Weight``. Rows are sorted (nodes by id, edges
by source, target, key). Text is UTF-8 without BOM (Gephi would read a BOM into the first header), quoted by
the csv module where needed, rows ending with ``\\r\\n``: open the files with ``newline=""``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any, BinaryIO, TextIO

import networkx as nx

from graph.exports.gexf import format_float, is_list, list_items, sorted_edges, sorted_nodes

NODE_FIXED = ("Id", "Label", "type")
EDGE_FIXED = (
    "Source",
    "Target",
    "Type",
    "Id",
    "Label",
    "Weight",
    "kind",
    "doc",
    "line_start",
    "line_end",
    "quote",
)
NODE_TAKEN = frozenset({"id", "label", "type"})
EDGE_TAKEN = frozenset({"id", "label", "weight", "kind", "doc", "line_start", "line_end", "quote"})
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def cell(value: Any) -> str:
    """One CSV cell: lists joined with ``|``, booleans lower-case, ``None`` empty."""
    if value is None:
        return ""
    if is_list(value):
        return "|".join(list_items(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    return str(value)


def _extras(records: list[dict[str, Any]], taken: frozenset[str]) -> list[str]:
    names = {str(name) for record in records for name, value in record.items() if value is not None}
    return sorted(names - taken)


def write_csv(graph: nx.MultiDiGraph, nodes: TextIO, edges: TextIO) -> None:
    """Write the node table to ``nodes`` and the edge table to ``edges`` (text streams opened with
    ``newline=""``)."""
    node_rows = sorted_nodes(graph)
    extras = _extras([data for _, data in node_rows], NODE_TAKEN)
    writer = csv.writer(nodes)
    writer.writerow([*NODE_FIXED, *extras])
    for node, data in node_rows:
        label = data.get("label")
        row = [node, cell(label if label is not None else node), cell(data.get("type"))]
        writer.writerow(row + [cell(data.get(name)) for name in extras])

    edge_rows = sorted_edges(graph)
    extras = _extras([data for *_, data in edge_rows], EDGE_TAKEN)
    writer = csv.writer(edges)
    writer.writerow([*EDGE_FIXED, *extras])
    for edge_id, source, target, data in edge_rows:
        kind = data.get("kind")
        label = data.get("label", kind)
        row = [source, target, "Directed", edge_id, cell(label), cell(data.get("weight")), cell(kind)]
        row += [cell(data.get(name)) for name in ("doc", "line_start", "line_end", "quote")]
        writer.writerow(row + [cell(data.get(name)) for name in extras])


def write_csv_zip(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """Write a zip holding ``nodes.csv`` and ``edges.csv`` (for a single download).

    Entries carry a fixed date (1980-01-01) so the same graph gives the same archive content.
    """
    nodes, edges = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv(graph, nodes, edges)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, buffer in (("nodes.csv", nodes), ("edges.csv", edges)):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue().encode("utf-8"))

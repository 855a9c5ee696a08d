"""Graph exports: GEXF 1.3 (checked against the official RELAX NG schema), GraphML, CSV, FORMATS, subgraph.

Golden files: tests/data/golden, rewritten by ``UPDATE_GOLDEN=1 pytest tests/test_graph_exports.py``."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from graph.exports import FORMATS, subgraph
from graph.exports.csv import EDGE_FIXED, write_csv, write_csv_zip
from graph.exports.gexf import GEXF_NS, PALETTE, VIZ_NS, column_kind, sorted_edges, write_gexf
from graph.exports.graphml import GRAPHML_NS, write_graphml

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
SCHEMA = DATA / "gexf-1.3" / "gexf.rng"
CREATED = "2024-05-02"
G = f"{{{GEXF_NS}}}"
V = f"{{{VIZ_NS}}}"

D0, D1 = "document:000_calvados", "document:001_vire"
A1, A2 = "action:000_calvados/proposition-1-1", "action:000_calvados/proposition-1-2"
A3, A4 = "action:001_vire/fiche-a", "action:001_vire/fiche-b"
COMMUNE, EPCI = "territory:commune:14762", "territory:epci:200068799"
DEPT, REGION = "territory:departement:14", "territory:region:28"
FT, ML, CD, CCI = "actor:pole-emploi", "actor:mission-locale", "actor:cd14", "actor:cci"
POEI, CEJ = "dispositif:poei", "dispositif:cej"
SENIOR, JEUNE = "public:senior", "public:jeune"
MOBILITE, FORMATION = "theme:mobilite", "theme:formation"


NODES: list[tuple[str, str, str, dict]] = [  # id, type, label, other attributes
    (D0, "document", "Plan d’action « Calvados » 2024", {"region": "Normandie", "pages": 42}),
    (D1, "document", "Vire & Bocage <brouillon>", {"region": "Normandie", "pages": None}),
    (
        A1,
        "action",
        "Lever les freins à la mobilité",
        {"ref": "1.1", "score": 0.75, "validated": True, "regions": ["Normandie"], "note": None},
    ),
    (
        A2,
        "action",
        'Former "hors les murs" & <en entreprise>',
        {"ref": "1.2", "score": 0.5, "validated": True, "regions": ["Normandie"]},
    ),
    (
        A3,
        "action",
        "Accompagner les jeunes vers l'emploi",
        {"ref": "A", "score": 1.0, "validated": False, "regions": ["Normandie", "Île-de-France"]},
    ),
    (A4, "action", "Créer un réseau d'employeurs « inclusifs »", {"ref": "B", "regions": []}),
    (COMMUNE, "territory", "Vire Normandie", {"level": "commune", "code": "14762", "population": 17480}),
    (EPCI, "territory", "Intercom de la Vire au Noireau", {"level": "epci", "code": "200068799"}),
    (DEPT, "territory", "Calvados", {"level": "departement", "code": "14"}),
    (REGION, "territory", "Normandie", {"level": "region", "code": "28"}),
    (FT, "actor", "France Travail", {"aliases": ["Pôle emploi", "FT", 'l\'"ex-ANPE"']}),
    (ML, "actor", 'Mission locale "Bocage"', {"aliases": []}),
    (CD, "actor", "Conseil départemental du Calvados", {"aliases": ["CD14"]}),
    (CCI, "actor", "CCI Caen & Normandie", {}),
    (
        POEI,
        "dispositif",
        "POEI",
        {"national": True, "aliases": ["Préparation opérationnelle à l'emploi individuelle"]},
    ),
    (CEJ, "dispositif", "Contrat d'engagement jeune (CEJ)", {"national": True, "age_max": 25}),
    (SENIOR, "public", "Séniors (50 ans et +)", {}),
    (JEUNE, "public", "Jeunes < 26 ans", {}),
    (MOBILITE, "theme", "Mobilité", {}),
    (FORMATION, "theme", "Formation & compétences", {}),
]


def prov(doc: str, start: int, end: int, quote: str) -> dict:
    return {"doc": doc, "line_start": start, "line_end": end, "quote": quote}


CALVADOS, VIRE = "000_calvados", "001_vire"
EDGES: list[tuple[str, str, str, dict]] = [  # keyed e01, e02, … in this order
    (A1, D0, "from", prov(CALVADOS, 10, 18, "Action 1.1 – « Lever les freins »")),
    (A1, COMMUNE, "in", prov(CALVADOS, 12, 12, "Territoire : Vire <Normandie>")),
    (A1, COMMUNE, "in", prov(CALVADOS, 40, 41, "… et à Vire (bis)")),
    (A1, FT, "piloted_by", prov(CALVADOS, 14, 14, 'Pilote : Pôle emploi & "partenaires"')),
    (A1, FT, "partner", prov(CALVADOS, 15, 16, "Partenaires :\nPôle emploi, CCI")),
    (A1, POEI, "mobilises", {"weight": 0.8}),
    (A1, MOBILITE, "theme", {"weight": 1.0, "doc": CALVADOS}),
    (A2, D0, "from", prov(CALVADOS, 20, 30, "Action 1.2")),
    (A2, CD, "piloted_by", prov(CALVADOS, 22, 22, "Pilote : CD14")),
    (A2, POEI, "mobilises", {"weight": 0.5}),
    (A3, D1, "from", prov(VIRE, 3, 9, "Fiche A")),
    (A3, ML, "piloted_by", prov(VIRE, 4, 4, "Pilote : ML « Bocage »")),
    (A4, D1, "from", prov(VIRE, 10, 15, "Fiche B")),
] + [
    (u, v, kind, {})
    for u, v, kind in (  # no weight, no provenance
        (A1, SENIOR, "targets"),
        (A2, DEPT, "in"),
        (A2, CCI, "partner"),
        (A2, FORMATION, "theme"),
        (A2, SENIOR, "targets"),
        (A3, EPCI, "in"),
        (A3, CEJ, "mobilises"),
        (A3, JEUNE, "targets"),
        (A3, MOBILITE, "theme"),
        (A4, REGION, "in"),
        (A4, CCI, "piloted_by"),
        (A4, FORMATION, "theme"),
        (A4, A3, "successor_of"),
        (POEI, FT, "operated_by"),
        (COMMUNE, EPCI, "part_of"),
        (EPCI, DEPT, "part_of"),
        (DEPT, REGION, "part_of"),
    )
]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for node, node_type, label, attrs in NODES:
        g.add_node(node, type=node_type, label=label, **attrs)
    for i, (u, v, kind, attrs) in enumerate(EDGES, 1):
        g.add_edge(u, v, key=f"e{i:02d}", kind=kind, **attrs)
    return g


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(file=str(SCHEMA))  # the includes (viz.rng, dynamics.rng) resolve beside it


def gexf(graph: nx.MultiDiGraph, **kwargs) -> bytes:
    out = io.BytesIO()
    write_gexf(graph, out, created=CREATED, **kwargs)
    return out.getvalue()


def graphml(graph: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    write_graphml(graph, out)
    return out.getvalue()


def csv_tables(graph: nx.MultiDiGraph) -> tuple[str, str]:
    nodes, edges = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv(graph, nodes, edges)
    return nodes.getvalue(), edges.getvalue()


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing: run the tests once with UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name} differs from {path} (UPDATE_GOLDEN=1 rewrites it)"


def assert_same_attrs(original: dict, read: dict, lists: str) -> None:
    """Scalars come back equal and of the same type; lists come back as a JSON/Gephi array string."""
    for name, value in original.items():
        if value is None:
            assert name not in read
        elif isinstance(value, list):
            assert isinstance(read[name], str) and json.loads(read[name]) == value, (name, lists)
        else:
            assert read[name] == value and type(read[name]) is type(value), (name, read.get(name), value)


def test_gexf_header_and_declared_types(graph):
    root = etree.fromstring(gexf(graph, title="Normandie"))
    assert root.tag == f"{G}gexf" and root.get("version") == "1.3" and root.nsmap["viz"] == VIZ_NS
    assert root.find(f"{G}meta").get("lastmodifieddate") == CREATED
    assert root.findtext(f"{G}meta/{G}creator") == "qfq"
    assert root.findtext(f"{G}meta/{G}description").startswith("Normandie: 20 nodes, 30 edges")
    graph_el = root.find(f"{G}graph")
    assert (graph_el.get("defaultedgetype"), graph_el.get("mode")) == ("directed", "static")
    types = {
        (a.getparent().get("class"), a.get("title")): a.get("type") for a in graph_el.iter(f"{G}attribute")
    }
    assert types[("node", "type")] == "string" and types[("node", "aliases")] == "liststring"
    assert types[("node", "pages")] == "integer" and types[("node", "score")] == "double"
    assert types[("node", "validated")] == "boolean" and types[("node", "regions")] == "liststring"
    assert ("node", "note") not in types  # only None values
    assert [t for (cls, t) in types if cls == "edge"] == ["kind", "doc", "line_start", "line_end", "quote"]
    edge = graph_el.find(f"{G}edges/{G}edge[@id='e06']")
    assert (edge.get("label"), edge.get("kind"), edge.get("weight")) == ("mobilises", "mobilises", "0.8")


def test_gexf_round_trip_with_networkx(graph):
    read = nx.read_gexf(io.BytesIO(gexf(graph)))  # networkx finds the 1.3 namespace on its own
    assert isinstance(read, nx.MultiDiGraph)
    assert set(read) == set(graph)
    assert read.number_of_edges() == graph.number_of_edges() == 30
    assert read.number_of_edges(A1, FT) == 2 and read.number_of_edges(A1, COMMUNE) == 2
    for node, data in graph.nodes(data=True):
        assert_same_attrs(data, read.nodes[node], "gexf")
        assert set(read.nodes[node]["viz"]) == {"color", "size"}
    # liststring values come back as the raw Gephi array string
    assert read.nodes[FT]["aliases"] == '["Pôle emploi", "FT", "l\'\\"ex-ANPE\\""]'
    assert read.nodes[ML]["aliases"] == "[]"
    for u, v, key, data in graph.edges(keys=True, data=True):
        got = read.edges[u, v, key]
        assert got["id"] == key and got["label"] == data["kind"]
        assert_same_attrs(data, got, "gexf")
    assert "weight" not in read.edges[A1, SENIOR, "e14"]


@pytest.mark.parametrize("color_format", ["rgb", "hex"])
def test_gexf_validates_and_has_one_hex_colour_per_type(graph, schema, color_format):
    root = etree.fromstring(gexf(graph, color_format=color_format))
    assert schema.validate(root), schema.error_log
    colours: dict[str, set[str]] = {}
    for node in root.iter(f"{G}node"):
        color = node.find(f"{V}color")
        if color_format == "hex":
            assert set(color.keys()) == {"hex"}
            value = color.get("hex")
        else:
            assert set(color.keys()) == {"r", "g", "b"}
            value = "#" + "".join(f"{int(color.get(c)):02x}" for c in "rgb")
        colours.setdefault(graph.nodes[node.get("id")]["type"], set()).add(value)
    assert all(len(values) == 1 for values in colours.values())
    assert {t: values.pop() for t, values in colours.items()} == PALETTE
    assert len(set(PALETTE.values())) == len(PALETTE) and all(len(v) == 7 for v in PALETTE.values())


def test_gexf_sizes_grow_with_degree(graph):
    root = etree.fromstring(gexf(graph))
    sizes = {n.get("id"): float(n.find(f"{V}size").get("value")) for n in root.iter(f"{G}node")}
    by_degree = sorted((graph.degree(n), sizes[n]) for n in graph)
    for (d1, s1), (d2, s2) in zip(by_degree, by_degree[1:], strict=False):
        assert s1 < s2 if d1 < d2 else s1 == s2
    assert sizes[A1] == pytest.approx(5 + 3 * 8**0.5, abs=1e-3)


def test_xml_forbidden_characters_are_dropped(schema):
    g = nx.MultiDiGraph()
    g.add_node("a\x01", type="action", label="saut\x0cde page", quote="x\x00y")
    g.add_edge("a\x01", "a\x01", key="k", kind="in", quote="tab\tand\x0bvt")
    document = etree.fromstring(gexf(g))
    assert schema.validate(document), schema.error_log
    assert document.find(f".//{G}node").get("label") == "sautde page"
    read = nx.read_graphml(io.BytesIO(graphml(g)), edge_key_type=str, force_multigraph=True)
    assert read.nodes["a"]["quote"] == "xy" and read.edges["a", "a", "k"]["quote"] == "tab\tandvt"


def test_edge_keys_repeated_across_pairs_get_unique_ids():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="in")
    g.add_edge("b", "c", key="k", kind="in")
    g.add_edge("c", "d", key="k#2", kind="in")
    assert [e[0] for e in sorted_edges(g)] == ["k", "k#3", "k#2"]


def test_column_kinds_widen():
    assert column_kind([1, None, 2**40]) == "long"
    assert column_kind([1, 0.5]) == "double"
    assert column_kind([True, 1]) == "string"
    assert column_kind(["a", ["b"]]) == "liststring"
    assert column_kind([None]) is None


def test_graphml_keys_are_declared_per_domain(graph):
    root = etree.fromstring(graphml(graph))
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{{{GRAPHML_NS}}}key")}
    node_attrs = {name for _, data in graph.nodes(data=True) for name, v in data.items() if v is not None}
    edge_attrs = {name for *_, data in graph.edges(keys=True, data=True) for name in data}
    assert {name for domain, name in keys if domain == "node"} == node_attrs
    assert {name for domain, name in keys if domain == "edge"} == edge_attrs
    assert keys[("node", "label")] == keys[("node", "aliases")] == "string"
    assert keys[("node", "pages")] == "int" and keys[("node", "score")] == "double"
    assert keys[("node", "validated")] == "boolean"
    assert keys[("edge", "weight")] == "double" and keys[("edge", "line_start")] == "int"
    key_ids = [k.get("id") for k in root.iter(f"{{{GRAPHML_NS}}}key")]
    assert key_ids == [f"d{i}" for i in range(len(key_ids))]
    assert root.find(f"{{{GRAPHML_NS}}}graph").get("edgedefault") == "directed"


def test_graphml_round_trip_with_networkx(graph):
    read = nx.read_graphml(io.BytesIO(graphml(graph)), edge_key_type=str)
    assert isinstance(read, nx.MultiDiGraph)
    assert set(read) == set(graph) and read.number_of_edges() == graph.number_of_edges()
    for node, data in graph.nodes(data=True):
        assert_same_attrs(data, read.nodes[node], "graphml")
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert_same_attrs(data, read.edges[u, v, key], "graphml")


def test_csv_reads_back(graph):
    nodes_text, edges_text = csv_tables(graph)
    nodes = list(csv.DictReader(io.StringIO(nodes_text, newline="")))
    assert list(nodes[0])[:3] == ["Id", "Label", "type"]
    assert list(nodes[0])[3:] == sorted(list(nodes[0])[3:])
    assert [row["Id"] for row in nodes] == sorted(graph)
    by_id = {row["Id"]: row for row in nodes}
    for node, data in graph.nodes(data=True):
        assert by_id[node]["Label"] == data["label"] and by_id[node]["type"] == data["type"]
    assert by_id[FT]["aliases"] == 'Pôle emploi|FT|l\'"ex-ANPE"'
    assert by_id[A1]["validated"] == "true" and by_id[COMMUNE]["population"] == "17480"
    assert by_id[CCI]["aliases"] == "" and by_id[ML]["aliases"] == ""  # no attribute / empty list
    assert "note" not in nodes[0]  # an attribute that is always None gets no column

    edges = list(csv.DictReader(io.StringIO(edges_text, newline="")))
    assert tuple(edges[0]) == EDGE_FIXED
    assert {(r["Source"], r["Target"], r["Id"]) for r in edges} == set(graph.edges(keys=True))
    for row in edges:
        data = graph.edges[row["Source"], row["Target"], row["Id"]]
        assert row["Type"] == "Directed" and row["Label"] == row["kind"] == data["kind"]
        assert row["Weight"] == (repr(data["weight"]) if "weight" in data else "")
        assert row["quote"] == data.get("quote", "") and row["line_start"] == str(data.get("line_start", ""))


def test_csv_zip_holds_both_tables(graph):
    out = io.BytesIO()
    write_csv_zip(graph, out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == ["nodes.csv", "edges.csv"]
        nodes_text, edges_text = csv_tables(graph)
        assert archive.read("nodes.csv").decode("utf-8") == nodes_text
        assert archive.read("edges.csv").decode("utf-8") == edges_text


def test_golden_files(graph):
    nodes_text, edges_text = csv_tables(graph)
    check_golden("graph.gexf", gexf(graph))  # written with created=CREATED so the date is stable
    check_golden("graph.graphml", graphml(graph))
    check_golden("nodes.csv", nodes_text.encode("utf-8"))
    check_golden("edges.csv", edges_text.encode("utf-8"))


def test_formats_registry(graph):
    assert set(FORMATS) == {"gexf", "graphml", "csv"}
    assert FORMATS["csv"].media_type == "application/zip"
    assert FORMATS["graphml"].media_type == "application/graphml+xml"
    assert FORMATS["gexf"].media_type in {"application/gexf+xml", "application/xml"}
    for name, fmt in FORMATS.items():
        assert fmt.name == name and fmt.suffix.startswith(".")
        out = io.BytesIO()
        fmt.write(graph, out)
        assert out.getvalue().startswith((b"<?xml", b"PK\x03\x04"))


def actions(g: nx.MultiDiGraph) -> set[str]:
    return {n for n, t in g.nodes(data="type") if t == "action"}


def test_subgraph_by_territory(graph):
    sub = subgraph(graph, territories={COMMUNE})
    assert actions(sub) == {A1}
    assert set(sub) == {A1, D0, COMMUNE, FT, POEI, SENIOR, MOBILITE}
    assert sub.number_of_edges(A1, FT) == 2 and sub.number_of_edges(A1, COMMUNE) == 2
    assert sub.has_edge(POEI, FT, "e27")  # operated_by between kept neighbours
    sub = subgraph(graph, territories={COMMUNE, EPCI})
    assert actions(sub) == {A1, A3}
    assert sub.has_edge(COMMUNE, EPCI) and not sub.has_node(DEPT)
    assert sub.nodes[A1] == graph.nodes[A1]


def test_subgraph_by_theme_and_both(graph):
    sub = subgraph(graph, themes={FORMATION})
    assert actions(sub) == {A2, A4}  # A3 is A4's successor_of neighbour but not about formation
    assert {DEPT, REGION, CD, CCI, POEI, D0, D1} <= set(sub)
    assert sub.has_edge(DEPT, REGION)  # part_of between two kept territories
    assert actions(subgraph(graph, territories={DEPT}, themes={FORMATION})) == {A2}
    assert actions(subgraph(graph, territories={DEPT}, themes={MOBILITE})) == set()
    whole = subgraph(graph)
    assert set(whole) == set(graph) and whole.number_of_edges() == graph.number_of_edges()
    assert whole is not graph

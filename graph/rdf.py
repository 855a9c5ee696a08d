"""RDF view of the knowledge graph (rdflib), a closed ontology check, and read-only SPARQL with a time limit.

URIs: https://qfq.example.org/id/<type>/<id> for documents, actions, actors and territories; dispositifs,
publics and themes keep the URIs of their SKOS thesauri. Every statement drawn from a text also gets a
qfq:Evidence node (the action, the predicate, the object, the document, the lines and the quote).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SKOS

from ingest.errors import ConfigError, InputError

log = logging.getLogger(__name__)

QFQ = Namespace("https://qfq.example.org/ns#")
ID = Namespace("https://qfq.example.org/id/")
CONCEPT_BASES = {
    "dispositif": "https://qfq.example.org/dispositif/",
    "public": "https://qfq.example.org/public/",
    "theme": "https://qfq.example.org/theme/",
}
INSEE_GEO = "http://id.insee.fr/geo/"
ONTOLOGY = Path(__file__).parent / "data" / "qfq.ttl"

CLASSES = {
    "document": QFQ.Document,
    "action": QFQ.Action,
    "actor": QFQ.Actor,
    "territory": QFQ.Territory,
    "dispositif": QFQ.Dispositif,
    "public": QFQ.Public,
    "theme": QFQ.Theme,
}
PREDICATES = {
    "piloted_by": QFQ.pilotedBy,
    "partner": QFQ.partner,
    "contact": QFQ.contact,
    "in": QFQ.inTerritory,
    "mobilises": QFQ.mobilises,
    "targets": QFQ.targets,
    "theme": QFQ.theme,
    "from": DCTERMS.source,
    "part_of": QFQ.partOf,
    "based_in": QFQ.basedIn,
    "operated_by": QFQ.operatedBy,
    "successor": DCTERMS.isReplacedBy,
}
# node attribute -> (predicate, datatype or None)
ATTRIBUTES = {
    "ref": (QFQ.ref, None),
    "shape": (QFQ.shape, None),
    "chapter": (QFQ.chapter, None),
    "region": (QFQ.region, None),
    "department": (QFQ.department, None),
    "budget": (QFQ.budget, None),
    "calendar": (QFQ.calendar, None),
    "keys_to_success": (QFQ.keyToSuccess, None),
    "figures": (QFQ.figure, None),
    "kind": (QFQ.kind, None),
    "level": (QFQ.level, None),
    "code": (QFQ.code, None),
    "unmatched": (QFQ.unmatched, XSD.boolean),
    "acronym": (QFQ.acronym, None),
    "aliases": (SKOS.altLabel, None),
    "branches": (QFQ.branch, None),
    "generic": (QFQ.generic, XSD.boolean),
    "successor_since": (QFQ.since, XSD.date),
    "issuer": (QFQ.issuer, None),
    "period_start": (QFQ.periodStart, XSD.gYear),
    "period_end": (QFQ.periodEnd, XSD.gYear),
    "past": (QFQ.past, XSD.boolean),
    "description": (DCTERMS.description, None),
    "scope": (QFQ.scope, None),
    "operator": (QFQ.operator, None),
    "line_start": (QFQ.lineStart, XSD.integer),
    "line_end": (QFQ.lineEnd, XSD.integer),
    "page": (QFQ.page, XSD.integer),
    "quote": (QFQ.quote, None),
    "definition": (SKOS.definition, None),
}
EDGE_ATTRIBUTES = {
    "written": QFQ.written,
    "note": QFQ.note,
    "inferred": QFQ.inferred,
    "excluded": QFQ.excluded,
    "line_start": QFQ.lineStart,
    "line_end": QFQ.lineEnd,
    "quote": QFQ.quote,
}


def uri(node_id: str) -> URIRef:
    kind, _, rest = node_id.partition(":")
    if kind in CONCEPT_BASES:
        return URIRef(CONCEPT_BASES[kind] + quote(rest, safe="-_.~"))
    return ID[f"{kind}/{quote(rest.replace(':', '-'), safe='-_.~/')}"]


def _literal(value: Any, datatype: URIRef | None) -> Literal:
    if datatype == XSD.gYear:
        return Literal(f"{int(value):04d}", datatype=XSD.gYear)
    if datatype is not None:
        return Literal(value, datatype=datatype)
    return Literal(value, lang="fr") if isinstance(value, str) else Literal(value)


def to_rdf(g: nx.MultiDiGraph) -> Graph:
    rdf = Graph()
    for prefix, ns in (
        ("qfq", QFQ),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("prov", PROV),
        ("org", ORG),
        ("id", ID),
        ("owl", OWL),
    ):
        rdf.bind(prefix, ns)
    for node, data in g.nodes(data=True):
        s = uri(node)
        node_type = data.get("type")
        rdf.add((s, RDF.type, CLASSES[node_type]))
        if node_type == "actor":
            rdf.add((s, RDF.type, ORG.Organization))
        if data.get("unmatched"):
            rdf.add((s, RDF.type, QFQ.NamedPlace))
        label = data.get("label")
        if label:
            rdf.add((s, RDFS.label, Literal(label, lang="fr")))
            if node_type in ("dispositif", "public", "theme"):
                rdf.add((s, SKOS.prefLabel, Literal(label, lang="fr")))
            if node_type in ("document", "action"):
                rdf.add((s, DCTERMS.title, Literal(label, lang="fr")))
        for attr, value in data.items():
            if attr not in ATTRIBUTES or value in (None, "", []):
                continue
            predicate, datatype = ATTRIBUTES[attr]
            for v in value if isinstance(value, list) else [value]:
                rdf.add((s, predicate, _literal(v, datatype)))
        if (
            node_type == "territory"
            and data.get("level") in ("region", "departement", "commune")
            and data.get("code")
        ):
            rdf.add((s, RDFS.seeAlso, URIRef(f"{INSEE_GEO}{data['level']}/{data['code']}")))
    for src, dst, data in g.edges(data=True):
        s, o, p = uri(src), uri(dst), PREDICATES[data["kind"]]
        if data["kind"] == "successor":
            rdf.add((s, p, o))
            continue
        rdf.add((s, p, o))
        if data.get("doc") and data["kind"] != "from":
            ev = ID[f"evidence/{_evidence_key(src, data['kind'], dst, data)}"]
            rdf.add((s, QFQ.evidence, ev))
            rdf.add((ev, RDF.type, QFQ.Evidence))
            rdf.add((ev, QFQ.predicate, p))
            rdf.add((ev, QFQ.object, o))
            rdf.add((ev, DCTERMS.source, uri(f"document:{data['doc']}")))
            for attr, predicate in EDGE_ATTRIBUTES.items():
                value = data.get(attr)
                if value not in (None, ""):
                    datatype = (
                        XSD.integer
                        if attr.startswith("line")
                        else XSD.boolean
                        if attr in ("inferred", "excluded")
                        else None
                    )
                    rdf.add(
                        (
                            ev,
                            predicate,
                            Literal(value, datatype=datatype) if datatype else Literal(value, lang="fr"),
                        )
                    )
    check_closed(rdf)
    return rdf


def _evidence_key(src: str, kind: str, dst: str, data: dict[str, Any]) -> str:
    raw = f"{src}|{kind}|{dst}|{data.get('line_start')}|{data.get('written', '')}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def declared_terms() -> frozenset[URIRef]:
    onto = Graph().parse(ONTOLOGY, format="turtle")
    return frozenset(
        s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(QFQ))
    )


def check_closed(rdf: Graph) -> None:
    """Every qfq: term used (as predicate or class) must be declared in the ontology."""
    declared = declared_terms()
    used = {p for p in rdf.predicates() if str(p).startswith(str(QFQ))}
    used |= {o for o in rdf.objects(None, RDF.type) if str(o).startswith(str(QFQ))}
    unknown = sorted(str(t) for t in used - declared)
    if unknown:
        raise ConfigError(
            f"terms not declared in the qfq ontology: {', '.join(unknown)}", where=str(ONTOLOGY)
        )


# -- SPARQL -------------------------------------------------------------------------------------------------
# A query is parsed with rdflib's own SPARQL parser, and both its parse tree and its algebra are walked (every
# node, every value, every list) before anything runs: only the four read-only query forms pass, and nothing
# that makes rdflib reach outside this graph (SERVICE calls another endpoint; FROM / FROM NAMED load graphs
# by URL). The validated algebra itself, not the text again, is what the forked child evaluates.

_VALID = (
    "a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over this graph, "
    "without SERVICE, FROM or FROM NAMED"
)
_QUERY_FORMS = {"SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"}
_UPDATES = "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY)"
# node names of rdflib's parse tree and algebra, and keys of their nodes, that reach outside the graph
_REFUSED_NODES = {
    "ServiceGraphPattern": "SERVICE clauses (calls to other SPARQL endpoints)",
    "DatasetClause": "FROM and FROM NAMED clauses (they load other graphs)",
    **{
        name: _UPDATES
        for name in (
            "Load", "Clear", "Drop", "Create", "Add", "Move", "Copy",
            "InsertData", "DeleteData", "DeleteWhere", "Modify", "Update",
        )
    },
}  # fmt: skip
_REFUSED_KEYS = {
    "service_string": _REFUSED_NODES["ServiceGraphPattern"],
    "datasetClause": _REFUSED_NODES["DatasetClause"],
}
# audit events refused in the child that evaluates a query: it has no reason to open a connection or a process
_CHILD_REFUSED_EVENTS = frozenset({
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open",
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
    "socket.sendmsg", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
})  # fmt: skip


def _nodes(root: Any) -> Any:
    """Every parse-tree or algebra node reachable from `root`, through every value, list, set and dict."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [root], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(dict.values(item))  # CompValue.get/[] resolve variables; the raw values are wanted
        elif isinstance(item, ParseResults):
            stack.extend(list(item))
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)


def _refuse_outside(root: Any) -> None:
    for node in _nodes(root):
        refused = _REFUSED_NODES.get(node.name)
        refused = refused or next((what for key, what in _REFUSED_KEYS.items() if dict.get(node, key)), None)
        if refused:
            raise InputError(f"{refused} are refused", where="query", valid=_VALID)


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except Exception:
        return False
    return True


def prepare_query(query: str) -> Any:
    """The rdflib algebra of a read-only query over this graph alone; an InputError says what is refused."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception as exc:
        if _is_update(query):
            refused = f"{_UPDATES} are refused: the graph is read-only"
            raise InputError(refused, where="query", valid=_VALID) from exc
        raise InputError(f"the query does not parse: {exc}", where="query", valid=_VALID) from exc
    form = getattr(tree[-1], "name", None) if len(tree) else None
    if form not in _QUERY_FORMS:
        raise InputError(f"the query form {form!r} is refused", where="query", valid=_VALID)
    _refuse_outside(tree)
    try:
        prepared = translateQuery(tree)
    except Exception as exc:
        raise InputError(f"the query does not parse: {exc}", where="query", valid=_VALID) from exc
    _refuse_outside(prepared.algebra)
    return prepared


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def _run(rdf: Graph, query: Any, limit: int) -> dict[str, Any]:
    result = rdf.query(query)
    if result.type == "ASK":
        return {"head": {}, "boolean": bool(result.askAnswer)}
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = Graph()
        for i, t in enumerate(result):
            if i >= limit:
                break
            triples.add(t)
        return {"turtle": triples.serialize(format="turtle"), "truncated": len(result) > limit}
    names = [str(v) for v in result.vars]
    rows, truncated = [], False
    for i, row in enumerate(result):
        if i >= limit:
            truncated = True
            break
        rows.append({n: _term_json(row[n]) for n in names if row[n] is not None})
    return {"head": {"vars": names}, "results": {"bindings": rows}, "truncated": truncated}


def _refuse_event(event: str, args: Any) -> None:
    if event in _CHILD_REFUSED_EVENTS:
        raise PermissionError(f"{event} is refused while a SPARQL query runs")


def _refuse_service(ctx: Any, part: Any) -> Any:
    if part.name == "ServiceGraphPattern":
        raise PermissionError("SERVICE is refused while a SPARQL query runs")
    raise NotImplementedError  # rdflib then evaluates the part itself


def _lock_down() -> None:
    """In the child only (a fork: the parent keeps its settings), a second wall behind the validator.

    rdflib fetches remote data in two places: SERVICE (`evaluate.evalServiceQuery`, urlopen) and the dataset
    clause (`sparql.QueryContext.load`, Graph.parse of the FROM IRI, also file: IRIs). SPARQL_LOAD_GRAPHS off
    stops the loading; a custom evaluation refuses SERVICE before rdflib's own; and an audit hook (hooks
    cannot be removed, so only the short-lived child gets it) refuses any connection or process it opens.
    """
    import sys

    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    rdflib_sparql.CUSTOM_EVALS.clear()
    rdflib_sparql.CUSTOM_EVALS["qfq_refuse_service"] = _refuse_service
    sys.addaudithook(_refuse_event)


def _child(rdf: Graph, query: Any, limit: int, conn: Any) -> None:
    try:
        _lock_down()
        conn.send(("ok", json.dumps(_run(rdf, query, limit))))
    except Exception as exc:  # reported to the parent, which raises it as an InputError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_prepared(rdf: Graph, prepared: Any, *, timeout: float, limit: int) -> dict[str, Any]:
    """Evaluate an already prepared query in a forked process that is killed at `timeout` seconds."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(rdf, prepared, limit, child), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            proc.kill()
            raise InputError(
                f"the query ran longer than {timeout:g} s and was stopped",
                where="query",
                valid="a narrower query (add a LIMIT, restrict the patterns)",
            )
        status, payload = parent.recv()
    finally:
        proc.join(1)
        parent.close()
    if status != "ok":
        raise InputError(f"the query failed: {payload}", where="query", valid="a SPARQL 1.1 query")
    return json.loads(payload)


def sparql(rdf: Graph, query: str, *, timeout: float = 10.0, limit: int = 1000) -> dict[str, Any]:
    """Run a read-only SPARQL query, validated first, in a forked process killed at `timeout` seconds."""
    return run_prepared(rdf, prepare_query(query), timeout=timeout, limit=limit)


def serialize(rdf: Graph, fmt: str) -> str:
    """Turtle or JSON-LD text of the graph."""
    if fmt == "ttl":
        return rdf.serialize(format="turtle")
    if fmt == "jsonld":
        context = {
            "qfq": str(QFQ),
            "skos": str(SKOS),
            "dcterms": str(DCTERMS),
            "prov": str(PROV),
            "org": str(ORG),
            "rdfs": str(RDFS),
            "id": str(ID),
        }
        return rdf.serialize(format="json-ld", context=context, auto_compact=True)
    raise InputError(f"unknown RDF format {fmt!r}", where="format", valid="ttl, jsonld")

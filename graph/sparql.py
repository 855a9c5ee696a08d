"""Read-only SPARQL over the knowledge graph's RDF view: the query is parsed and its algebra walked before it
runs (only SELECT / ASK / CONSTRUCT / DESCRIBE, no SERVICE, no FROM / FROM NAMED anywhere), then it runs in a
forked process that cannot reach the network, killed at the time limit, its rows capped."""

from __future__ import annotations

import json
import multiprocessing as mp
from typing import Any

from rdflib import BNode, Graph, URIRef

from ingest.errors import InputError

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

"""Read-only SPARQL over the knowledge graph's RDF view: the query is parsed and its algebra walked before it
runs (only SELECT / ASK / CONSTRUCT / DESCRIBE, no SERVICE, no FROM / FROM NAMED anywhere), then it runs in a
forked process that cannot reach the network, at a low priority (nice), stopped when it has used its CPU time
(not wall-clock time: a niced child that waits for the CPU is not killed for waiting), with a generous
wall-clock backstop, its rows capped."""

from __future__ import annotations

import json
import threading
from typing import Any

from rdflib import Graph

from graph.sparql_child import CpuTimeUp, _limit_child, run_in_child, zygotes
from ingest.errors import InputError

__all__ = ["CpuTimeUp", "_limit_child", "prepare_query", "run_prepared", "sparql"]

# A query is parsed with rdflib's own SPARQL parser, and both its parse tree and its algebra are walked (every
# node, every value, every list) before anything runs: only the four read-only query forms pass, and nothing
# that makes rdflib reach outside this graph (SERVICE calls another endpoint; FROM / FROM NAMED load graphs
# by URL). The validated algebra itself, not the text again, is what the forked child evaluates.

_VALID = (
    "une requête SPARQL 1.1 en lecture seule (SELECT, ASK, CONSTRUCT ou DESCRIBE) sur ce graphe, "
    "sans SERVICE, FROM ni FROM NAMED"
)
_QUERY_FORMS = {"SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"}
_UPDATES = "les mises à jour (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY)"
# node names of rdflib's parse tree and algebra, and keys of their nodes, that reach outside the graph
_REFUSED_NODES = {
    "ServiceGraphPattern": "les clauses SERVICE (appels à d'autres points d'accès SPARQL)",
    "DatasetClause": "les clauses FROM et FROM NAMED (elles chargent d'autres graphes)",
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
# rdflib's SPARQL grammar (pyparsing) is not thread-safe: two parses at once in one process fail at random
# ("<lambda>() missing 1 required positional argument"); a query is parsed in milliseconds, one at a time
_PARSING = threading.Lock()


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
            raise InputError(f"{refused} sont refusées", where="query", valid=_VALID)


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except Exception:
        return False
    return True


def prepare_query(query: str) -> Any:
    """The rdflib algebra of a read-only query over this graph alone; an InputError says what is refused."""
    with _PARSING:
        return _prepare(query)


def _prepare(query: str) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception as exc:
        if _is_update(query):
            refused = f"{_UPDATES} sont refusées : le graphe est en lecture seule"
            raise InputError(refused, where="query", valid=_VALID) from exc
        raise InputError(f"la requête ne s'analyse pas : {exc}", where="query", valid=_VALID) from exc
    form = getattr(tree[-1], "name", None) if len(tree) else None
    if form not in _QUERY_FORMS:
        raise InputError(f"la forme de requête {form!r} est refusée", where="query", valid=_VALID)
    _refuse_outside(tree)
    try:
        prepared = translateQuery(tree)
    except Exception as exc:
        raise InputError(f"la requête ne s'analyse pas : {exc}", where="query", valid=_VALID) from exc
    _refuse_outside(prepared.algebra)
    return prepared


_NARROWER = "une requête plus étroite (ajouter un LIMIT, restreindre les motifs)"


def _answer(status: str, payload: str, timeout: float, wall: float) -> dict[str, Any]:
    """The answer of a child, or the InputError that says why there is none."""
    if status == "ok":
        return json.loads(payload)
    if status == "cpu":
        raise InputError(
            f"la requête a utilisé plus de {timeout:g} s de calcul et a été arrêtée",
            where="query",
            valid=_NARROWER + " ; la limite est QFQ_SPARQL_TIMEOUT",
        )
    if status == "wall":
        raise InputError(
            f"la requête a duré plus de {wall:g} s (temps écoulé) et a été arrêtée",
            where="query",
            valid=_NARROWER + " ; la limite est QFQ_SPARQL_WALL_TIMEOUT",
        )
    raise InputError(f"la requête a échoué : {payload}", where="query", valid="une requête SPARQL 1.1 valide")


def run_prepared(
    rdf: Graph, prepared: Any, *, timeout: float, limit: int, nice: int = 0, wall: float | None = None
) -> dict[str, Any]:
    """Evaluate an already prepared query in a process forked from this one, niced to `nice`, stopped once it
    has used `timeout` seconds of CPU time, killed after `wall` seconds of wall-clock time (default:
    6 × timeout)."""
    wall = max(wall if wall is not None else 6 * timeout, timeout)
    status, payload = run_in_child(rdf, prepared, timeout=timeout, limit=limit, nice=nice, wall=wall)
    return _answer(status, payload, timeout, wall)


def sparql(
    rdf: Graph,
    query: str,
    *,
    timeout: float = 10.0,
    limit: int = 1000,
    nice: int = 0,
    wall: float | None = None,
) -> dict[str, Any]:
    """Run a read-only SPARQL query, validated first, in a process forked for it by a zygote of `rdf`
    (`graph/sparql_child.py`), with the limits of :func:`run_prepared`."""
    prepare_query(query)  # the InputError of a refused query comes from here
    wall = max(wall if wall is not None else 6 * timeout, timeout)
    pool = zygotes(rdf, _prepare, nice, _PARSING)
    status, payload = pool.run(query, timeout=timeout, limit=limit, wall=wall)
    return _answer(status, payload, timeout, wall)

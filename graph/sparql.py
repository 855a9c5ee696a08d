"""Read-only SPARQL over the knowledge graph's RDF view: the query is parsed and its algebra walked before it
runs (only SELECT / ASK / CONSTRUCT / DESCRIBE, no SERVICE, no FROM / FROM NAMED anywhere), then it runs in a
forked process that cannot reach the network, at a low priority (nice), stopped when it has used its CPU time
(not wall-clock time: a niced child that waits for the CPU is not killed for waiting), with a generous
wall-clock backstop, its rows capped."""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import resource
import signal
import threading
from typing import Any

from rdflib import BNode, Graph, URIRef

from ingest.errors import InputError

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
# audit events refused in the child that evaluates a query: it has no reason to open a connection or a process
_CHILD_REFUSED_EVENTS = frozenset({
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open",
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
    "socket.sendmsg", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
})  # fmt: skip


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
        raise PermissionError(f"{event} est refusé pendant qu'une requête SPARQL s'exécute")


def _refuse_service(ctx: Any, part: Any) -> Any:
    if part.name == "ServiceGraphPattern":
        raise PermissionError("SERVICE est refusé pendant qu'une requête SPARQL s'exécute")
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


class CpuTimeUp(BaseException):
    """Raised in the child when its CPU time is used up (a BaseException: rdflib's ``except Exception``
    blocks do not swallow it)."""


def _on_cpu_time_up(signum: int, frame: Any) -> None:
    raise CpuTimeUp


def _limit_child(cpu_seconds: float, nice: int) -> None:
    """In the child: a lower priority, and a CPU-time limit (not wall-clock: waiting for the CPU costs
    nothing). ITIMER_PROF (process CPU time, to the millisecond) raises :class:`CpuTimeUp` between two Python
    steps; RLIMIT_CPU, one second later, is the kernel's stop for a step that never returns to Python (a
    regular expression running in C): SIGXCPU ends the process (no core file), SIGKILL a second after."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft = math.ceil(cpu_seconds) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    wanted = soft + 1 if hard == resource.RLIM_INFINITY else min(soft + 1, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, wanted), wanted))
    signal.signal(signal.SIGPROF, _on_cpu_time_up)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)


def _child(rdf: Graph, query: Any, limit: int, conn: Any, cpu_seconds: float, nice: int) -> None:
    try:
        _limit_child(cpu_seconds, nice)
        _lock_down()
        answer = json.dumps(_run(rdf, query, limit))
        signal.setitimer(signal.ITIMER_PROF, 0)
        conn.send(("ok", answer))
    except CpuTimeUp:
        conn.send(("cpu", ""))
    except Exception as exc:  # reported to the parent, which raises it as an InputError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


_NARROWER = "une requête plus étroite (ajouter un LIMIT, restreindre les motifs)"


def _cpu_time_up(timeout: float) -> InputError:
    return InputError(
        f"la requête a utilisé plus de {timeout:g} s de calcul et a été arrêtée",
        where="query",
        valid=_NARROWER + " ; la limite est QFQ_SPARQL_TIMEOUT",
    )


def _receive(parent: Any, proc: Any, timeout: float, wall: float) -> tuple[str, str]:
    if not parent.poll(wall):
        raise InputError(
            f"la requête a duré plus de {wall:g} s (temps écoulé) et a été arrêtée",
            where="query",
            valid=_NARROWER + " ; la limite est QFQ_SPARQL_WALL_TIMEOUT",
        )
    try:
        status, payload = parent.recv()
    except EOFError:  # the child ended without an answer: killed by the kernel at RLIMIT_CPU, or crashed
        proc.join(5)
        if proc.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise _cpu_time_up(timeout) from None
        status, payload = "error", f"le processus de la requête s'est terminé (code {proc.exitcode})"
    if status == "cpu":
        raise _cpu_time_up(timeout)
    return status, payload


def run_prepared(
    rdf: Graph, prepared: Any, *, timeout: float, limit: int, nice: int = 0, wall: float | None = None
) -> dict[str, Any]:
    """Evaluate an already prepared query in a forked process niced to `nice`, stopped once it has used
    `timeout` seconds of CPU time, killed after `wall` seconds of wall-clock time (default: 6 × timeout)."""
    wall = wall if wall is not None else 6 * timeout
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(rdf, prepared, limit, child, timeout, nice), daemon=True)
    proc.start()
    child.close()
    try:
        status, payload = _receive(parent, proc, timeout, max(wall, timeout))
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()
    if status != "ok":
        raise InputError(
            f"la requête a échoué : {payload}", where="query", valid="une requête SPARQL 1.1 valide"
        )
    return json.loads(payload)


def sparql(
    rdf: Graph,
    query: str,
    *,
    timeout: float = 10.0,
    limit: int = 1000,
    nice: int = 0,
    wall: float | None = None,
) -> dict[str, Any]:
    """Run a read-only SPARQL query, validated first, in a forked process (see :func:`run_prepared`)."""
    return run_prepared(rdf, prepare_query(query), timeout=timeout, limit=limit, nice=nice, wall=wall)

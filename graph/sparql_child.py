"""The processes that evaluate SPARQL queries (see `graph/sparql.py` for what is validated before).

Each query runs in a process of its own, forked for it, niced, that cannot reach the network (an audit hook),
stopped once it has used its CPU time (a CPU timer raising :class:`CpuTimeUp`, the kernel's RLIMIT_CPU one
second later), killed at a wall-clock backstop.

Forking the server itself costs it dearly: copying the page tables of a process of 800 MB took 90-500 ms on
the loaded 2-core machine, with the forking thread holding the GIL, and every page the server writes
afterwards is copied. So :func:`sparql` forks the server once per graph and priority (a *zygote*, made when a
query first needs one, at most one per query running at once) and the zygote, niced like the queries, forks
one child per query: the server only sends the query text and reads the answer."""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import queue
import resource
import signal
import threading
import weakref
from collections.abc import Callable
from typing import Any

from rdflib import BNode, Graph, URIRef

# audit events refused in the child that evaluates a query: it has no reason to open a connection or a process
_CHILD_REFUSED_EVENTS = frozenset({
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open",
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
    "socket.sendmsg", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
})  # fmt: skip


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


def _wait(ctx: Any, target: Callable[..., None], args: tuple, wall: float) -> tuple[str, str]:
    """Fork `target(*args, conn)`, wait at most `wall` seconds for its answer: (status, payload), status one
    of ok (payload: the JSON answer), cpu (CPU time used up), wall (wall-clock time up), error."""
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(*args, child), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(wall):
            return "wall", ""
        try:
            return parent.recv()
        except EOFError:  # ended without an answer: killed by the kernel at RLIMIT_CPU, or crashed
            proc.join(5)
            if proc.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                return "cpu", ""
            return "error", f"le processus de la requête s'est terminé (code {proc.exitcode})"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()


def _child(rdf: Graph, query: Any, limit: int, cpu_seconds: float, nice: int, conn: Any) -> None:
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


def run_in_child(
    rdf: Graph, prepared: Any, *, timeout: float, limit: int, nice: int, wall: float
) -> tuple[str, str]:
    """A prepared query evaluated in a child forked from this process."""
    return _wait(mp.get_context("fork"), _child, (rdf, prepared, limit, timeout, nice), wall)


def _text_child(
    rdf: Graph, prepare: Callable, text: str, limit: int, cpu_seconds: float, nice: int, conn: Any
) -> None:
    try:
        prepared = prepare(text)  # parsed and validated again, alone in this process
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        conn.close()
        return
    _child(rdf, prepared, limit, cpu_seconds, nice, conn)


def _zygote_main(rdf: Graph, prepare: Callable, nice: int, conn: Any) -> None:
    """The zygote's loop: one child per query received, its (status, payload) sent back."""
    if nice > os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    # a daemon (ended with the server), that multiprocessing would not let fork: its children are its own
    # business (each killed by `_wait`)
    mp.current_process()._config["daemon"] = False
    ctx = mp.get_context("fork")
    while True:
        try:
            text, timeout, limit, wall = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_wait(ctx, _text_child, (rdf, prepare, text, limit, timeout, nice), wall))


class Zygote:
    """A process forked from this one with `rdf`, that forks one child per query it is sent."""

    def __init__(self, rdf: Graph, prepare: Callable, nice: int, lock: threading.Lock):
        ctx = mp.get_context("fork")
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=_zygote_main, args=(rdf, prepare, nice, theirs), daemon=True)
        with lock:  # not forked while another thread parses (the zygote's children parse)
            self.proc.start()
        theirs.close()

    def run(self, text: str, *, timeout: float, limit: int, wall: float) -> tuple[str, str] | None:
        """(status, payload) of one query; None when the zygote itself failed (it is then stopped)."""
        try:
            self.conn.send((text, timeout, limit, wall))
            if self.conn.poll(wall + 30):
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        self.close()
        return None

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(1)
        self.conn.close()


class Zygotes:
    """The idle zygotes of one graph and priority; made on demand, ended with the graph."""

    def __init__(self, rdf: Graph, prepare: Callable, nice: int, lock: threading.Lock):
        self._rdf = weakref.ref(rdf)
        self._prepare, self._nice, self._lock = prepare, nice, lock
        self._idle: queue.SimpleQueue[Zygote] = queue.SimpleQueue()
        self._all: list[Zygote] = []
        weakref.finalize(rdf, Zygotes._close_all, self._all)

    @staticmethod
    def _close_all(zygotes: list[Zygote]) -> None:
        for z in list(zygotes):
            z.close()

    def run(self, text: str, *, timeout: float, limit: int, wall: float) -> tuple[str, str]:
        try:
            zygote = self._idle.get_nowait()
        except queue.Empty:
            rdf = self._rdf()
            assert rdf is not None  # the caller holds it
            zygote = Zygote(rdf, self._prepare, self._nice, self._lock)
            self._all.append(zygote)
        answer = zygote.run(text, timeout=timeout, limit=limit, wall=wall)
        if answer is None:
            self._all.remove(zygote)
            return "error", "le processus des requêtes s'est arrêté"
        self._idle.put(zygote)
        return answer


_POOLS: dict[tuple[int, int], tuple[weakref.ref, Zygotes]] = {}
_POOLS_LOCK = threading.Lock()


def zygotes(rdf: Graph, prepare: Callable, nice: int, lock: threading.Lock) -> Zygotes:
    """The zygotes of `rdf` at priority `nice` (made once per graph and priority)."""
    key = (id(rdf), nice)
    with _POOLS_LOCK:
        for k, (ref, _) in list(_POOLS.items()):
            if ref() is None:
                del _POOLS[k]
        found = _POOLS.get(key)
        if found is None or found[0]() is not rdf:
            found = _POOLS[key] = (weakref.ref(rdf), Zygotes(rdf, prepare, nice, lock))
        return found[1]

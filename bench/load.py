"""HTTP load benchmark: `qfq serve` under a bounded load, one endpoint at a time.

    python bench/load.py [--duration 30] [--connections 32] [--threads 2] [--corpus ../shared/corpus]
                         [--data DIR] [--vector-cache FILE] [--server-env KEY=VALUE] [--log-level WARNING]
                         [--repeat 1] [--tool auto|wrk|locust] [--profile auto|all|none] [--profile-seconds 10]

Steps:

1. the data directory: ``--data DIR`` is reused as it is when it already holds a store; otherwise
   ``qfq build --corpus … --data …`` fills it (or a temporary directory, removed at the end). The build also
   computes the search vectors, which takes minutes the first time; ``--vector-cache FILE`` points the build and
   the server at a vector cache kept between runs (env ``QFQ_VECTOR_CACHE``), which makes the build take seconds;
2. ``qfq serve`` on 127.0.0.1 and a free port, started from this checkout (this repository first on
   ``PYTHONPATH``) through a small bootstrap that calls the ``qfq`` entry point and only adds a ``gc.callbacks``
   hook logging each garbage collection. ``QFQ_LOG_LEVEL=WARNING`` by default, so no access-log line is written
   per request (``--log-level INFO`` is what a bare ``qfq serve`` does), plus any ``--server-env`` (e.g.
   ``QFQ_ANSWER_CACHE_SIZE=0``). ``qfq serve`` warms up at start-up (``Service.warm_up``: knowledge graph, search
   indexes, encoders, then ``gc.collect()`` and ``gc.freeze()``) before it answers; the script waits for
   ``/health``, so the start-up time includes the warm-up. All traffic goes to 127.0.0.1;
3. for each endpoint, untimed: one cold request (the endpoint's first after start-up: the graph, the indexes and
   the encoders are already built), then the first request of every other rotated URL, one at a time (also a
   check that all answer 2xx), then a serial pass on one connection (at least 20 requests), whose median is the
   "serial" latency;
4. for each endpoint in turn, a bounded load: ``wrk`` (Debian package; ``bench/load_wrk.lua`` rotates over the
   URLs and counts the status of every response), or ``locust`` headless when wrk is not installed.
   ``--duration`` seconds, ``--connections`` connections, ``--threads`` wrk threads. Each run starts on an idle
   server: requests accepted before the tool stopped keep running in the thread pool, and the script waits for
   them (reported as "server busy after the run"). Around each run: the server's VmRSS and VmHWM
   (``/proc/<pid>/status``), the CPU time of the server, of the load tool and of the rest of the machine, and the
   server's full (generation 2) garbage collections: during one, every thread of the server waits;
5. with ``--profile auto`` (the default), each endpoint that misses a target is loaded again for
   ``--profile-seconds`` while ``py-spy record`` (``pip install py-spy``) samples the server's threads. Idle
   threads (thread-pool workers waiting for work, the event loop in epoll) are left out; the rest is split by what
   the stack is doing (project code, FastAPI response validation, request parsing, HTTP, thread hand-off, event
   loop), by package, and by function.

Endpoints: ``/who?where=Calvados``, ``/who?what=mobilité``, ``/match?age=24&status=demandeur_emploi&where=Vire&
need=mobilite``, ``/search?q=…`` over the first ``--queries`` queries of ``bench/search_eval_set.json``, and
``/actions/{id}/similar?k=5`` over every action id of ``/actions``. Targets, on 2 cores: ``/who`` and ``/match``
≥ 300 requests/s with p99 < 100 ms, ``/search`` p99 < 150 ms, no error anywhere (non-2xx or socket error).

Latency percentiles are wrk's: the time from sending a request to reading its response on a connection that
always has one request in flight (closed loop), so under saturation they include the server's queue: with 32
connections the mean latency is 32 / (requests/s). The load tool runs on the same machine as the server and
takes CPU from it; its CPU time is reported.

Progress goes to the log (stderr); the Markdown on stdout is the command's output. Nothing is written to
BENCHMARKS.md: paste the output there.
"""

from __future__ import annotations

import argparse
import collections
import csv
import http.client
import json
import logging
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import common  # bench/common.py: as a script, bench/ is first on sys.path (this script imports no project code)

log = logging.getLogger("bench.load")

HERE = common.HERE
REPO = common.REPO
LUA = HERE / "load_wrk.lua"
EVAL_SET = HERE / "search_eval_set.json"
HOST = "127.0.0.1"
PROJECT_DIRS = ("api", "graph", "embeddings", "ingest")
CLK_TCK = os.sysconf("SC_CLK_TCK")
ENDPOINT_KEYS = ("who-where", "who-what", "match", "search", "similar")


@dataclass
class Endpoint:
    key: str  # for --endpoints
    name: str  # the label in the tables
    paths: list[str]  # URL-encoded paths, rotated
    rps_min: float | None = None  # targets (None: no target)
    p99_max_ms: float | None = None
    cold_ms: float | None = None
    check: dict[str, Any] = field(default_factory=dict)
    serial_ms: list[float] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] | None = None


# -- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def project_env(args: argparse.Namespace, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["QFQ_DATA"] = str(data)
    env["QFQ_LOG_LEVEL"] = args.log_level
    if args.vector_cache:
        env["QFQ_VECTOR_CACHE"] = str(Path(args.vector_cache).resolve())
    for item in args.server_env:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def code_location(env: dict[str, str]) -> str:
    """Where the server's Python will import the project from (this checkout, not another editable install)."""
    out = subprocess.run(
        [sys.executable, "-c", "import api, pathlib; print(pathlib.Path(api.__file__).parent.parent)"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if Path(out).resolve() != REPO:
        log.warning("the server will import the project from %s, not %s", out, REPO)
    return out


def prepare_data(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    if args.data:
        data = Path(args.data).resolve()
        if (data / "qfq.sqlite").is_file():
            log.info("reusing the data directory %s (no build)", data)
            if not args.vector_cache and not (data / "vectors.sqlite").is_file():
                log.warning(
                    "%s has no vectors.sqlite and no --vector-cache was given: the server's warm-up will "
                    "encode every passage (minutes) before /health answers; pass the --vector-cache the "
                    "build used",
                    data,
                )
            return data, "reused"
    else:
        data = work / "data"
    corpus = common.corpus_dir(Path(args.corpus).resolve())
    data.mkdir(parents=True, exist_ok=True)
    log.info(
        "qfq build --corpus %s --data %s (computes the search vectors: minutes the first time)", corpus, data
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "build", "--corpus", str(corpus), "--data", str(data)],
        env=project_env(args, data),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"qfq build failed (exit {proc.returncode})")
    last = [ln for ln in proc.stderr.splitlines() if ln.startswith("index:")]
    log.info("build done in %.0f s%s", took, f" — {last[-1]}" if last else "")
    return data, f"built in {took:.0f} s"


# The server is `qfq serve` started through this bootstrap: it records every garbage collection (end time,
# generation, duration) to a file. Nothing else changes: it calls the `qfq` entry point with the same arguments.
BOOTSTRAP = """
import gc, os, sys, time

_log = open(os.environ["QFQ_BENCH_GC_LOG"], "a", buffering=1)
_start = [0.0]


def _gc(phase, info):
    if phase == "start":
        _start[0] = time.perf_counter()
    else:
        _log.write(f"{time.time():.6f} {info['generation']} {(time.perf_counter() - _start[0]) * 1000:.3f}\\n")


gc.callbacks.append(_gc)
from api.cli import main

sys.argv = ["qfq", *sys.argv[1:]]
main()
"""


class Server:
    """`qfq serve` as a child process; stopped by `stop()` whatever happened."""

    def __init__(self, args: argparse.Namespace, data: Path, work: Path):
        self.port = args.port or free_port()
        self.env = project_env(args, data)
        self.log_path = work / "server.log"
        self.gc_log = work / "gc.log"
        self.bootstrap = work / "qfq_serve.py"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> float:
        self.bootstrap.write_text(BOOTSTRAP, encoding="utf-8")
        self.env["QFQ_BENCH_GC_LOG"] = str(self.gc_log)
        cmd = [sys.executable, str(self.bootstrap), "serve", "--host", HOST, "--port", str(self.port)]
        log.info("starting qfq %s (log: %s)", " ".join(cmd[2:]), self.log_path)
        t0 = time.perf_counter()
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                status, _, _ = get(self.port, "/health", timeout=5)
                if status == 200:
                    took = time.perf_counter() - t0
                    log.info("server pid %d answers /health after %.1f s", self.proc.pid, took)
                    return took
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"no /health answer after {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.2)

    def gc_pauses(self, since: float, until: float) -> dict[str, float]:
        """Garbage collections that ended between two time.time() stamps: count, total and longest pause (ms)."""
        out = {"gc_full_n": 0, "gc_full_ms": 0.0, "gc_full_max": 0.0, "gc_young_n": 0, "gc_young_ms": 0.0}
        try:
            text = self.gc_log.read_text()
        except OSError:
            return out
        for line in text.splitlines():
            parts = line.split()
            if len(parts) != 3 or not since <= float(parts[0]) <= until:
                continue
            ms = float(parts[2])
            if parts[1] == "2":
                out["gc_full_n"] += 1
                out["gc_full_ms"] += ms
                out["gc_full_max"] = max(out["gc_full_max"], ms)
            else:
                out["gc_young_n"] += 1
                out["gc_young_ms"] += ms
        return out

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def status(self) -> dict[str, int]:
        """VmRSS, VmHWM (KiB) and Threads from /proc/<pid>/status."""
        out: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(value.split()[0])
        return out

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (all its threads)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        log.info("stopping the server (pid %d)", self.proc.pid)
        for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            self.proc.send_signal(sig)
            try:
                self.proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                log.warning("the server did not stop on %s", sig.name)


def get(
    port: int, path: str, timeout: float = 120, conn: http.client.HTTPConnection | None = None
) -> tuple[int, bytes, float]:
    """One GET to 127.0.0.1: status, body, seconds."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - t0
    finally:
        if own:
            conn.close()


# -- endpoints ----------------------------------------------------------------------------------------------


def action_ids(port: int) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        status, body, _ = get(port, f"/actions?limit=200&offset={offset}")
        if status != 200:
            raise RuntimeError(f"/actions answered {status}: {body[:300]!r}")
        page = json.loads(body)
        ids += [item["id"] for item in page["items"]]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return ids


def endpoints(port: int, queries: int) -> list[Endpoint]:
    texts: list[str] = []
    for q in json.loads(EVAL_SET.read_text(encoding="utf-8"))["queries"]:
        if q["text"] not in texts:
            texts.append(q["text"])
    texts = texts[:queries]
    ids = action_ids(port)
    if not ids:
        raise RuntimeError("the store holds no action: nothing to load /similar with")
    return [
        Endpoint("who-where", "/who?where=Calvados", ["/who?where=Calvados"], 300, 100),
        Endpoint("who-what", "/who?what=mobilité", ["/who?what=" + urllib.parse.quote("mobilité")], 300, 100),
        Endpoint(
            "match",
            "/match?age=24&status=demandeur_emploi&where=Vire&need=mobilite",
            ["/match?age=24&status=demandeur_emploi&where=Vire&need=mobilite"],
            300,
            100,
        ),
        Endpoint(
            "search",
            f"/search?q=… ({len(texts)} queries)",
            ["/search?q=" + urllib.parse.quote(t, safe="") for t in texts],
            None,
            150,
        ),
        Endpoint(
            "similar",
            f"/actions/{{id}}/similar?k=5 ({len(ids)} ids)",
            [f"/actions/{urllib.parse.quote(i, safe='/')}/similar?k=5" for i in ids],
        ),
    ]


def summarise_body(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return "not JSON"
    if isinstance(doc, dict):
        parts = [f"{k}: {len(v)}" for k, v in doc.items() if isinstance(v, list)]
        return ", ".join(parts[:4]) or "object"
    return type(doc).__name__


def warm_and_check(port: int, ep: Endpoint, serial_min: int) -> None:
    """Cold request, a 2xx check of every URL, then a serial pass on one connection (median = serial latency)."""
    status, body, took = get(port, ep.paths[0], timeout=600)
    ep.cold_ms = took * 1000
    log.info("%s: first request %d in %.0f ms (%s)", ep.name, status, ep.cold_ms, summarise_body(body))
    bad: list[str] = []
    sizes: list[int] = []
    first: list[float] = []
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        for i, p in enumerate(ep.paths):
            status, body, took = get(port, p, conn=conn)
            if i:  # the first URL was just requested cold
                first.append(took * 1000)
            sizes.append(len(body))
            if not 200 <= status < 300:
                bad.append(f"{p} → {status} {body[:200]!r}")
        rounds = max(1, -(-serial_min // len(ep.paths)))
        for _ in range(rounds):
            for p in ep.paths:
                _, _, took = get(port, p, conn=conn)
                ep.serial_ms.append(took * 1000)
    finally:
        conn.close()
    ep.check = {
        "urls": len(ep.paths),
        "bad": bad,
        "body_kib": statistics.mean(sizes) / 1024,
        "first_ms": statistics.median(first) if first else None,
    }
    for b in bad[:5]:
        log.warning("%s: %s", ep.name, b)
    log.info(
        "%s: %d URLs, %d not 2xx; serial median %.1f ms over %d requests",
        ep.name,
        len(ep.paths),
        len(bad),
        statistics.median(ep.serial_ms),
        len(ep.serial_ms),
    )


# -- load tools ---------------------------------------------------------------------------------------------


def tool_of(args: argparse.Namespace) -> tuple[str, str]:
    """(tool, executable)."""
    wrk = shutil.which("wrk")
    locust = shutil.which("locust") or shutil.which("locust", path=str(Path(sys.executable).parent))
    if args.tool in ("auto", "wrk") and wrk:
        return "wrk", wrk
    if args.tool == "wrk":
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --tool locust")
    if locust:
        return "locust", locust
    raise SystemExit("neither wrk (apt-get install -y wrk) nor locust (pip install locust) is installed")


def tool_version(tool: str, exe: str) -> str:
    try:
        if tool == "wrk":
            proc = subprocess.run([exe, "--version"], capture_output=True, text=True)
            return (proc.stdout + proc.stderr).splitlines()[0].split(" Copyright")[0]
        return (
            "locust " + subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split()[1]
        )
    except (OSError, IndexError):
        return tool


def run_wrk(
    exe: str, args: argparse.Namespace, port: int, paths_file: Path, duration: float
) -> dict[str, Any]:
    cmd = [
        exe,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        f"{args.timeout:g}s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}",
        "--",
        str(paths_file),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 60)
    found = re.search(r"^QFQ-LOAD-JSON (\{.*\})$", proc.stdout, re.M)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    log.debug("wrk output:\n%s", proc.stdout)
    r = json.loads(found.group(1))
    seconds = r["duration_us"] / 1e6
    return {
        "seconds": seconds,
        "requests": r["requests"],
        "rps": r["requests"] / seconds,
        "p50": r["p50"] / 1000,
        "p90": r["p90"] / 1000,
        "p99": r["p99"] / 1000,
        "max": r["lat_max"] / 1000,
        "non2xx": r["non2xx"],
        "socket": r["connect"] + r["read"] + r["write"] + r["timeout"],
        "timeouts": r["timeout"],
        "kib_per_response": r["bytes"] / max(1, r["requests"]) / 1024,
    }


LOCUSTFILE = """
import json, os, random
from locust import FastHttpUser, constant, task

PATHS = json.load(open(os.environ["QFQ_LOAD_PATHS"], encoding="utf-8"))


class Client(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.i = random.randrange(len(PATHS))

    @task
    def get(self):
        self.i = (self.i + 1) % len(PATHS)
        with self.client.get(PATHS[self.i], name="endpoint", catch_response=True) as r:
            if not 200 <= r.status_code < 300:
                r.failure(f"status {r.status_code}")
"""


def run_locust(
    exe: str, args: argparse.Namespace, port: int, paths_file: Path, duration: float, work: Path
) -> dict[str, Any]:
    locustfile = work / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    paths_json = paths_file.with_suffix(".json")
    paths_json.write_text(json.dumps(paths_file.read_text(encoding="utf-8").split()), encoding="utf-8")
    prefix = work / "locust"
    env = dict(os.environ, QFQ_LOAD_PATHS=str(paths_json))
    cmd = [
        exe,
        "-f",
        str(locustfile),
        "--headless",
        "-u",
        str(args.connections),
        "-r",
        str(args.connections),
        "-t",
        f"{int(duration)}s",
        "--host",
        f"http://{HOST}:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        str(int(args.timeout)),
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + args.timeout + 120)
    stats = prefix.with_name("locust_stats.csv")
    if proc.returncode != 0 or not stats.is_file():
        raise RuntimeError(
            f"locust failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    with stats.open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    failures = prefix.with_name("locust_failures.csv")
    socket_errors = non2xx = 0
    if failures.is_file():
        with failures.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["Error"].startswith("status "):
                    non2xx += int(r["Occurrences"])
                else:
                    socket_errors += int(r["Occurrences"])
    requests = int(row["Request Count"])
    return {
        "seconds": duration,
        "requests": requests,
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p90": float(row["90%"]),
        "p99": float(row["99%"]),
        "max": float(row["100%"]),
        "non2xx": non2xx,
        "socket": socket_errors,
        "timeouts": 0,
        "kib_per_response": float(row["Average Content Size"]) / 1024,
    }


def machine_busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all cores, not idle nor iowait) since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK


def wait_idle(server: Server, timeout: float, window: float = 0.5, threshold: float = 0.05) -> float:
    """Wait until the server uses less than `threshold` of a core over `window` s; the seconds waited.

    When the load tool stops, the requests already accepted keep running in the thread pool (a sync route is not
    cancelled when its client goes away), so the next run would share the server with them."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        c0 = server.cpu_seconds()
        time.sleep(window)
        if (server.cpu_seconds() - c0) / window < threshold:
            return time.perf_counter() - t0 - window
    log.warning("the server is still busy %.0f s after the run", timeout)
    return timeout


def load_run(
    tool: tuple[str, str], args: argparse.Namespace, server: Server, ep: Endpoint, work: Path, duration: float
) -> dict[str, Any]:
    paths_file = work / "paths.txt"
    paths_file.write_text("\n".join(ep.paths) + "\n", encoding="utf-8")
    wait_idle(server, args.drain_timeout)
    before = server.status()
    cpu0, busy0, t0, wall0 = server.cpu_seconds(), machine_busy_seconds(), time.perf_counter(), time.time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    if tool[0] == "wrk":
        r = run_wrk(tool[1], args, server.port, paths_file, duration)
    else:
        r = run_locust(tool[1], args, server.port, paths_file, duration, work)
    wall = time.perf_counter() - t0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = server.status()
    busy = (machine_busy_seconds() - busy0) / wall
    r.update(
        rss_before=before["VmRSS"] / 1024,
        rss_after=after["VmRSS"] / 1024,
        hwm_after=after["VmHWM"] / 1024,
        threads_after=after["Threads"],
        server_cpu=(server.cpu_seconds() - cpu0) / wall,
        tool_cpu=(children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime) / wall,
        loadavg_before=load0,
    )
    r["other_cpu"] = max(0.0, busy - r["server_cpu"] - r["tool_cpu"])
    r.update(server.gc_pauses(wall0, time.time()))
    r["gc_full_share"] = r["gc_full_ms"] / 1000 / wall
    r["drain"] = wait_idle(server, args.drain_timeout)
    r["errors"] = r["non2xx"] + r["socket"]
    return r


# -- profile ------------------------------------------------------------------------------------------------


def py_spy() -> str | None:
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


IDLE_LEAVES = (
    "Condition.wait (threading.py",
    "EpollSelector.select (selectors.py",
    "Queue.get (queue.py",
    "Event.wait (threading.py",
    "Thread.join (threading.py",
)
# What a stack is doing. First the markers that win wherever they are in the stack (in this order); failing
# those, the first frame from the leaf up that belongs to one of the generic layers.
PHASES = (
    (
        "garbage collection (the bootstrap's gc hook on top of the stack; the GC log has the pause times)",
        lambda f: f[1] == "qfq_serve.py" and f[0].startswith("_gc "),
    ),
    ("project code (the route and the service call)", lambda f: is_project(f[1]) and f[1] != "api/cli.py"),
    (
        "FastAPI response_model: validation of the returned dict, then JSON encoding",
        lambda f: f[0].startswith(("serialize_response ", "ModelField.validate ", "ModelField.serialize")),
    ),
    (
        "FastAPI request: parameter parsing and validation",
        lambda f: f[0].startswith(("solve_dependencies ", "request_params_to_args")),
    ),
    (
        "thread-pool hand-off (worker wake-up, call_soon_threadsafe)",
        lambda f: f[0].startswith(("BaseEventLoop.call_soon_threadsafe ", "WorkerThread.run ")),
    ),
)
LAYERS = (
    ("uvicorn + h11: HTTP parsing and writing", ("h11/", "uvicorn/")),
    ("Starlette / FastAPI routing and middleware", ("starlette/", "fastapi/")),
    ("thread-pool hand-off (worker wake-up, call_soon_threadsafe)", ("anyio/", "threading.py", "queue.py")),
    ("asyncio event loop and socket I/O", ("asyncio/", "selectors.py")),
)


def phase_of(frames: list[tuple[str, str]]) -> str:
    for name, test in PHASES:
        if any(test(f) for f in frames):
            return name
    for _, path in reversed(frames):
        for name, prefixes in LAYERS:
            if path.startswith(prefixes):
                return name
    return "other"


def parse_frame(frame: str) -> tuple[str, str]:
    """py-spy's 'function (path:line)' → ('function (path:line)', path). py-spy gives paths relative to the
    sys.path entry they were found under: 'graph/queries.py', 'fastapi/routing.py', 'threading.py'."""
    m = re.match(r"^(.*) \((.*?)(?::\d+)?\)$", frame)
    return (frame, m.group(2)) if m else (frame, "")


def package_of(path: str) -> str:
    if path == "qfq_serve.py":
        return "garbage collection (the bootstrap's gc hook)"
    top = path.split("/", 1)[0].removesuffix(".py")
    if top in PROJECT_DIRS:
        return f"qfq {top}/"
    if top in sys.stdlib_module_names or path.startswith("<"):
        return f"stdlib ({top})"
    return top or "?"


def is_project(path: str) -> bool:
    return path.split("/", 1)[0] in PROJECT_DIRS and path.endswith(".py")


def analyse_profile(raw: str, top: int) -> dict[str, Any]:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    packages: collections.Counter[str] = collections.Counter()
    phases: collections.Counter[str] = collections.Counter()
    samples = idle = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        samples += n
        frames = [parse_frame(f) for f in stack.split(";")]
        if frames[-1][0].startswith(IDLE_LEAVES):
            idle += n
            continue
        own[frames[-1][0]] += n
        packages[package_of(frames[-1][1])] += n
        for label in {label for label, path in frames if is_project(path) and path != "api/cli.py"}:
            inclusive[label] += n
        phases[phase_of(frames)] += n
    return {
        "samples": samples,
        "idle": idle,
        "active": samples - idle,
        "packages": packages.most_common(top),
        "phases": phases.most_common(),
        "own": own.most_common(top),
        "project": inclusive.most_common(top),
    }


def profile_endpoint(
    tool: tuple[str, str], args: argparse.Namespace, server: Server, ep: Endpoint, work: Path, n: int
) -> dict[str, Any] | None:
    spy = py_spy()
    if spy is None:
        log.warning("py-spy is not installed (pip install py-spy): no profile of %s", ep.name)
        return None
    secs = args.profile_seconds
    result: dict[str, Any] | None = None
    for attempt in (1, 2):  # py-spy now and then loses most samples of a run; one more try then
        out = work / f"py-spy-{n}-{attempt}.txt"
        log.info("%s: profiling the server with py-spy for %d s under the same load", ep.name, secs)
        cmd = [
            spy,
            "record",
            "--pid",
            str(server.pid),
            "--duration",
            str(secs),
            "--rate",
            str(args.profile_rate),
            "--format",
            "raw",
            "--function",
            "--output",
            str(out),
        ]
        wait_idle(server, args.drain_timeout)
        spy_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            run = load_run(tool, args, server, ep, work, secs + 2)  # covers py-spy's start and the idle check
        finally:
            spy_out = spy_proc.communicate(timeout=secs + 60)[0].decode(errors="replace")
        if spy_proc.returncode != 0 or not out.is_file():
            log.warning("py-spy failed (exit %s): %s", spy_proc.returncode, spy_out[-1000:])
            return None
        result = analyse_profile(out.read_text(errors="replace"), args.profile_top)
        found = re.search(r"Samples: (\d+) Errors: (\d+)", spy_out)
        result.update(
            seconds=secs,
            run=run,
            rate=args.profile_rate,
            spy_samples=int(found.group(1)) if found else None,
            spy_errors=int(found.group(2)) if found else None,
        )
        if result["active"] >= 100:
            break
        log.warning(
            "py-spy: only %d active samples (%s)",
            result["active"],
            found.group(0) if found else spy_out[-300:],
        )
    return result


# -- report -------------------------------------------------------------------------------------------------


def revision() -> str:
    return common.worktree_revision((*PROJECT_DIRS, "bench"))


def version(dist: str) -> str:
    return common.dist_version(dist) or "absent"


def machine(tool_v: str) -> str:
    gib = common.ram_gib()
    mem = "RAM unknown" if gib is None else f"{gib:.0f} GiB RAM"
    return (
        f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable by this process; CPU "
        f'"{common.cpu_model()}"), {platform.machine()}, {mem}, {platform.system()} {platform.release()}, Python '
        f"{platform.python_version()}, {tool_v}; load average {os.getloadavg()[0]:.2f} at the start, "
        f"started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def server_setup(server: Server, threads: int) -> str:
    loop = "uvloop" if version("uvloop") != "absent" else "asyncio"
    http_impl = "httptools" if version("httptools") != "absent" else "h11"
    return (
        f"`qfq serve` = `uvicorn.run(app)`, started through a bootstrap that only logs the garbage "
        f"collections: one process (pid {server.pid}), one worker, no `--workers`; "
        f"{loop} event loop, {http_impl} HTTP parser; the routes are plain `def`, so Starlette runs each in "
        f"AnyIO's thread pool (40 threads by default) under one GIL; {threads} OS threads in the process "
        f"after the runs. uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}, Starlette "
        f"{version('starlette')}, pydantic {version('pydantic')}"
    )


def warm_up_setting(env: dict[str, str]) -> dict[str, Any]:
    """Whether the server warms up at start-up (``QFQ_WARM_UP``, on by default), and the variable's value."""
    value = env.get("QFQ_WARM_UP")
    off = value is not None and value.strip().lower() in ("0", "false", "f", "no", "n", "off")
    return {"warm_up": not off, "warm_up_env": value}


def median_run(ep: Endpoint) -> dict[str, Any]:
    runs = sorted(ep.runs, key=lambda r: r["rps"])
    return runs[(len(runs) - 1) // 2]


def verdicts(ep: Endpoint) -> list[tuple[str, str, bool]]:
    r = median_run(ep)
    out: list[tuple[str, str, bool]] = []
    worst_errors = max(x["errors"] for x in ep.runs)
    if ep.rps_min is not None:
        out.append((f"≥ {ep.rps_min:g} req/s", f"{r['rps']:,.0f} req/s", r["rps"] >= ep.rps_min))
    if ep.p99_max_ms is not None:
        out.append((f"p99 < {ep.p99_max_ms:g} ms", f"{r['p99']:,.1f} ms", r["p99"] < ep.p99_max_ms))
    out.append(
        (
            "zero errors",
            f"{worst_errors} (+{len(ep.check.get('bad', []))} of {ep.check.get('urls')} URLs "
            "not 2xx in the check)",
            worst_errors == 0 and not ep.check.get("bad"),
        )
    )
    return out


def spread(ep: Endpoint, key: str, digits: int) -> str:
    """The median run's value, and the min–max over the runs when there are several."""
    return common.median_range([r[key] for r in ep.runs], digits, mid=median_run(ep)[key])


def report(
    eps: list[Endpoint], args: argparse.Namespace, tool: tuple[str, str], tool_v: str, setup: dict[str, Any]
) -> str:
    env = "".join(f", `{e}`" for e in args.server_env)
    clients = f"{args.threads} threads" if tool[0] == "wrk" else "one locust process (gevent)"
    lines = [
        f"Machine: {setup['machine']}.",
        "",
        f"Code: {setup['revision']}; project imported from `{setup['code']}`.",
        "",
        f"Server: {setup['server']}. Data: {setup['data']} ({setup['data_how']}); "
        f"`QFQ_LOG_LEVEL={args.log_level}`{env}; /health after {setup['startup']:.1f} s"
        + (
            ", which includes the warm-up (`Service.warm_up`: knowledge graph, search indexes and encoders "
            "built, then `gc.collect()` and `gc.freeze()`, so full collections no longer scan them)."
            if setup["warm_up"]
            else f" (`QFQ_WARM_UP={setup['warm_up_env']}`: no warm-up; the first requests build the graph, the "
            "indexes and the encoders, and nothing is frozen)."
        ),
        "",
        f"Load: {tool[0]} ({tool_v}), {args.duration:g} s per run, {args.connections} connections, {clients}, "
        f"timeout {args.timeout:g} s, {args.repeat} run(s) per endpoint (round-robin; with several, the run "
        "with the median req/s — of an even number, the slower of the middle two — is shown, then the min–max "
        "over the runs in brackets).",
        "",
        common.command_line("bench/load.py"),
        "",
    ]
    lines += [
        "| endpoint | URLs | req/s | p50 ms | p90 ms | p99 ms | max ms | errors: non-2xx / socket | "
        "KiB/response |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for ep in eps:
        r = median_run(ep)
        lines.append(
            f"| `{ep.name}` | {len(ep.paths)} | {spread(ep, 'rps', 0)} | {spread(ep, 'p50', 1)} | "
            f"{spread(ep, 'p90', 1)} | {spread(ep, 'p99', 1)} | {r['max']:,.0f} | {r['non2xx']} / {r['socket']} | "
            f"{r['kib_per_response']:,.1f} |"
        )
    lines += [
        "",
        "| endpoint | cold first request ms | first call of the other URLs, median ms | serial median ms | "
        "req/s × serial s | CPU: server / load tool / other | full GC in the run: count, total ms (share of the "
        "run), longest ms | server busy after the run s | RSS before → after MiB | VmHWM MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for ep in eps:
        r = median_run(ep)
        serial = statistics.median(ep.serial_ms)
        first = "–" if ep.check.get("first_ms") is None else f"{ep.check['first_ms']:,.1f}"
        lines.append(
            f"| `{ep.name}` | {ep.cold_ms:,.0f} | {first} | {serial:,.1f} | {r['rps'] * serial / 1000:.2f} | "
            f"{r['server_cpu'] * 100:.0f} / {r['tool_cpu'] * 100:.0f} / {r['other_cpu'] * 100:.0f} % | "
            f"{r['gc_full_n']}, {r['gc_full_ms']:,.0f} ({r['gc_full_share'] * 100:.1f} %), {r['gc_full_max']:,.0f} | "
            f"{r['drain']:,.1f} | {r['rss_before']:,.0f} → {r['rss_after']:,.0f} | {r['hwm_after']:,.0f} |"
        )
    lines += [
        "",
        "Columns: *cold first request* is the endpoint's first request after start-up (the warm-up has "
        "built the knowledge graph, the search indexes and the encoders before `/health` answered); *first "
        "call of the other URLs* is the first request of each other rotated URL, one at a time (what a cache "
        "of answers has not seen yet); *serial median* is one connection, one request at a time, after the "
        "warm-up; *req/s × serial s* is how many requests the "
        "server completes in parallel compared with that serial time (1.0: none); CPU is CPU seconds per wall "
        "second of the run (100 % = one core) for the server process, the load tool, and every other process "
        "of the machine (the noise); *full GC* are the server's generation-2 garbage collections that ended "
        "during the run (every thread waits while one runs); *server busy after the run* is how long the server kept working on "
        "requests accepted before the load tool stopped (each run starts on an idle server); RSS is the "
        "server's VmRSS just before and just after the run, VmHWM its peak since start.",
        "",
    ]
    lines += ["| endpoint | target | measured | met |", "|---|---|---|---|"]
    for ep in eps:
        for target, measured, ok in verdicts(ep):
            lines.append(f"| `{ep.name}` | {target} | {measured} | {'**yes**' if ok else '**no**'} |")
    for ep in eps:
        if ep.profile:
            lines += ["", *profile_lines(ep)]
    return "\n".join(lines)


def profile_lines(ep: Endpoint) -> list[str]:
    p = ep.profile
    assert p is not None
    n = max(1, p["active"])
    r = p["run"]
    out = [
        f"py-spy profile of `{ep.name}` ({p['seconds']} s at {p['rate']} Hz under the same load: "
        f"{r['rps']:,.0f} req/s, p99 {r['p99']:,.1f} ms): {p['samples']:,} thread samples, of which "
        f"{p['idle']:,} are idle threads (thread-pool workers waiting for work, the event loop in epoll) and "
        f"are left out; percentages are of the {p['active']:,} others (py-spy: {p['spy_samples']} samples, "
        f"{p['spy_errors']} errors).",
        "",
        "| what the stack is doing | % | where the CPU goes (package of the leaf frame) | % |",
        "|---|---|---|---|",
    ]
    rows = max(len(p["phases"]), len(p["packages"]))
    for i in range(rows):
        a = p["phases"][i] if i < len(p["phases"]) else ("", None)
        b = p["packages"][i] if i < len(p["packages"]) else ("", None)
        out.append(
            f"| {a[0]} | {'' if a[1] is None else f'{a[1] / n * 100:.1f}'} | {b[0]} | "
            f"{'' if b[1] is None else f'{b[1] / n * 100:.1f}'} |"
        )
    out += [
        "",
        "| function: own time (leaf frame) | % | project function: inclusive | % |",
        "|---|---|---|---|",
    ]
    rows = max(len(p["own"]), len(p["project"]))
    for i in range(rows):
        a = p["own"][i] if i < len(p["own"]) else None
        b = p["project"][i] if i < len(p["project"]) else None
        out.append(
            f"| {f'`{a[0]}`' if a else ''} | {f'{a[1] / n * 100:.1f}' if a else ''} | "
            f"{f'`{b[0]}`' if b else ''} | {f'{b[1] / n * 100:.1f}' if b else ''} |"
        )
    return out


# -- main ---------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    tool = tool_of(args)
    tool_v = tool_version(*tool)
    log.info("load tool: %s (%s)", tool[0], tool_v)
    rev = revision()
    facts = machine(tool_v)  # at the start: the load average and the date are the run's
    work = Path(tempfile.mkdtemp(prefix="qfq-bench-load-"))
    server: Server | None = None
    try:
        data, how = prepare_data(args, work)
        server = Server(args, data, work)
        code = code_location(server.env)
        startup = server.start(args.startup_timeout)
        eps = [ep for ep in endpoints(server.port, args.queries) if ep.key in args.endpoints]
        for ep in eps:
            warm_and_check(server.port, ep, args.serial)
        for i in range(args.repeat):
            for ep in eps:
                log.info(
                    "run %d/%d: %s — %d URLs, %g s, %d connections",
                    i + 1,
                    args.repeat,
                    ep.name,
                    len(ep.paths),
                    args.duration,
                    args.connections,
                )
                r = load_run(tool, args, server, ep, work, args.duration)
                ep.runs.append(r)
                log.info(
                    "  %.0f req/s, p50 %.1f ms, p99 %.1f ms, errors %d non-2xx + %d socket, CPU server %.0f %% "
                    "tool %.0f %% other %.0f %%, RSS %.0f → %.0f MiB",
                    r["rps"],
                    r["p50"],
                    r["p99"],
                    r["non2xx"],
                    r["socket"],
                    r["server_cpu"] * 100,
                    r["tool_cpu"] * 100,
                    r["other_cpu"] * 100,
                    r["rss_before"],
                    r["rss_after"],
                )
        for i, ep in enumerate(eps):
            missed = not all(ok for _, _, ok in verdicts(ep))
            if args.profile == "all" or (args.profile == "auto" and missed):
                ep.profile = profile_endpoint(tool, args, server, ep, work, i)
        text = report(
            eps,
            args,
            tool,
            tool_v,
            {
                "machine": facts,
                "revision": rev,
                "code": code,
                "data": data if args.data else "a temporary directory",
                "data_how": how,
                "startup": startup,
                "server": server_setup(server, server.status()["Threads"]),
                **warm_up_setting(server.env),
            },
        )
        if revision() != rev:
            log.warning("the code changed during the run: the numbers may mix two versions")
    except BaseException:
        if server is not None and server.proc is not None and server.proc.poll() is not None:
            log.error(
                "the server exited with %s; the end of its log:\n%s", server.proc.returncode, server.tail()
            )
        raise
    finally:
        if server is not None:
            server.stop()
        if args.keep_work:
            log.info("work directory kept: %s", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="HTTP load benchmark of qfq serve (wrk, or locust without wrk)"
    )
    parser.add_argument(
        "--duration", type=float, default=30, help="seconds of load per endpoint and run (default 30)"
    )
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="load-tool threads (default 2)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=20,
        help="seconds before the load tool gives up on a response; counted as a socket error (default 20)",
    )
    parser.add_argument(
        "--corpus", default="../shared/corpus", help="corpus directory (default ../shared/corpus)"
    )
    parser.add_argument(
        "--data",
        help="data directory: reused as it is if it holds a store, else built there "
        "(default: a temporary directory, built and removed)",
    )
    parser.add_argument(
        "--vector-cache", help="vector cache file for the build and the server (QFQ_VECTOR_CACHE)"
    )
    parser.add_argument("--port", type=int, help="port (default: a free one)")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="QFQ_LOG_LEVEL of the server (default WARNING: no access log line per request)",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment variable for the server, e.g. QFQ_ANSWER_CACHE_SIZE=0 (repeatable)",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(ENDPOINT_KEYS),
        help=f"comma-separated subset of {','.join(ENDPOINT_KEYS)} (default: all)",
    )
    parser.add_argument("--queries", type=int, default=20, help="search queries rotated (default 20)")
    parser.add_argument(
        "--serial", type=int, default=20, help="least requests in the serial pass (default 20)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per endpoint, round-robin (default 1)")
    parser.add_argument(
        "--tool",
        choices=("auto", "wrk", "locust"),
        default="auto",
        help="load tool (default auto: wrk if installed, else locust)",
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "all", "none"),
        default="auto",
        help="py-spy profile of the endpoints that miss a target (auto), of all, or none",
    )
    parser.add_argument("--profile-seconds", type=int, default=10, help="seconds per profile (default 10)")
    parser.add_argument(
        "--profile-rate", type=int, default=100, help="py-spy samples per second (default 100)"
    )
    parser.add_argument("--profile-top", type=int, default=12, help="rows per profile table (default 12)")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=300,
        help="seconds to wait for the server to finish the requests left when a run ends",
    )
    parser.add_argument("--startup-timeout", type=float, default=300, help="seconds to wait for /health")
    parser.add_argument(
        "--keep-work", action="store_true", help="keep the work directory (server log, py-spy)"
    )
    parser.add_argument("--verbose", action="store_true", help="debug logging (wrk's own output)")
    args = parser.parse_args(argv)
    if args.connections < args.threads or args.threads < 1 or args.duration <= 0 or args.repeat < 1:
        parser.error("need --threads ≥ 1, --connections ≥ --threads, --duration > 0, --repeat ≥ 1")
    if any("=" not in e for e in args.server_env):
        parser.error("--server-env takes KEY=VALUE")
    args.endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    if not args.endpoints or set(args.endpoints) - set(ENDPOINT_KEYS):
        parser.error(f"--endpoints: choose among {', '.join(ENDPOINT_KEYS)}")
    common.setup_logging(logging.DEBUG if args.verbose else logging.INFO)

    def on_term(signum: int, _frame: Any) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""HTTP load benchmark: `qfq serve` under a bounded load, one endpoint at a time.

    python bench/load.py [--duration 30] [--connections 32] [--threads 2] [--corpus ../shared/corpus]
                         [--data DIR] [--vector-cache FILE] [--repeat 1] [--tool auto|wrk|locust]
                         [--profile auto|all|none] [--profile-seconds 10]

Steps:

1. the data directory: ``--data DIR`` is reused as it is when it already holds a store; otherwise
   ``qfq build --corpus … --data …`` fills it (or a temporary directory, removed at the end). The build also
   computes the search vectors, which takes minutes the first time; ``--vector-cache`` points the build and the
   server at a vector cache file kept between runs (env ``QFQ_VECTOR_CACHE``);
2. ``qfq serve`` on 127.0.0.1 and a free port, started from this checkout (``python -m api.cli``, this
   repository first on ``PYTHONPATH``), with ``QFQ_LOG_LEVEL=WARNING`` by default, so no access log line is
   written per request (``--log-level INFO`` keeps it). The script waits for ``/health``. All traffic goes to
   127.0.0.1;
3. for each endpoint, untimed: one cold request (the first ``/who`` builds the knowledge graph, the first
   ``/search`` loads the encoders), then every rotated URL once as a check that all answer 2xx, then a serial pass
   over the URLs on one connection (at least 20 requests), whose median is the "serial" latency;
4. for each endpoint in turn, a bounded load: ``wrk`` (Debian package; ``bench/load_wrk.lua`` rotates over the
   URLs and reports percentiles and the status of every response), or ``locust`` headless when wrk is not
   installed. ``--duration`` seconds, ``--connections`` connections, ``--threads`` client threads. Around each run:
   the server's VmRSS and VmHWM (``/proc/<pid>/status``), its CPU time, and the load tool's own CPU time;
5. with ``--profile auto`` (the default), each endpoint that misses a target is loaded again for
   ``--profile-seconds`` while ``py-spy record`` samples the server process; the hottest functions are listed,
   project code first.

Endpoints: ``/who?where=Calvados``, ``/who?what=mobilité``, ``/match?age=24&status=demandeur_emploi&where=Vire&
need=mobilite``, ``/search?q=…`` over the first ``--queries`` queries of ``bench/search_eval_set.json``, and
``/actions/{id}/similar?k=5`` over every action id of ``/actions``. Targets, on 2 cores: ``/who`` and ``/match``
≥ 300 requests/s with p99 < 100 ms, ``/search`` p99 < 150 ms, no error anywhere.

Latency percentiles are wrk's: the time from sending a request to reading its response on a connection that
always has one request in flight (closed loop), so under saturation they include the server's queue. The load
tool runs on the same machine as the server and takes CPU from it; its CPU time is reported.

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
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger("bench.load")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LUA = HERE / "load_wrk.lua"
EVAL_SET = HERE / "search_eval_set.json"
HOST = "127.0.0.1"
PROJECT_DIRS = ("api", "graph", "embeddings", "ingest")
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Endpoint:
    name: str                       # the label in the tables
    paths: list[str]                # URL-encoded paths, rotated
    rps_min: float | None = None    # targets (None: no target)
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
    return env


def code_location(env: dict[str, str]) -> str:
    """Where the server's Python will import the project from (this checkout, not another editable install)."""
    out = subprocess.run([sys.executable, "-c", "import api, pathlib; print(pathlib.Path(api.__file__).parent.parent)"],
                         env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    if Path(out).resolve() != REPO:
        log.warning("the server will import the project from %s, not %s", out, REPO)
    return out


def prepare_data(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    if args.data:
        data = Path(args.data).resolve()
        if (data / "qfq.sqlite").is_file():
            log.info("reusing the data directory %s (no build)", data)
            return data, "reused"
    else:
        data = work / "data"
    corpus = Path(args.corpus).resolve()
    if not corpus.is_dir():
        raise SystemExit(f"--corpus {corpus}: not a directory (valid: a directory of documents)")
    data.mkdir(parents=True, exist_ok=True)
    log.info("qfq build --corpus %s --data %s (computes the search vectors: minutes the first time)", corpus, data)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "api.cli", "build", "--corpus", str(corpus), "--data", str(data)],
                          env=project_env(args, data), cwd=REPO, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"qfq build failed (exit {proc.returncode})")
    last = [ln for ln in proc.stderr.splitlines() if ln.startswith("index:")]
    log.info("build done in %.0f s%s", took, f" — {last[-1]}" if last else "")
    return data, f"built in {took:.0f} s"


class Server:
    """`qfq serve` as a child process; stopped by `stop()` whatever happened."""

    def __init__(self, args: argparse.Namespace, data: Path, work: Path):
        self.port = args.port or free_port()
        self.env = project_env(args, data)
        self.log_path = work / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> float:
        cmd = [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(self.port)]
        log.info("starting %s (log: %s)", " ".join(cmd[1:]), self.log_path)
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
        fields = stat[stat.rindex(")") + 2:].split()
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


def get(port: int, path: str, timeout: float = 120, conn: http.client.HTTPConnection | None = None
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
        Endpoint("/who?where=Calvados", ["/who?where=Calvados"], 300, 100),
        Endpoint("/who?what=mobilité", ["/who?what=" + urllib.parse.quote("mobilité")], 300, 100),
        Endpoint("/match?age=24&status=demandeur_emploi&where=Vire&need=mobilite",
                 ["/match?age=24&status=demandeur_emploi&where=Vire&need=mobilite"], 300, 100),
        Endpoint(f"/search?q=… ({len(texts)} queries)",
                 ["/search?q=" + urllib.parse.quote(t, safe="") for t in texts], None, 150),
        Endpoint(f"/actions/{{id}}/similar?k=5 ({len(ids)} ids)",
                 [f"/actions/{urllib.parse.quote(i, safe='/')}/similar?k=5" for i in ids]),
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
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        for p in ep.paths:
            status, body, _ = get(port, p, conn=conn)
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
    ep.check = {"urls": len(ep.paths), "bad": bad, "body_kib": statistics.mean(sizes) / 1024}
    for b in bad[:5]:
        log.warning("%s: %s", ep.name, b)
    log.info("%s: %d URLs, %d not 2xx; serial median %.1f ms over %d requests", ep.name, len(ep.paths), len(bad),
             statistics.median(ep.serial_ms), len(ep.serial_ms))


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
        return "locust " + subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split()[-1]
    except (OSError, IndexError):
        return tool


def run_wrk(exe: str, args: argparse.Namespace, port: int, paths_file: Path, duration: float) -> dict[str, Any]:
    cmd = [exe, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration:g}s", "--timeout", f"{args.timeout:g}s",
           "-s", str(LUA), f"http://{HOST}:{port}", "--", str(paths_file)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 60)
    found = re.search(r"^QFQ-LOAD-JSON (\{.*\})$", proc.stdout, re.M)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    log.debug("wrk output:\n%s", proc.stdout)
    r = json.loads(found.group(1))
    seconds = r["duration_us"] / 1e6
    return {"seconds": seconds, "requests": r["requests"], "rps": r["requests"] / seconds,
            "p50": r["p50"] / 1000, "p90": r["p90"] / 1000, "p99": r["p99"] / 1000, "max": r["lat_max"] / 1000,
            "non2xx": r["non2xx"], "socket": r["connect"] + r["read"] + r["write"] + r["timeout"],
            "timeouts": r["timeout"], "kib_per_response": r["bytes"] / max(1, r["requests"]) / 1024}


LOCUSTFILE = '''
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
'''


def run_locust(exe: str, args: argparse.Namespace, port: int, paths_file: Path, duration: float,
               work: Path) -> dict[str, Any]:
    locustfile = work / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    paths_json = paths_file.with_suffix(".json")
    paths_json.write_text(json.dumps(paths_file.read_text(encoding="utf-8").split()), encoding="utf-8")
    prefix = work / "locust"
    env = dict(os.environ, QFQ_LOAD_PATHS=str(paths_json))
    cmd = [exe, "-f", str(locustfile), "--headless", "-u", str(args.connections), "-r", str(args.connections),
           "-t", f"{int(duration)}s", "--host", f"http://{HOST}:{port}", "--csv", str(prefix), "--only-summary",
           "--stop-timeout", str(int(args.timeout)), "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + args.timeout + 120)
    stats = prefix.with_name("locust_stats.csv")
    if proc.returncode != 0 or not stats.is_file():
        raise RuntimeError(f"locust failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
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
    return {"seconds": duration, "requests": requests, "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]), "p90": float(row["90%"]), "p99": float(row["99%"]), "max": float(row["100%"]),
            "non2xx": non2xx, "socket": socket_errors, "timeouts": 0,
            "kib_per_response": float(row["Average Content Size"]) / 1024}


def load_run(tool: tuple[str, str], args: argparse.Namespace, server: Server, ep: Endpoint, work: Path,
             duration: float) -> dict[str, Any]:
    paths_file = work / "paths.txt"
    paths_file.write_text("\n".join(ep.paths) + "\n", encoding="utf-8")
    before = server.status()
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    if tool[0] == "wrk":
        r = run_wrk(tool[1], args, server.port, paths_file, duration)
    else:
        r = run_locust(tool[1], args, server.port, paths_file, duration, work)
    wall = time.perf_counter() - t0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = server.status()
    r.update(rss_before=before["VmRSS"] / 1024, rss_after=after["VmRSS"] / 1024, hwm_after=after["VmHWM"] / 1024,
             threads_after=after["Threads"], server_cpu=(server.cpu_seconds() - cpu0) / wall,
             tool_cpu=(children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime) / wall,
             loadavg_before=load0)
    r["errors"] = r["non2xx"] + r["socket"]
    return r


# -- profile ------------------------------------------------------------------------------------------------


def py_spy() -> str | None:
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


def frame_label(frame: str) -> tuple[str, str]:
    """'name (path:line)' → (short label, path)."""
    m = re.match(r"^(.*) \((.*?)(?::(\d+))?\)$", frame)
    if not m:
        return frame, ""
    name, path, line = m.groups()
    p = Path(path)
    if "site-packages" in p.parts:
        short = "/".join(p.parts[p.parts.index("site-packages") + 1:])
    else:
        try:
            short = str(p.resolve().relative_to(REPO))
        except ValueError:
            short = p.name
    return f"{short}:{line} {name}" if line else f"{short} {name}", path


def package_of(path: str) -> str:
    p = Path(path)
    if "site-packages" in p.parts:
        return p.parts[p.parts.index("site-packages") + 1].removesuffix(".py")
    try:
        rel = p.resolve().relative_to(REPO)
        return f"qfq {rel.parts[0]}/"
    except ValueError:
        pass
    return "python stdlib" if "python3" in path or path.startswith("<") else (p.parts[0] if p.parts else "?")


def is_project(path: str) -> bool:
    try:
        return Path(path).resolve().relative_to(REPO).parts[0] in PROJECT_DIRS
    except (ValueError, IndexError):
        return False


def profile_endpoint(tool: tuple[str, str], args: argparse.Namespace, server: Server, ep: Endpoint,
                     work: Path) -> dict[str, Any] | None:
    spy = py_spy()
    if spy is None:
        log.warning("py-spy is not installed (pip install py-spy): no profile of %s", ep.name)
        return None
    out = work / "py-spy.txt"
    out.unlink(missing_ok=True)
    secs = args.profile_seconds
    log.info("%s: profiling the server with py-spy for %d s under the same load", ep.name, secs)
    cmd = [spy, "record", "--pid", str(server.pid), "--duration", str(secs), "--rate", "100", "--format", "raw",
           "--function", "--output", str(out), "--nonblocking"]
    spy_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        run = load_run(tool, args, server, ep, work, secs + 1)
    finally:
        spy_out, _ = spy_proc.communicate(timeout=secs + 60)
    if spy_proc.returncode != 0 or not out.is_file():
        log.warning("py-spy failed (exit %s): %s", spy_proc.returncode, spy_out.decode(errors="replace")[-1000:])
        return None
    own: collections.Counter[str] = collections.Counter()
    total_in: collections.Counter[str] = collections.Counter()
    project_own: collections.Counter[str] = collections.Counter()
    packages: collections.Counter[str] = collections.Counter()
    paths: dict[str, str] = {}
    samples = 0
    for line in out.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        samples += n
        frames = [frame_label(f) for f in stack.split(";")]
        frames = [(label, path) for label, path in frames if path]  # drop the process/thread pseudo-frames
        if not frames:
            continue
        leaf_label, leaf_path = frames[-1]
        own[leaf_label] += n
        packages[package_of(leaf_path)] += n
        for label, path in set(frames):
            total_in[label] += n
            paths[label] = path
        deepest = next(((label, path) for label, path in reversed(frames) if is_project(path)), None)
        if deepest:
            project_own[deepest[0]] += n
    top = args.profile_top
    return {
        "samples": samples, "seconds": secs, "run": run,
        "packages": packages.most_common(top),
        "own": own.most_common(top),
        "project_inclusive": [(k, v) for k, v in total_in.most_common() if is_project(paths[k])][:top],
        "project_deepest": project_own.most_common(top),
    }


# -- report -------------------------------------------------------------------------------------------------


def git(*argv: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def revision() -> str:
    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", *PROJECT_DIRS, "bench").strip()
    return f"commit {head}" + (f", uncommitted changes: {', '.join(sorted({ln[3:] for ln in dirty.splitlines()}))}"
                               if dirty else ", no uncommitted changes under api/ graph/ embeddings/ ingest/ bench/")


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def machine(tool_v: str) -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = "RAM unknown"
    return (f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable by this process; CPU \"{cpu}\"), "
            f"{platform.machine()}, {mem}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, {tool_v}, load average {os.getloadavg()[0]:.2f} at the start, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def server_setup(server: Server, threads: int) -> str:
    loop = "uvloop" if version("uvloop") != "absent" else "asyncio"
    http_impl = "httptools" if version("httptools") != "absent" else "h11"
    return (f"`qfq serve` = `uvicorn.run(app)`: one process (pid {server.pid}), one worker, no `--workers`; "
            f"{loop} event loop, {http_impl} HTTP parser; the routes are plain `def`, so Starlette runs each in "
            f"AnyIO's thread pool (40 threads by default) under one GIL; {threads} OS threads in the process "
            f"after the runs. uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}, Starlette "
            f"{version('starlette')}, pydantic {version('pydantic')}")


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
    out.append(("zero errors", f"{worst_errors} (+{len(ep.check.get('bad', []))} of {ep.check.get('urls')} URLs "
                "not 2xx in the check)", worst_errors == 0 and not ep.check.get("bad")))
    return out


def spread(ep: Endpoint, key: str, digits: int) -> str:
    values = [r[key] for r in ep.runs]
    med = median_run(ep)[key]
    if len(values) == 1:
        return f"{med:,.{digits}f}"
    return f"{med:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def report(eps: list[Endpoint], args: argparse.Namespace, tool: tuple[str, str], tool_v: str,
           setup: dict[str, Any]) -> str:
    lines = [f"Machine: {machine(tool_v)}.", "",
             f"Code: {setup['revision']}; project imported from `{setup['code']}`.", "",
             f"Server: {setup['server']}. Data: {setup['data']} ({setup['data_how']}); "
             f"`QFQ_LOG_LEVEL={args.log_level}`; /health after {setup['startup']:.1f} s.", "",
             f"Load: {tool[0]} ({tool_v}), {args.duration:g} s per run, {args.connections} connections, "
             f"{args.threads} threads, timeout {args.timeout:g} s, {args.repeat} run(s) per endpoint "
             "(round-robin; with several, the run with the median req/s is shown and the min–max follows).", "",
             f"Command: `python bench/load.py {' '.join(sys.argv[1:])}`", ""]
    lines += ["| endpoint | URLs | req/s | p50 ms | p90 ms | p99 ms | max ms | errors: non-2xx / socket | "
              "cold first request ms | serial median ms | req/s × serial s | server CPU | load tool CPU | "
              "RSS before → after MiB | VmHWM MiB | KiB/response |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for ep in eps:
        r = median_run(ep)
        serial = statistics.median(ep.serial_ms)
        lines.append(
            f"| `{ep.name}` | {len(ep.paths)} | {spread(ep, 'rps', 0)} | {spread(ep, 'p50', 1)} | "
            f"{spread(ep, 'p90', 1)} | {spread(ep, 'p99', 1)} | {r['max']:,.0f} | {r['non2xx']} / {r['socket']} | "
            f"{ep.cold_ms:,.0f} | {serial:,.1f} | {r['rps'] * serial / 1000:.2f} | {r['server_cpu'] * 100:.0f} % | "
            f"{r['tool_cpu'] * 100:.0f} % | {r['rss_before']:,.0f} → {r['rss_after']:,.0f} | {r['hwm_after']:,.0f} | "
            f"{r['kib_per_response']:,.1f} |")
    lines += ["", "Columns: *serial median* is one connection, one request at a time, after the warm-up; "
              "*req/s × serial s* is how many requests the server completes in parallel compared with that serial "
              "time (1.0: no parallelism at all); CPU columns are CPU seconds per wall second of the run (100 % = "
              "one core) for the server process and for the load tool.", ""]
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
    n = max(1, p["samples"])
    r = p["run"]
    out = [f"py-spy profile of `{ep.name}`: {p['samples']:,} samples of non-idle threads at 100 Hz over "
           f"{p['seconds']} s under the same load ({r['rps']:,.0f} req/s, p99 {r['p99']:,.1f} ms during the profile). "
           "Percentages are of all samples.", "",
           "| where the CPU goes (leaf frame's package) | % |", "|---|---|"]
    out += [f"| {k} | {v / n * 100:.1f} |" for k, v in p["packages"]]
    out += ["", "| project function (inclusive: on the stack) | % |", "|---|---|"]
    out += [f"| `{k}` | {v / n * 100:.1f} |" for k, v in p["project_inclusive"]]
    out += ["", "| project function (deepest project frame: its own time plus the libraries it calls) | % |",
            "|---|---|"]
    out += [f"| `{k}` | {v / n * 100:.1f} |" for k, v in p["project_deepest"]]
    out += ["", "| any function (own time: leaf frame) | % |", "|---|---|"]
    out += [f"| `{k}` | {v / n * 100:.1f} |" for k, v in p["own"]]
    return out


# -- main ---------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    tool = tool_of(args)
    tool_v = tool_version(*tool)
    log.info("load tool: %s (%s)", tool[0], tool_v)
    rev = revision()
    work = Path(tempfile.mkdtemp(prefix="qfq-bench-load-"))
    server: Server | None = None
    try:
        data, how = prepare_data(args, work)
        server = Server(args, data, work)
        code = code_location(server.env)
        startup = server.start(args.startup_timeout)
        eps = endpoints(server.port, args.queries)
        for ep in eps:
            warm_and_check(server.port, ep, args.serial)
        for i in range(args.repeat):
            for ep in eps:
                log.info("run %d/%d: %s — %d URLs, %g s, %d connections", i + 1, args.repeat, ep.name, len(ep.paths),
                         args.duration, args.connections)
                r = load_run(tool, args, server, ep, work, args.duration)
                ep.runs.append(r)
                log.info("  %.0f req/s, p50 %.1f ms, p99 %.1f ms, errors %d non-2xx + %d socket, server CPU %.0f %%, "
                         "RSS %.0f → %.0f MiB", r["rps"], r["p50"], r["p99"], r["non2xx"], r["socket"],
                         r["server_cpu"] * 100, r["rss_before"], r["rss_after"])
        for ep in eps:
            missed = not all(ok for _, _, ok in verdicts(ep))
            if args.profile == "all" or (args.profile == "auto" and missed):
                ep.profile = profile_endpoint(tool, args, server, ep, work)
        text = report(eps, args, tool, tool_v,
                      {"revision": rev, "code": code, "data": data if args.data else "a temporary directory",
                       "data_how": how, "startup": startup,
                       "server": server_setup(server, server.status()["Threads"])})
        if revision() != rev:
            log.warning("the code changed during the run: the numbers may mix two versions")
        if server.proc is not None and server.proc.poll() is not None:
            log.warning("the server exited during the run:\n%s", server.tail())
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
    parser = argparse.ArgumentParser(description="HTTP load benchmark of qfq serve (wrk, or locust without wrk)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per endpoint and run (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="load-tool threads (default 2)")
    parser.add_argument("--timeout", type=float, default=20,
                        help="seconds before the load tool gives up on a response; counted as a socket error "
                             "(default 20)")
    parser.add_argument("--corpus", default="../shared/corpus", help="corpus directory (default ../shared/corpus)")
    parser.add_argument("--data", help="data directory: reused as it is if it holds a store, else built there "
                                       "(default: a temporary directory, built and removed)")
    parser.add_argument("--vector-cache", help="vector cache file for the build and the server (QFQ_VECTOR_CACHE)")
    parser.add_argument("--port", type=int, help="port (default: a free one)")
    parser.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="QFQ_LOG_LEVEL of the server (default WARNING: no access log line per request)")
    parser.add_argument("--queries", type=int, default=20, help="search queries rotated (default 20)")
    parser.add_argument("--serial", type=int, default=20, help="least requests in the serial pass (default 20)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per endpoint, round-robin (default 1)")
    parser.add_argument("--tool", choices=("auto", "wrk", "locust"), default="auto",
                        help="load tool (default auto: wrk if installed, else locust)")
    parser.add_argument("--profile", choices=("auto", "all", "none"), default="auto",
                        help="py-spy profile of the endpoints that miss a target (auto), of all, or none")
    parser.add_argument("--profile-seconds", type=int, default=10, help="seconds per profile (default 10)")
    parser.add_argument("--profile-top", type=int, default=12, help="rows per profile table (default 12)")
    parser.add_argument("--startup-timeout", type=float, default=300, help="seconds to wait for /health")
    parser.add_argument("--keep-work", action="store_true", help="keep the work directory (server log, py-spy)")
    parser.add_argument("--verbose", action="store_true", help="debug logging (wrk's own output)")
    args = parser.parse_args(argv)
    if args.connections < args.threads or args.threads < 1 or args.duration <= 0 or args.repeat < 1:
        parser.error("need --threads ≥ 1, --connections ≥ --threads, --duration > 0, --repeat ≥ 1")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S", stream=sys.stderr)

    def on_term(signum: int, _frame: Any) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

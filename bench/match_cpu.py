"""CPU per uncached `/match` request through the whole app (routing, parameters, matcher, validation, JSON),
without the network: the request is handed to the ASGI app on one event loop, answer cache off.

    python bench/match_cpu.py --data DIR [--tree DIR] [--rounds 9] [--calls 200] [--query QUERY] [--service]

Prints the median and the minimum over --rounds of the CPU time per request (process time: every thread, so
a tree that hops to a worker thread pays for it), the wall time, and the load average. --tree measures another
checkout's code (e.g. main's) with this script. Run two trees at the same time (same machine state) and
compare the medians: the ratio is the change of CPU per request. --service times `Service.match` instead
(answer cache off, the six profiles of bench/eligibility.py in turn): p50 and p99 of --rounds × --calls calls.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import harness  # noqa: F401 -- puts this checkout first on sys.path

QUERY = "age=24&status=demandeur_emploi&where=Vire&need=mobilite"  # bench/scenarios.toml's `match`


async def measure(data: Path, rounds: int, calls: int, query: bytes) -> tuple[list[float], list[float]]:
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(data=data, answer_cache_size=0, warm_up=False))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/match",
        "raw_path": b"/match",
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def one() -> None:
        sent = []

        async def send(message: dict) -> None:
            sent.append(message)

        await app(dict(scope, state={}), receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"/match?{query.decode()} answered {sent[0]['status']}")

    cpu, wall = [], []
    async with app.router.lifespan_context(app):
        for _ in range(30):  # the first builds the knowledge base; the next fill the matcher's caches
            await one()
        for _ in range(rounds):
            c, w = time.process_time(), time.perf_counter()
            for _ in range(calls):
                await one()
            cpu.append((time.process_time() - c) / calls * 1000)
            wall.append((time.perf_counter() - w) / calls * 1000)
    return cpu, wall


def service_latencies(data: Path, calls: int) -> list[float]:
    import importlib.util

    from api.service import Service
    from api.settings import Settings

    spec = importlib.util.spec_from_file_location("bench_eligibility", harness.HERE / "eligibility.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    profiles = module.PROFILES  # bench/eligibility.py's rotation of adviser profiles

    svc = Service(Settings(data=data, answer_cache_size=0, warm_up=False))
    for p in profiles:
        svc.match(**p)
    samples = []
    for i in range(calls):
        t = time.perf_counter()
        svc.match(**profiles[i % len(profiles)])
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a data directory holding a built store")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--calls", type=int, default=200, help="requests per round")
    ap.add_argument("--query", default=QUERY)
    ap.add_argument("--tree", type=Path, default=harness.REPO, help="the checkout whose code is measured")
    ap.add_argument("--service", action="store_true", help="time Service.match (p50, p99) instead")
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    if args.service:
        samples = sorted(service_latencies(args.data, args.rounds * args.calls))
        p50, p99 = samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        print(
            f"{args.tree}: Service.match p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {samples[-1]:.2f} ms; "
            f"{len(samples)} calls; load average {load}"
        )
        return
    cpu, wall = asyncio.run(measure(args.data, args.rounds, args.calls, args.query.encode()))
    print(
        f"{args.tree}: CPU per request median {statistics.median(cpu):.3f} ms, "
        f"min {min(cpu):.3f} ms; wall median {statistics.median(wall):.3f} ms; "
        f"{args.rounds} × {args.calls} requests; load average {load}"
    )


if __name__ == "__main__":
    main()

"""Query commands computed in the command's own process (`--local`): the knowledge graph built from the store
(no saved graph: "cold") against the graph loaded from `<data>/graph.pickle` ("warm").

    python bench/cli_local.py [--repeat 3] [--data DIR] [--corpus ../shared/corpus] [--work DIR]

Each run is a whole `python -m api.cli …` process (what `qfq` starts), timed from outside: Python's start, the
imports, the reference data, the graph (built or loaded), the answer. Cold runs remove the saved graph first
(so they build it, then save it); warm runs find the file the previous run saved. Both print the same answer
(checked). Without --data the corpus is ingested first into the scratch directory (untimed, no vectors: the
two commands read the graph only). Target (issue 11): ≤ 1.5 s per command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import harness

from graph.knowledge_disk import FILE_NAME

COMMANDS = {
    "who": ["who", "--where", "Calvados", "--local"],
    "match": ["match", "--where", "14000", "--age", "24", "--status", "demandeur_emploi", "--local"],
}


def qfq(data: Path, argv: list[str], corpus: Path | None = None) -> str:
    env = {**os.environ, "QFQ_DATA": str(data), "PYTHONPATH": str(harness.REPO)}
    if corpus is not None:
        env["QFQ_CORPUS"] = f'["{corpus}"]'
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *argv], env=env, cwd=harness.REPO, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"qfq {' '.join(argv)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, help="data directory already built over the corpus (default: build one)"
    )
    args = ap.parse_args()
    work = harness.start(args, "cli-local")
    try:
        data = args.data or work / "data"
        if not (data / "qfq.sqlite").is_file():
            harness.log.info("ingesting %s into %s (untimed)", args.corpus, data)
            qfq(data, ["build", "--no-index"], corpus=args.corpus)
        saved = data / FILE_NAME
        answers: dict[str, set[str]] = {}

        def call(name: str):
            def run(_arg: object) -> str:
                out = qfq(data, COMMANDS[name])
                answers.setdefault(name, set()).add(out)
                return out

            return run

        scenarios = []
        for name in COMMANDS:
            scenarios.append(
                harness.Scenario(
                    f"{name} cold (graph built, then saved)",
                    call(name),
                    repeats=args.repeat,
                    setup=lambda _item: saved.unlink(missing_ok=True),
                    describe=lambda _v: (
                        f"file {saved.stat().st_size / 2**20:.2f} MiB" if saved.exists() else ""
                    ),
                )
            )
            scenarios.append(harness.Scenario(f"{name} warm (graph loaded)", call(name), repeats=args.repeat))
        results = harness.run(scenarios)
        for name, outs in answers.items():
            if len(outs) != 1:
                raise SystemExit(f"{name}: the cold and warm runs printed different answers")
        checks = []
        for name in COMMANDS:
            cold, warm = (
                results[f"{name} cold (graph built, then saved)"],
                results[f"{name} warm (graph loaded)"],
            )
            checks.append(harness.check(f"{name} --local warm, median (s)", warm.median, 1.5))
            checks.append(harness.check(f"{name} warm / cold (median)", warm.median / cold.median))
        harness.report(
            "Query commands without a server (`--local`): graph built vs loaded",
            harness.results_table(results),
            harness.targets_table(checks),
            "The same answer was printed by every run of a command (cold and warm).",
        )
    finally:
        harness.finish(args, work)


if __name__ == "__main__":
    main()

"""NLP mentions benchmark: the spaCy pass over all the text of the corpus (model load apart), and peak RSS.

    python bench/entities_nlp.py [--corpus ../shared/corpus] [--repeat 3] [--batch-size 64]

Standalone (imports nothing from bench/). Each document is cut into paragraphs (blank lines), each paragraph a
block of kind "document" ("contacts" for the booklet's CONTACTS blocks). Each scenario runs in a fresh child
process (cold, as a build is: the first pass over new text is ~40 % slower than a second one), --repeat times:

- ``pipe``     `FrenchNLP.pipe` alone over the prepared texts (the NLP pass), 1 and 2 processes;
- ``extract``  one `extract_mentions` call over all the blocks (preparation, pipe, gazetteer, candidates,
               cues, roles), 1 and 2 processes;

with the model load (once per process, not in the pass), wall and CPU time (children included), peak RSS (the
parent's plus, with 2 processes, the largest child's), the load average (other work on the machine inflates
wall times; CPU time is what a quiet machine's wall time approaches), the mentions found by kind and role, and
precision / recall on tests/data/mentions_expected.toml (tuned and held-out sets).

The gazetteer is tests/data/mentions_gazetteer.toml (a small hand-written one: the graph side passes the real
referential). Progress goes to the log (stderr); the Markdown on stdout is the output.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/ingest.py shadows `ingest`
sys.path.insert(0, str(REPO))

from ingest.mentions import Block, FrenchNLP, Gazetteer, extract_mentions  # noqa: E402
from ingest.mentions.normalize import fold, prepare, recase  # noqa: E402

log = logging.getLogger("bench.entities_nlp")


def corpus_blocks(corpus: Path) -> list[Block]:
    blocks = []
    for path in sorted(corpus.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        start = None
        for i, line in enumerate([*lines, ""]):
            if line.strip() and start is None:
                start = i
            elif not line.strip() and start is not None:
                text = "\n".join(lines[start:i])
                kind = "contacts" if lines[start].strip() == "CONTACTS" else "document"
                if kind == "contacts":
                    text = "\n".join(lines[start + 1 : i])
                    start += 1
                if text.strip():
                    blocks.append(Block(text, start + 1, None, kind))
                start = None
    return blocks


def score(cases: list[dict], gazetteer: Gazetteer, nlp: FrenchNLP) -> tuple[float, float, int]:
    tp = fp = fn = 0
    for case in cases:
        ms = extract_mentions([Block(case["text"], 1, None, case.get("kind", "description"))], gazetteer, nlp)
        want = {(fold(s), k, r) for s, k, r in case["expected"]}
        got = {(fold(m.surface), m.kind, m.role) for m in ms}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp + fn


def scenario(corpus: Path, step: str, n_process: int, batch_size: int) -> dict:
    """One cold run in this (fresh) process: load the model, then one pass, timed."""
    blocks = corpus_blocks(corpus)
    nlp = FrenchNLP(batch_size=batch_size, n_process=n_process)
    t0 = time.perf_counter()
    nlp.nlp  # noqa: B018 - load now, timed apart
    load = time.perf_counter() - t0
    with (REPO / "tests" / "data" / "mentions_gazetteer.toml").open("rb") as fh:
        gazetteer = Gazetteer([tuple(r) for r in tomllib.load(fh)["rows"]], nlp)
    # the matchers are built on a one-line text, outside the timed pass
    extract_mentions([Block("Pôle emploi à Caen.", 1)], gazetteer, nlp)
    texts = [prepare(recase(b.text, set(), gazetteer.acronyms))[0] for b in blocks]
    before, t0 = os.times(), time.perf_counter()
    if step == "pipe":
        result = sum(len(doc) for doc in nlp.pipe(texts))
    else:
        mentions = extract_mentions(blocks, gazetteer, nlp)
        result = len(mentions)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = after.user + after.system - before.user - before.system
    cpu += after.children_user + after.children_system - before.children_user - before.children_system
    out = {"load": load, "wall": wall, "cpu": cpu, "result": result, "blocks": len(blocks)}
    out["chars"] = sum(len(b.text) for b in blocks)
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["children_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out["load_average"] = os.getloadavg()[0]
    if step == "extract":
        out["counts"] = sorted(Counter(f"{m.kind}/{m.role}" for m in mentions).items())
        with (REPO / "tests" / "data" / "mentions_expected.toml").open("rb") as fh:
            expected = tomllib.load(fh)
        out["quality"] = {name: score(expected[name], gazetteer, nlp) for name in ("case", "held_out")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)  # "pipe:1", "extract:2": run in a child
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"--corpus {corpus}: not a directory (valid: the folder of the corpus .txt files)")
    if args.scenario:
        step, n = args.scenario.split(":")
        print(json.dumps(scenario(corpus, step, int(n), args.batch_size)))
        return
    rows: dict[str, list[dict]] = {}
    for run in range(args.repeat):
        for name in ("pipe:1", "pipe:2", "extract:1", "extract:2"):
            cmd = [sys.executable, __file__, "--corpus", str(corpus), "--batch-size", str(args.batch_size)]
            done = subprocess.run([*cmd, "--scenario", name], capture_output=True, text=True, check=True)
            rows.setdefault(name, []).append(json.loads(done.stdout))
            r = rows[name][-1]
            log.info(
                "run %d %s: wall %.2f s, cpu %.2f s (load avg %.1f)",
                run + 1,
                name,
                r["wall"],
                r["cpu"],
                r["load_average"],
            )
    report(rows, args.repeat)


def report(rows: dict[str, list[dict]], repeat: int) -> None:
    first = rows["extract:1"][0]
    med = {
        k: {f: statistics.median(r[f] for r in v) for f in ("load", "wall", "cpu", "rss_mib", "load_average")}
        for k, v in rows.items()
    }
    print(f"## NLP mentions ({platform.machine()}, {os.cpu_count()} cores), median of {repeat} runs\n")
    print(
        f"{first['blocks']} blocks, {first['chars']:,} characters, {rows['pipe:1'][0]['result']:,} tokens\n"
    )
    print("| step | processes | model load s | wall s | CPU s (all processes) | peak RSS MiB | load avg |")
    print("|---|---|---|---|---|---|---|")
    for name, m in med.items():
        step, n = name.split(":")
        rss = m["rss_mib"] + (rows[name][0]["children_rss_mib"] if n != "1" else 0)
        print(
            f"| {step} | {n} | {m['load']:.1f} | {m['wall']:.2f} | {m['cpu']:.2f} | {rss:.0f} | "
            f"{m['load_average']:.1f} |"
        )
    same = {r["result"] for r in rows["extract:1"] + rows["extract:2"]}
    print(f"\nmentions found: {sorted(same)} (one value: 1 and 2 processes agree)\n")
    print("| kind/role | mentions |\n|---|---|")
    for key, n in first["counts"]:
        print(f"| {key} | {n} |")
    print("\n| hand-checked set | mentions | precision | recall |\n|---|---|---|---|")
    for name, (p, r, n) in first["quality"].items():
        print(f"| {name} | {n} | {p:.2f} | {r:.2f} |")


if __name__ == "__main__":
    main()

"""Adviser personas: the share of their checks /match passes, per persona file, on the whole corpus.

    python bench/match_personas.py [--corpus DIR] [--work DIR] [--set 14|13|12b|12|11|10|9|8|7|all]

A check is a verdict (eligible / excluded / undecided with the facts asked / absent) of one dispositif for one
persona; for the session-10, 11 and 12 sets also the failed condition's words, the place understood and three
invariants per persona (no slug, no « aucune condition » where a rule exists, no fact asked twice: see
tests/persona_checks.py); for the session-13 and 14 sets also the local actions kept and whom to call. Prints,
per set, the checks passed over the total and every failing check. The first score of a held-out set is the
one measured before any fix (BENCHMARKS.md records it).
"""

from __future__ import annotations

import importlib

import harness

SETS = {
    "7": "tests.test_match_advisers",
    "8": "tests.test_match_personas",
    "9": "tests.test_match_personas9",
    "10": "tests.test_match_personas10",
    "11": "tests.test_match_personas11",
    "12": "tests.test_match_personas12",
    "12b": "tests.test_match_personas12b",
    "13": "tests.test_match_personas13",
    "14": "tests.test_match_personas14",
}


def score(svc, module) -> tuple[int, int, list[str]]:
    from ingest.errors import InputError
    from tests.persona_checks import persona_failures, verdicts, wrong_verdicts

    total, passed, failing = 0, 0, []
    for persona in module.PERSONAS:
        if len(persona) == 4:
            try:
                checks, failures = persona_failures(svc, persona)
            except InputError as err:  # a refused profile fails every one of its checks
                details = persona[3]
                checks = len(persona[2]) + ("where" in details) + 3
                checks += sum(len(details.get(k, ())) for k in ("failed", "actions", "never_asked"))
                failures = [f"refused ({err.message})"] * checks
        else:
            name, profile, expected = persona
            answer = svc.match(**profile)
            checks = len(expected)
            if hasattr(module, "verdicts"):  # session 7: plain verdicts, without the facts asked
                got = module.verdicts(answer)
                failures = [
                    f"{d}: {w} got {got.get(d)}" for d, w in expected.items() if got.get(d, "absent") != w
                ]
            else:
                failures = [f"{s}: {w}" for s, w in wrong_verdicts(verdicts(answer), expected).items()]
        total += checks
        passed += checks - len(failures)
        failing += [f"{persona[0]} — {f}" for f in failures]
    return passed, total, failing


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0], repeat=1)
    ap.add_argument("--set", default="all", choices=[*SETS, "all"], help="persona set (all)")
    args = ap.parse_args()
    work = harness.start(args, "personas")
    try:
        svc = harness.service(work / "data", args.corpus, answer_cache_size=0, warm_up=False)
        svc.build([args.corpus])
        rows, listed = [], []
        for key in SETS if args.set == "all" else [args.set]:
            module = importlib.import_module(SETS[key])
            passed, total, failing = score(svc, module)
            rows.append(
                (
                    f"session {key} (`{module.__name__.split('.')[-1]}.py`)",
                    passed,
                    total,
                    f"{passed / total:.3f}",
                )
            )
            listed += [f"- [{key}] {f}" for f in failing]
        harness.report(
            "Adviser personas (`bench/match_personas.py`)",
            harness.table("set | passed | checks | score", rows),
            "\n".join(listed) or "Every check passes.",
        )
    finally:
        harness.finish(args, work)


if __name__ == "__main__":
    main()

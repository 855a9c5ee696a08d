"""Eligibility benchmark: agreement with OpenFisca-France on generated profiles, and `/match` speed.

    python bench/eligibility.py [--profiles 1000] [--seed 12] [--calls 300] [--corpus DIR] [--work DIR]

1. Cross-check: --profiles generated profiles, each against every dispositif both qfq and OpenFisca-France
   model (the generator, the mapping and the rule for undecided verdicts are in
   tests/test_openfisca_crosscheck.py, which this script imports). Prints the counts, per dispositif too,
   every disagreement with its profile, and the documented divergences apart (they count against the
   agreement); then the same profiles with OpenFisca's divergent parameters and formulas set to the
   official rule. Target: 100 % agreement on >= 500 profiles.
2. Matcher: the corpus is ingested (untimed), then `Service.match` with the answer cache off
   (answer_cache_size=0: every call computes its answer) on a rotation of adviser profiles, --calls times
   after 5 warm-up calls. Target: p99 <= 50 ms. The HTTP figure is bench/load.py's `/match` row with
   `--server-env QFQ_ANSWER_CACHE_SIZE=0`.
"""

from __future__ import annotations

import importlib.util
import sys
import time

import harness

PROFILES = [
    {"age": 24, "statuses": ["demandeur_emploi"], "where": "Vire", "needs": ["mobilite"]},
    {"age": 17, "statuses": ["apprenti"], "where": "Caen", "needs": ["logement", "mobilite"]},
    {"age": 35, "statuses": ["salarie"], "where": "Cherbourg-en-Cotentin", "needs": ["logement"]},
    {
        "age": 29,
        "statuses": ["demandeur_emploi", "parent_isole"],
        "where": "85000",
        "needs": ["garde_enfants", "emploi"],
        "facts": {"enfants": "2,7", "are_journaliere": 0, "reprise": "cdd", "contrat_duree_mois": 6},
    },
    {
        "age": 27,
        "statuses": ["travailleur_handicape", "sans_emploi_ni_formation"],
        "where": "Rennes",
        "needs": [],
    },
    {"where": "Nantes", "needs": ["emploi", "formation"]},
]


def _doc(function) -> str:
    """A function's docstring on one line."""
    return " ".join(function.__doc__.split())


def crosscheck_module():
    path = harness.REPO / "tests" / "test_openfisca_crosscheck.py"
    spec = importlib.util.spec_from_file_location("openfisca_crosscheck", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0], repeat=1)
    ap.add_argument("--profiles", type=int, default=1000, help="generated profiles (1000)")
    ap.add_argument("--seed", type=int, default=12, help="generator seed (12)")
    ap.add_argument("--calls", type=int, default=300, help="timed match calls (300)")
    args = ap.parse_args()
    work = harness.start(args, "eligibility")
    try:
        cc = crosscheck_module()
        t0 = time.perf_counter()
        report = cc.crosscheck(cc.generate(args.profiles, args.seed))
        took = time.perf_counter() - t0
        decisions = "; ".join(
            f"{slug}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items()))
            for slug, c in report.decisions.items()
        )
        cross = harness.table(
            "profiles | comparisons | agree (decided) | agree (undecided, fact missing) | divergences | "
            "disagreements | agreement | agreement besides divergences",
            [
                (
                    args.profiles,
                    report.compared,
                    report.decided_agree,
                    report.undecided_agree,
                    len(report.divergences),
                    len(report.disagreements),
                    f"{report.agreement:.1%}",
                    f"{report.agreement_besides_divergences:.1%}",
                )
            ],
        )
        per_dispositif = harness.table(
            "dispositif | OpenFisca variable | comparisons | agree | documented divergences | disagreements "
            "| agreement",
            [
                (
                    slug,
                    f"`{cc.PAIRS[slug]}`",
                    sum(o.values()),
                    o["agree"],
                    o["divergence"],
                    o["disagreement"],
                    f"{o['agree'] / sum(o.values()):.1%}",
                )
                for slug, o in report.outcomes.items()
            ],
        )
        official = cc.crosscheck(cc.generate(args.profiles, args.seed), official=True)
        readings = ", ".join(
            sorted(
                {
                    f"`{k}` = {v}" if "." in k else f"`{k}` by the official formula ({_doc(v)})"
                    for *_, params in cc.DIVERGENCES
                    for k, v in params.items()
                }
            )
        )
        official_line = (
            f"With OpenFisca's parameters set to the official rule ({readings or 'none'}): "
            f"{official.decided_agree + official.undecided_agree} / {official.compared} agree, "
            f"{len(official.disagreements)} disagreements (each divergence is exactly that parameter or "
            "formula)."
        )
        listed = "\n".join(f"- {line}" for line in report.disagreements) or "No disagreement."
        kinds = sorted({line.rsplit("[", 1)[1].rstrip("]") for line in report.divergences})
        divergences = "Documented divergences (qfq follows the official page; each misses the target): " + (
            "; ".join(f"{kind} ({sum(kind in d for d in report.divergences)})" for kind in kinds) or "none"
        )
        contract = "; ".join(
            f"{slug}: compared on the contract (OpenFisca's {cc.PAIRS[slug]} with the allowance's inputs "
            f"neutral); the full variable refuses the allowance to {len(refused)} of the profiles whose "
            f"contract it accepts ({sum('beneficiaire_rsa' in p.statuses for p in refused)} beneficiaries of "
            "the RSA)"
            for slug, refused in report.allowance_refused.items()
        )

        data = work / "data"
        svc = harness.service(data, args.corpus, answer_cache_size=0)
        svc.build([args.corpus])
        for p in PROFILES[:5]:
            svc.match(**p)
        samples = []
        for i in range(args.calls):
            p = PROFILES[i % len(PROFILES)]
            s = time.perf_counter()
            svc.match(**p)
            samples.append(time.perf_counter() - s)
        p50, p99 = (harness.percentile(samples, k) * 1000 for k in (50, 99))
        speed = harness.table(
            "scenario | calls | p50 ms | p99 ms | max ms",
            [
                (
                    "`Service.match`, answer cache off",
                    len(samples),
                    f"{p50:.1f}",
                    f"{p99:.1f}",
                    f"{max(samples) * 1000:.1f}",
                )
            ],
        )
        checks = [
            harness.check("generated profiles", args.profiles, 500, at_least=True),
            harness.check("agreement with OpenFisca, %", report.agreement * 100, 100, at_least=True),
            harness.check("match p99 (uncached), ms", p99, 50),
        ]
        harness.report(
            "Eligibility (`bench/eligibility.py`)",
            f"Cross-check with OpenFisca-France ({took:.0f} s): {decisions}.",
            cross,
            per_dispositif,
            divergences,
            official_line,
            contract,
            listed,
            speed,
            harness.targets_table(checks),
            versions=["openfisca-france", "openfisca-core"],
        )
    finally:
        harness.finish(args, work)


if __name__ == "__main__":
    main()

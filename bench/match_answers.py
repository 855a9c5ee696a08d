"""The `/match` answers of generated adviser profiles, as HTTP bodies, to compare two trees byte for byte.

    python bench/match_answers.py --data DIR [--profiles 400] [--seed 7] [--out FILE]

Generates --profiles varied profiles (age, statuses, place, needs, optional facts; a tenth through POST, some
malformed: an unknown place, an ambiguous commune, a bad fact value), asks each of the app of this checkout
(FastAPI TestClient over the store in --data, answer cache off) and writes one line per profile: the request,
the status and the body. Run it from two trees on the same store and compare the files (`cmp`, or the
printed digest): a change meant to make `/match` faster must leave every line identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [
    str(HERE.parent),
    *(p for p in sys.path if Path(p or ".").resolve() not in (HERE, HERE.parent)),
]

PLACES = [
    "Vire",
    "Caen",
    "14000",
    "Cherbourg-en-Cotentin",
    "Cherbourg",
    "Saint-Lô",
    "50000",
    "Rouen",
    "Évreux",
    "27000",
    "Le Havre",
    "Alençon",
    "Rennes",
    "35000",
    "Brest",
    "Quimper",
    "Lorient",
    "Nantes",
    "44000",
    "La Roche-sur-Yon",
    "85000",
    "Les Herbiers",
    "Angers",
    "Le Mans",
    "Laval",
    "Cholet",
    "Saint-Nazaire",
    "Calvados",
    "Vendée",
    "Normandie",
    "Bretagne",
    "Pays de la Loire",
    "Manche",
    "Orne",
    "Eure",
    "Saint-Denis",
    "Atlantide",
    "Lisieux",
    "Honfleur",
    "Bayeux",
    "Flers",
    "Granville",
    "Vitré",
]


def profile(rng: random.Random, statuses: list[str], needs: list[str], facts: list[dict]) -> dict:
    out: dict = {"where": rng.choice(PLACES)}
    if rng.random() < 0.85:
        out["age"] = rng.choice([14, 16, 17, 18, 21, 24, 25, 26, 28, 29, 30, 31, 35, 45, 52, 58, 62, 67])
    out["statuses"] = rng.sample(statuses, rng.choice([0, 1, 1, 2, 2, 3]))
    out["needs"] = rng.sample(needs, rng.choice([0, 1, 1, 2, 3]))
    chosen = {}
    for fact in rng.sample(facts, rng.choice([0, 0, 1, 2, 4])):
        kind = fact["type"]
        if kind == "bool":
            chosen[fact["fact"]] = rng.choice(["oui", "non"])
        elif kind == "enum":
            chosen[fact["fact"]] = rng.choice(fact["values"])["slug"]
        elif kind == "ages":
            chosen[fact["fact"]] = ",".join(str(rng.randint(0, 17)) for _ in range(rng.randint(0, 3)))
        else:
            chosen[fact["fact"]] = str(rng.choice([0, 1, 3, 6, 12, 24, 800, 1200, 1500, 2500]))
    if rng.random() < 0.03 and facts:
        chosen[facts[0]["fact"]] = "peut-être"  # malformed: a 422
    out["facts"] = chosen
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a data directory holding a built store")
    ap.add_argument("--profiles", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, help="the lines (default: only the digest is printed)")
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(data=args.data, answer_cache_size=0, warm_up=False)
    rng = random.Random(args.seed)
    lines = []
    with TestClient(create_app(settings)) as client:
        vocabulary = client.get("/vocabulary").json()
        statuses = [s["slug"] for s in vocabulary["statuses"]]
        needs = [n["slug"] for n in vocabulary["needs"]]
        facts = vocabulary["facts"]
        for i in range(args.profiles):
            p = profile(rng, statuses, needs, facts)
            if i % 10 == 9:
                r = client.post("/match", json=p)
            else:
                params = [("where", p["where"])] + ([("age", p["age"])] if "age" in p else [])
                params += [("status", s) for s in p["statuses"]] + [("need", n) for n in p["needs"]]
                params += [("fact", f"{k}={v}") for k, v in p["facts"].items()]
                r = client.get("/match", params=params)
            lines.append(json.dumps({"request": p, "status": r.status_code}, ensure_ascii=False))
            lines.append(r.content.decode("utf-8"))
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    codes = [json.loads(line)["status"] for line in lines[::2]]
    print(
        f"{args.profiles} profiles: {codes.count(200)} answered, {len(codes) - codes.count(200)} refused; "
        f"sha256 {hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    )


if __name__ == "__main__":
    main()

"""Build qfq's territorial referential (``graph/data/territories.json.gz``).

The source is the npm package ``@etalab/decoupage-administratif`` (code MIT, data Licence
Ouverte), pinned below. The script fetches the tarball with ``npm pack`` into a temporary
directory (no ``node_modules`` anywhere), reads its ``data/*.json`` files and writes a compact,
deterministic gzip JSON file holding only what qfq needs. Only this script needs npm: the
generated file is package data, read by :mod:`graph.territories`.

Usage (from the repository root)::

    python scripts/build_territories.py                  # fetch the pinned version with npm
    python scripts/build_territories.py --tarball X.tgz  # use an already downloaded tarball
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import logging
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("build_territories")

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"  # pinned: the 2026 millésime (COG 2026, EPCI DGCL 2026)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "graph" / "data" / "territories.json.gz"
FORMAT_VERSION = 1
COMMUNE_FIELDS = ["code", "nom", "departement", "region", "epci", "codesPostaux", "population"]
ALIAS_TYPES = {
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
    "arrondissement-municipal": "arrondissement-municipal",
}


def npm_pack(version: str, dest: Path) -> tuple[Path, str | None]:
    """Download the package tarball with ``npm pack``; return its path and npm's integrity hash."""
    spec = f"{PACKAGE}@{version}"
    log.info("npm pack %s", spec)
    proc = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
        cwd=dest,
    )
    info = json.loads(proc.stdout)[0]
    return dest / info["filename"], info.get("integrity")


def read_package(tarball: Path, workdir: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Extract the tarball and return (package.json, {data file stem: parsed JSON})."""
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("package/")]
        tar.extractall(workdir, members=members, filter="data")
    root = workdir / "package"
    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    data = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "data").glob("*.json"))}
    log.info("data files: %s", ", ".join(f"{k} ({len(v)})" for k, v in data.items()))
    return meta, data


def convert(
    meta: dict[str, Any], data: dict[str, list[dict[str, Any]]], *, integrity: str | None, built: str
) -> dict[str, Any]:
    """Reduce the raw package data to qfq's compact, deterministic referential."""
    regions = sorted(({"code": r["code"], "nom": r["nom"]} for r in data["regions"]), key=lambda r: r["code"])
    departements = sorted(
        ({"code": d["code"], "nom": d["nom"], "region": d["region"]} for d in data["departements"]),
        key=lambda d: d["code"],
    )
    current = {c["code"]: c for c in data["communes"] if c.get("type") == "commune-actuelle"}
    epcis, epci_of = _epcis(data["epci"], current)
    rows = _commune_rows(current, epci_of)
    aliases, old_codes = _other_names(data["communes"], current)
    return {
        "format": FORMAT_VERSION,
        "source": {
            "package": meta["name"],
            "version": meta["version"],
            "license": meta.get("license"),
            "data_license": "Licence Ouverte / Open Licence (Etalab)",
            "repository": meta.get("repository"),
            "integrity": integrity,
            "built": built,
        },
        "regions": regions,
        "departements": departements,
        "epci": epcis,
        "communes": {"fields": COMMUNE_FIELDS, "rows": rows},
        "aliases": [list(a) for a in sorted(aliases)],
        "anciens_codes": dict(sorted(old_codes.items())),
    }


def _epcis(
    raw: list[dict[str, Any]], current: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The EPCI sorted by code, with their current member communes, and the EPCI of each commune (the first
    one listing it)."""
    epcis = []
    epci_of: dict[str, str] = {}
    for e in raw:
        members = sorted({m["code"] for m in e.get("membres", [])})
        unknown = [m for m in members if m not in current]
        if unknown:
            log.warning("EPCI %s lists non-current communes %s (dropped)", e["code"], unknown)
        members = [m for m in members if m in current]
        for m in members:
            if m in epci_of:
                log.warning("commune %s in two EPCI (%s, %s); keeping the first", m, epci_of[m], e["code"])
            else:
                epci_of[m] = e["code"]
        epcis.append({"code": e["code"], "nom": e["nom"], "type": e.get("type"), "membres": members})
    epcis.sort(key=lambda e: e["code"])
    return epcis, epci_of


def _commune_rows(current: dict[str, dict[str, Any]], epci_of: dict[str, str]) -> list[list[Any]]:
    """One row per current commune, sorted by code, with the columns of ``COMMUNE_FIELDS``."""
    rows = []
    for code in sorted(current):
        c = current[code]
        rows.append(
            [
                code,
                c["nom"],
                c["departement"],
                c["region"],
                epci_of.get(code),
                sorted(c.get("codesPostaux", [])),
                c.get("population"),
            ]
        )
    return rows


def _other_names(
    communes: list[dict[str, Any]], current: dict[str, dict[str, Any]]
) -> tuple[set[tuple[str, str, str]], dict[str, str]]:
    """Other names of a current commune (communes déléguées/associées, arrondissements municipaux) as
    (name, commune code, kind), and the former codes that lead to a current commune."""
    aliases: set[tuple[str, str, str]] = set()
    old_codes: dict[str, str] = {}
    for c in communes:
        kind = ALIAS_TYPES.get(c.get("type", ""))
        target = c.get("chefLieu") or c.get("commune")
        if kind is None or target not in current:
            continue
        if c["nom"] != current[target]["nom"]:
            aliases.add((c["nom"], target, kind))
        if c["code"] not in current:
            old_codes[c["code"]] = target
    for code, c in current.items():
        for old in c.get("anciensCodes", []):
            if old not in current:
                old_codes.setdefault(old, code)
    return aliases, old_codes


def write(referential: dict[str, Any], out: Path) -> None:
    """Write gzip JSON deterministically (sorted keys, no gzip timestamp), atomically."""
    payload = json.dumps(referential, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload)
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"package version (default: pinned {VERSION})")
    parser.add_argument("--tarball", type=Path, help="use this package tarball instead of running npm pack")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file")
    parser.add_argument(
        "--built", default=dt.date.today().isoformat(), help="build date to record (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    with tempfile.TemporaryDirectory(prefix="qfq-territories-") as tmp:
        workdir = Path(tmp)
        if args.tarball:
            tarball, integrity = args.tarball, None
        else:
            tarball, integrity = npm_pack(args.version, workdir)
        meta, data = read_package(tarball, workdir)
        if not args.tarball and meta["version"] != args.version:
            raise SystemExit(f"npm returned version {meta['version']}, expected {args.version}")
        referential = convert(meta, data, integrity=integrity, built=args.built)
    write(referential, args.out)
    log.info(
        "wrote %s (%d bytes): %d régions, %d départements, %d EPCI, %d communes, %d aliases, %d former codes "
        "from %s@%s",
        args.out,
        args.out.stat().st_size,
        len(referential["regions"]),
        len(referential["departements"]),
        len(referential["epci"]),
        len(referential["communes"]["rows"]),
        len(referential["aliases"]),
        len(referential["anciens_codes"]),
        meta["name"],
        meta["version"],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

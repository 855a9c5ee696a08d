"""Vendor the web page's JavaScript libraries and map outlines into ``api/static/vendor/`` (git-ignored).

The packages and the files taken from each are pinned in ``scripts/frontend-packages.txt``. Each package
is fetched with ``npm pack`` into a temporary directory (no ``node_modules``, nothing installed), and only
the listed files are copied. Run it once at install time, after ``pip install``: the service then serves
these files itself, nothing is fetched from a CDN or the registry at run time.

A destination ending in ``.json`` whose source is an ES module (``export default {…}``) is converted to
plain JSON (the map outlines are shipped that way). The outlines of the régions are then derived from those of
the départements (``regions.json`` beside ``departements.json``): the départements of a région (from the
territory referential, ``graph/data/territories.json.gz``) share their borders vertex for vertex, so the
région's outline is made of the segments that belong to one of its départements only (the inner borders,
drawn twice, cancel out), chained into rings. The source is CC BY 4.0: the page credits it and says the région
outlines are derived from it.

Usage (from the repository root)::

    python scripts/vendor_frontend.py            # fetch what is missing
    python scripts/vendor_frontend.py --force    # fetch everything again
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("vendor_frontend")
ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "scripts" / "frontend-packages.txt"
VENDOR = ROOT / "api" / "static" / "vendor"
OUTLINES = VENDOR / "france-departements"
TERRITORIES = ROOT / "graph" / "data" / "territories.json.gz"
SNAP = 0.05  # vertices of two départements closer than this (in viewBox units, ~613 wide) are one vertex


@dataclass(frozen=True)
class Package:
    spec: str  # name@version
    directory: str
    files: tuple[tuple[str, str], ...]  # (path in the package, destination name)


def read_pins(path: Path = PINS) -> list[Package]:
    packages = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, directory, *files = line.split()
        if "@" not in spec.lstrip("@") or not files:
            raise SystemExit(f"{path}:{n}: expected 'name@version directory file…', got {raw!r}")
        pairs = tuple((f.split("=", 1)[0], f.split("=", 1)[-1].rsplit("/", 1)[-1]) for f in files)
        packages.append(Package(spec, directory, pairs))
    return packages


def _es_module_to_json(text: str, where: str) -> str:
    body = text.strip()
    if not body.startswith("export default"):
        raise SystemExit(f"{where}: expected an ES module 'export default {{…}}'")
    body = body.removeprefix("export default").strip().rstrip(";")
    return json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))


def vendor(package: Package, npm: str, force: bool = False) -> bool:
    target = VENDOR / package.directory
    if not force and all((target / dst).exists() for _, dst in package.files):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", package.spec, "--silent"], cwd=tmp, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"npm pack {package.spec} failed: {done.stderr.strip()}")
        tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        target.mkdir(parents=True, exist_ok=True)
        for src, dst in package.files:
            source = Path(tmp) / "package" / src
            if not source.is_file():
                raise SystemExit(f"{package.spec}: no file {src!r} in the package")
            if dst.endswith(".json") and src.endswith(".js"):
                text = source.read_text(encoding="utf-8")
                (target / dst).write_text(_es_module_to_json(text, f"{package.spec}/{src}"), encoding="utf-8")
            else:
                shutil.copyfile(source, target / dst)
    log.info("vendored %s into %s", package.spec, target.relative_to(ROOT))
    return True


# -- région outlines from the départements' ----------------------------------------------------------------
Point = tuple[float, float]


def path_rings(d: str, where: str) -> list[list[Point]]:
    """The closed rings of an SVG path made of moveto/lineto/closepath commands (absolute or relative)."""
    rings: list[list[Point]] = []
    ring: list[Point] = []
    x = y = 0.0
    command = ""
    tokens = re.findall(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?", d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            if token not in "MmLlZz":
                raise SystemExit(f"{where}: path command {token!r} not handled (M, L, Z only)")
            if token in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            command = token
            i += 1
            continue
        dx, dy = float(token), float(tokens[i + 1])
        i += 2
        x, y = (x + dx, y + dy) if command.islower() else (dx, dy)
        if command in "Mm":
            if ring:
                rings.append(ring)
            ring = [(x, y)]
            command = "l" if command == "m" else "L"  # coordinates after a moveto are linetos
        else:
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


class _Vertices:
    """Vertices snapped together when closer than SNAP (the two sides of a border, rounded apart)."""

    def __init__(self) -> None:
        self.points: list[Point] = []
        self._cells: dict[tuple[int, int], list[int]] = defaultdict(list)

    def id(self, p: Point) -> int:
        cx, cy = int(p[0] // SNAP), int(p[1] // SNAP)
        for nx in (cx - 1, cx, cx + 1):
            for ny in (cy - 1, cy, cy + 1):
                for i in self._cells.get((nx, ny), ()):
                    q = self.points[i]
                    if abs(q[0] - p[0]) <= SNAP and abs(q[1] - p[1]) <= SNAP:
                        return i
        self.points.append(p)
        self._cells[(cx, cy)].append(len(self.points) - 1)
        return len(self.points) - 1


def _segments(rings: list[list[int]]) -> list[tuple[int, int]]:
    out = []
    for ring in rings:
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            if a != b:
                out.append((min(a, b), max(a, b)))
    return out


def _chain(edges: list[tuple[int, int]]) -> list[list[int]]:
    """The edges (each once) chained into rings; a chain that does not close is kept open."""
    around: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        around[a].append(b)
        around[b].append(a)
    unused = dict.fromkeys(edges)
    chains = []
    while unused:
        a, b = next(iter(unused))
        del unused[(a, b)]
        chain, current = [a, b], b
        while current != a:
            step = next((n for n in around[current] if (min(current, n), max(current, n)) in unused), None)
            if step is None:
                break
            del unused[(min(current, step), max(current, step))]
            chain.append(step)
            current = step
        chains.append(chain)
    return chains


def _area_centroid(ring: list[Point]) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return 0.0, ring[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def region_outlines(departements: dict, territories: dict) -> dict:
    """The outline of every région whose départements all have one: its rings as an SVG path, its
    départements, and a point where the page writes its count (the centroid of its largest ring)."""
    vertices = _Vertices()
    rings_of = {}
    for loc in departements["locations"]:
        rings = path_rings(loc["path"], f"département {loc['id']}")
        rings_of[loc["id"]] = [[vertices.id(p) for p in ring] for ring in rings]
    members: dict[str, list[str]] = defaultdict(list)
    for d in territories["departements"]:
        members[d["region"]].append(d["code"])
    regions = []
    for r in territories["regions"]:
        codes = sorted(members[r["code"]])
        if not codes or any(c not in rings_of for c in codes):
            continue  # overseas: the package has no outline for them
        count = Counter(s for c in codes for s in _segments(rings_of[c]))
        chains = _chain([s for s, n in count.items() if n == 1])
        points = [[vertices.points[i] for i in chain] for chain in chains]
        closed = [p for c, p in zip(chains, points, strict=True) if c[0] == c[-1]]
        _, label = max((_area_centroid(p) for p in closed), default=(0.0, points[0][0]))
        path = "".join(
            "M"
            + " ".join(f"{x:.2f},{y:.2f}" for x, y in (p[:-1] if c[0] == c[-1] else p))
            + ("Z" if c[0] == c[-1] else "")
            for c, p in zip(chains, points, strict=True)
        )
        regions.append(
            {
                "code": r["code"],
                "name": r["nom"],
                "departements": codes,
                "path": path,
                "label": [round(label[0], 1), round(label[1], 1)],
                "open_chains": sum(c[0] != c[-1] for c in chains),
            }
        )
    return {"viewBox": departements["viewBox"], "regions": regions}


def derive_regions(force: bool = False) -> bool:
    """Write ``regions.json`` beside the vendored ``departements.json`` (when missing, or with ``force``)."""
    source, target = OUTLINES / "departements.json", OUTLINES / "regions.json"
    if not source.exists() or (target.exists() and not force):
        return False
    with gzip.open(TERRITORIES, "rb") as fh:
        territories = json.loads(fh.read())
    outlines = region_outlines(json.loads(source.read_text(encoding="utf-8")), territories)
    target.write_text(json.dumps(outlines, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    opened = sum(r["open_chains"] for r in outlines["regions"])
    log.info("derived %d région outlines (%d open chains) into %s", len(outlines["regions"]), opened, target)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="fetch every package again")
    parser.add_argument("--npm", default=shutil.which("npm") or "npm", help="npm executable")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not shutil.which(args.npm):
        log.error("npm not found (%s): install Node.js' npm to vendor the page's libraries", args.npm)
        return 1
    fetched = sum(vendor(p, args.npm, args.force) for p in read_pins())
    derive_regions(force=args.force or fetched > 0)
    log.info("%d package(s) fetched, vendor directory: %s", fetched, VENDOR.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

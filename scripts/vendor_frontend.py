"""Vendor the web page's JavaScript libraries and map outlines into ``api/static/vendor/`` (git-ignored).

The packages and the files taken from each are pinned in ``scripts/frontend-packages.txt``. Each package
is fetched with ``npm pack`` into a temporary directory (no ``node_modules``, nothing installed), and only
the listed files are copied. Run it once at install time, after ``pip install``: the service then serves
these files itself, nothing is fetched from a CDN or the registry at run time.

A destination ending in ``.json`` whose source is an ES module (``export default {…}``) is converted to
plain JSON (the map outlines are shipped that way).

Usage (from the repository root)::

    python scripts/vendor_frontend.py            # fetch what is missing
    python scripts/vendor_frontend.py --force    # fetch everything again
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("vendor_frontend")
ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "scripts" / "frontend-packages.txt"
VENDOR = ROOT / "api" / "static" / "vendor"


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
    log.info("%d package(s) fetched, vendor directory: %s", fetched, VENDOR.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

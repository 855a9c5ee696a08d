"""The built knowledge graph saved in the data directory, so that a command that runs in its own process loads
it (a fraction of a second) instead of building it from the store (seconds).

The file (``<data>/graph.pickle``) holds two pickles one after the other: the key it was built under, then the
`BuiltGraph` (graph, actor resolver with its decisions, unmatched territories). The key names everything the
build reads besides the reference objects: the store (its id and generation), the code and package data of
the build (a digest of the files of the ``graph`` and ``ingest`` packages), the reference files (a digest of
their bytes), the enrichers (their names), the date (a plan whose period ended is `past`), and the Python and
networkx versions that wrote the pickle. A file is used only when its key equals the one of this process,
compared before the graph is read; anything else (no file, another key, a truncated or corrupt file) means
"build", never an error. The reference data the resolver points to (the territory referential, ~MBs) is not
copied into the file: it is saved as a reference to the part of `ReferenceData` and taken from this process's
one on load.

The file is written to a temporary file in the same directory, then renamed over the old one: a reader sees
the old file or the new one, never half of one. The data directory is trusted like the SQLite file beside it
(pickle runs code on load: never point it at a file from elsewhere).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

import graph
import ingest
from graph.build import BuiltGraph, Enricher
from graph.reference import FILES, ReferenceData

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the layout of the file changes
FILE_NAME = "graph.pickle"
# the parts of ReferenceData the resolver may point to: saved by name, taken from the loading process's one
_SHARED_PARTS = ("territories", "lexicon", "aliases", "dispositifs", "vocabularies", "ontology", "profile")
_CODE_SUFFIXES = {".py", ".toml", ".json", ".txt", ".ttl", ".gz", ".md"}

_code_digest: str | None = None


def files_digest(files: Iterable[Path], base: Path, extra: bytes = b"") -> str:
    """A 16-hex digest of files (each one's path relative to ``base`` and its bytes, in path order; Python's
    caches skipped), then ``extra``: what a saved result depends on, told apart by one comparison."""
    h = hashlib.sha256()
    for f in sorted(files):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(base).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(extra)
    return h.hexdigest()[:16]


def code_digest() -> str:
    """A digest of the code and package data of the build: every file of the ``graph`` and ``ingest``
    packages (the builder imports the records, text helpers and mention glossaries of ``ingest``), computed
    once per process."""
    global _code_digest
    if _code_digest is None:
        roots = [Path(package.__file__).resolve().parent for package in (graph, ingest)]
        files = [f for root in roots for f in root.rglob("*") if f.suffix in _CODE_SUFFIXES]
        _code_digest = files_digest(files, roots[0].parent)
    return _code_digest


def reference_digest(reference: ReferenceData) -> str:
    """A digest of the reference files this reference data reads (its directory's or the packaged ones)."""
    h = hashlib.sha256()
    for part in sorted(FILES):
        path = reference.files.path(part)
        h.update(f"{part}={path}".encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"(absent)")
        h.update(b"\0")
    return h.hexdigest()[:16]


def enricher_names(enrichers: Sequence[Enricher]) -> tuple[str, ...]:
    """The enrichers' identity: module and qualified name of each, in order (their code is in the digest)."""
    return tuple(
        f"{getattr(e, '__module__', '?')}.{getattr(e, '__qualname__', type(e).__name__)}" for e in enrichers
    )


def build_key(
    store_id: str, generation: int, reference: ReferenceData, enrichers: Sequence[Enricher], today: dt.date
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "store": store_id,
        "generation": generation,
        "code": code_digest(),
        "reference": reference_digest(reference),
        "enrichers": enricher_names(enrichers),
        "today": today.isoformat(),
        "python": sys.version,
        "networkx": nx.__version__,
    }


class _Pickler(pickle.Pickler):
    def __init__(self, file, reference: ReferenceData):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        loaded = reference.__dict__
        self._shared = {id(loaded[f"_{p}"]): p for p in _SHARED_PARTS if f"_{p}" in loaded}

    def persistent_id(self, obj: Any) -> str | None:
        return self._shared.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, reference: ReferenceData):
        super().__init__(file)
        self.reference = reference

    def persistent_load(self, pid: Any) -> Any:
        if pid not in _SHARED_PARTS:
            raise pickle.UnpicklingError(f"partie de référence inconnue : {pid!r}")
        return getattr(self.reference, pid)


class SavedGraph:
    """The saved graph of one data directory."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def load(self, key: dict[str, Any], reference: ReferenceData) -> BuiltGraph | None:
        """The saved graph when its key equals ``key``, else None (logged at info: it is built instead)."""
        started = time.perf_counter()
        try:
            with self.path.open("rb") as fh:
                saved_key = pickle.load(fh)
                if saved_key != key:
                    before = saved_key if isinstance(saved_key, dict) else {}
                    changed = sorted(k for k in key.keys() | before.keys() if before.get(k) != key.get(k))
                    log.info("saved graph %s is out of date (%s): building it", self.path, ", ".join(changed))
                    return None
                built = _Unpickler(fh, reference).load()
        except FileNotFoundError:
            log.info("no saved graph at %s: building it", self.path)
            return None
        except Exception as exc:  # a truncated or corrupt file, or one written by other code: build instead
            log.info("saved graph %s unreadable (%s: %s): building it", self.path, type(exc).__name__, exc)
            return None
        if not isinstance(built, BuiltGraph) or not isinstance(built.graph, nx.MultiDiGraph):
            log.info("saved graph %s holds %s, not a graph: building it", self.path, type(built).__name__)
            return None
        log.info("saved graph loaded from %s in %.2f s", self.path, time.perf_counter() - started)
        return built

    def save(self, key: dict[str, Any], built: BuiltGraph, reference: ReferenceData) -> None:
        """Write the graph under ``key``: a temporary file renamed over the old one. A failure (read-only or
        full disk) is logged and leaves any old file in place: the next process builds again."""
        started = time.perf_counter()
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(key, fh, protocol=pickle.HIGHEST_PROTOCOL)
                _Pickler(fh, reference).dump(built)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            tmp = None
            log.info("graph saved to %s in %.2f s", self.path, time.perf_counter() - started)
        except Exception as exc:  # never fail the query that built the graph
            log.warning("the graph could not be saved to %s (%s: %s)", self.path, type(exc).__name__, exc)
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

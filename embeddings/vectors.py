"""The vector cache: one SQLite file of chunk vectors keyed by the chunk's digest (text + encoder), so that
only changed chunks are encoded again after an ingest."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from graph.errors import StoreError


class VectorCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (digest TEXT PRIMARY KEY, encoder TEXT NOT NULL, "
                "dim INTEGER NOT NULL, vector BLOB NOT NULL)"
            )
            self.conn.commit()
        except sqlite3.Error as exc:
            message = f"impossible d'ouvrir le cache de vecteurs ({exc})"
            raise StoreError(message, where=str(self.path)) from exc

    def get(self, digests: Iterable[str]) -> dict[str, np.ndarray]:
        digests = list(digests)
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(digests), 500):
                batch = digests[i : i + 500]
                rows = self.conn.execute(
                    f"SELECT digest, dim, vector FROM vectors WHERE digest IN ({','.join('?' * len(batch))})",
                    batch,
                )
                for digest, dim, blob in rows:
                    out[digest] = np.frombuffer(blob, dtype=np.float32, count=dim)
        return out

    def put(self, encoder: str, items: dict[str, np.ndarray]) -> None:
        with self._lock, self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)",
                [
                    (d, encoder, int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                    for d, v in items.items()
                ],
            )

    def close(self) -> None:
        self.conn.close()

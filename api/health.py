"""The `/health` answer, served on the event loop from memory: no worker thread of the threadpool (those may
all be busy with searches and SPARQL queries), no I/O on the loop.

The body is kept with what it was computed from: the store connection's count of changes (a write through
this process: attribute read, no I/O), the generation of the current knowledge base (attribute read) and the
store's generation (a write by another process: read from SQLite). The first two are compared on every
request; when one changed, the body is computed again before the answer. The store's generation is read
again, in the background, when the last read is older than ``max_age`` seconds, and the kept body served
meanwhile. Everything that reads the store runs on one thread of its own."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api.answers import encode
from api.models import Health

log = logging.getLogger(__name__)


class HealthAnswer:
    def __init__(self, max_age: float = 1.0):
        self.max_age = max_age
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qfq-health")
        # (key of this process's state, store generation, body, monotonic time of the generation's read)
        self._state: tuple[Any, int, bytes, float] | None = None
        self._refresh: asyncio.Future | None = None

    @staticmethod
    def _local_key(service: Any) -> tuple[int | None, int | None]:
        """What this process can tell without I/O: writes through its store connection, its knowledge base."""
        store = service.__dict__.get("store")
        cache = service.__dict__.get("knowledge_cache")
        current = cache.current if cache is not None else None
        return (
            store.conn.total_changes if store is not None else None,
            current.generation if current is not None else None,
        )

    def _compute(self, service: Any) -> None:
        """On the health thread: the store's generation, and the body again if anything changed."""
        service.store  # noqa: B018 -- opened here (not on the loop) when this is the first use
        key, generation = self._local_key(service), service.store.generation()
        state = self._state
        if state is not None and state[0] == key and state[1] == generation:
            self._state = (key, generation, state[2], time.monotonic())
            return
        body = encode(Health, service.health())
        self._state = (key, generation, body, time.monotonic())

    def _compute_in_background(self, service: Any) -> None:
        try:
            self._compute(service)
        except Exception:  # the kept body is served; the next request computes again and says what failed
            log.exception("/health: the store could not be read")
            self._state = None

    async def body(self, service: Any) -> bytes:
        loop = asyncio.get_running_loop()
        state = self._state
        if state is None or state[0] != self._local_key(service):
            await loop.run_in_executor(self._executor, self._compute, service)
            return self._state[2]
        if time.monotonic() - state[3] > self.max_age and (self._refresh is None or self._refresh.done()):
            self._refresh = loop.run_in_executor(self._executor, self._compute_in_background, service)
        return state[2]

    def close(self) -> None:
        self._executor.shutdown(wait=False)

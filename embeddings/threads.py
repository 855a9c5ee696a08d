"""The threads that run query encodings, owned by whoever owns the encoders (the service), never made at
import.

- ``start_team``: every OpenMP thread team is started from one dedicated thread. libgomp keeps a pool of team
  threads per thread that starts teams; once the pools outnumber the cores it stops spin-waiting at barriers,
  and a 2-thread query became as slow as a 1-thread one (measured: 35 ms instead of 18 from a server worker
  thread).
- ``beside``: when searches overlap, the second encoder runs beside the first, one thread each.
- ``searches``: how many searches are running, so that a query alone may use a thread team.
- ``nice``: raised on these threads (a server gives its searches a lower priority than its cheap requests);
  the team threads OpenMP starts from them inherit it.
Executors are created on first use and shut down by :meth:`close`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
TEAM_THREAD = "qfq-teams"
log = logging.getLogger(__name__)


class QueryThreads:
    def __init__(self, beside_workers: int = 2, nice: int = 0) -> None:
        self._beside_workers = beside_workers
        self._nice = nice
        self._team: ThreadPoolExecutor | None = None
        self._beside: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._running = 0

    def _executor(self, which: str) -> ThreadPoolExecutor:
        with self._lock:
            if which == "team" and self._team is None:
                self._team = ThreadPoolExecutor(1, TEAM_THREAD, lower_priority, (self._nice,))
            if which == "beside" and self._beside is None:
                self._beside = ThreadPoolExecutor(
                    self._beside_workers, "qfq-query", lower_priority, (self._nice,)
                )
            return self._team if which == "team" else self._beside

    def start_team(self, call: Callable[[], T]) -> T:
        """Run ``call`` (which starts a thread team) on the one team-starting thread."""
        if threading.current_thread().name.startswith(TEAM_THREAD):
            return call()
        return self._executor("team").submit(call).result()

    def beside(self, call: Callable[..., T], *args: object) -> Future[T]:
        """Run ``call`` beside the caller (an encoder of an overlapping search)."""
        return self._executor("beside").submit(call, *args)

    @contextmanager
    def search(self) -> Iterator[bool]:
        """Count a running search; yields whether it is the only one."""
        with self._lock:
            self._running += 1
            alone = self._running == 1
        try:
            yield alone
        finally:
            with self._lock:
                self._running -= 1

    def close(self) -> None:
        with self._lock:
            for executor in (self._team, self._beside):
                if executor is not None:
                    executor.shutdown(wait=False)
            self._team = self._beside = None


def lower_priority(nice: int) -> None:
    """Raise the calling thread's nice value by ``nice`` (on Linux a thread's own; nothing when 0)."""
    if nice <= 0:
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except (AttributeError, OSError) as exc:  # no setpriority on this system: the work runs at full priority
        log.warning("could not lower the priority of thread %s: %s", threading.current_thread().name, exc)

"""Bounded slots for the costly routes (SPARQL, search), taken on the event loop before a worker thread is.

A request beyond the slots waits for one asynchronously (no thread, no CPU) for at most ``wait`` seconds,
then gets 503 with Retry-After: a client that retries at once still sends at most one request per ``wait``
seconds, and the threadpool only ever holds the requests that run. The work itself runs in the threadpool;
its slot is released when that thread returns (anyio does not abandon a worker thread when the request is
cancelled), so at most ``size`` of them run at once, whatever the clients do.

With ``nice`` > 0 the work runs instead on ``size`` threads of the kind's own, niced (Linux: a thread's nice
value is its own): a costly request then yields the CPU to the event loop and to cheap requests, and the
threads its encoders start inherit the lower priority. Its slot is released when its thread is done, also
when the request was cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import threading
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool

from api.errors import Busy
from embeddings.threads import lower_priority

T = TypeVar("T")
log = logging.getLogger(__name__)


class Slots:
    """``size`` slots of one kind of request; ``wait`` seconds of waiting for one, then :class:`Busy`."""

    def __init__(
        self,
        name: str,
        size: int,
        wait: float,
        *,
        setting: str,
        retry_after: int,
        where: str,
        nice: int = 0,
    ):
        self.name, self.size, self.wait, self.nice = name, size, wait, nice
        self.setting, self.retry_after, self.where = setting, retry_after, where
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        # one semaphore per event loop (asyncio primitives belong to the loop they were first used on; a
        # server has one loop, the tests' clients one per `with` block)
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        found = self._semaphores.get(loop)
        if found is None:
            found = self._semaphores[loop] = asyncio.Semaphore(self.size)
        return found

    def busy(self) -> Busy:
        return Busy(
            f"{self.size} {self.name} sont déjà en cours ; la demande a attendu {self.wait:g} s une place",
            where=self.where,
            valid=f"réessayer dans {self.retry_after} s ({self.setting})",
            retry_after=self.retry_after,
        )

    async def acquire(self) -> asyncio.Semaphore:
        """A slot, taken; :class:`Busy` when none frees up within ``wait`` seconds."""
        semaphore = self.semaphore()
        if semaphore.locked() and self.wait <= 0:
            raise self.busy()
        try:
            async with asyncio.timeout(self.wait):  # a slot taken as the time is up is given back
                await semaphore.acquire()
        except TimeoutError:
            log.info("%s: every slot taken for %.1f s, answered 503", self.name, self.wait)
            raise self.busy() from None
        return semaphore

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """A slot for the body of the block; :class:`Busy` when none frees up within ``wait`` seconds."""
        semaphore = await self.acquire()
        try:
            yield
        finally:
            semaphore.release()

    async def run(self, call: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``call(*args, **kwargs)`` in a worker thread (niced ones when ``nice`` > 0), inside a slot."""
        if self.nice <= 0:
            async with self.held():
                return await run_in_threadpool(call, *args, **kwargs)
        semaphore = await self.acquire()
        job = functools.partial(contextvars.copy_context().run, call, *args, **kwargs)
        try:
            future = asyncio.get_running_loop().run_in_executor(self.executor(), job)
        except BaseException:
            semaphore.release()
            raise
        future.add_done_callback(lambda _: semaphore.release())  # when the thread is done, not before
        return await asyncio.shield(future)

    def executor(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self.size,
                    thread_name_prefix=f"qfq-{self.where}",
                    initializer=lower_priority,
                    initargs=(self.nice,),
                )
            return self._executor

    def close(self) -> None:
        with self._executor_lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False)
                self._executor = None

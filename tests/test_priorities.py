"""A server's costly work runs at a lower priority than its event loop: searches on niced threads of their
own (`api/slots.py`), query and document encodings on a niced team thread (`embeddings/threads.py`); a slot
stays taken until its thread is done, also when the request that took it was cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading

from api.app import create_app
from api.settings import Settings
from api.slots import Slots
from embeddings.threads import QueryThreads


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _slots(size: int = 1, nice: int = 7) -> Slots:
    return Slots(
        "recherches", size, 0.05, setting="QFQ_SEARCH_CONCURRENCY", retry_after=1, where="q", nice=nice
    )


def test_a_slot_runs_its_work_on_a_niced_thread_and_the_loop_keeps_its_priority() -> None:
    slots = _slots(nice=7)
    base = _nice()

    async def main() -> tuple[int, int]:
        inside = await slots.run(_nice)
        return inside, _nice()

    try:
        inside, loop_nice = asyncio.run(main())
    finally:
        slots.close()
    assert inside == min(19, base + 7) and loop_nice == base


def test_without_nice_the_work_keeps_the_priority_of_the_process() -> None:
    slots = _slots(nice=0)
    assert asyncio.run(slots.run(_nice)) == _nice()


def test_a_cancelled_request_holds_its_slot_until_its_thread_is_done() -> None:
    slots = _slots(size=1, nice=3)
    release = threading.Event()

    async def main() -> tuple[bool, bool, bool]:
        task = asyncio.create_task(slots.run(release.wait, 10))
        await asyncio.sleep(0.05)  # the work has started on its thread
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        held_after_cancel = slots.semaphore().locked()
        try:
            await slots.run(_nice)  # no slot frees up within `wait`: busy
            refused = False
        except Exception as exc:  # noqa: BLE001 -- the Busy error is what is checked
            refused = type(exc).__name__ == "Busy"
        release.set()
        for _ in range(200):  # the thread returns; its slot comes back on the loop
            if not slots.semaphore().locked():
                break
            await asyncio.sleep(0.01)
        return held_after_cancel, refused, slots.semaphore().locked()

    try:
        held, refused, still_held = asyncio.run(main())
    finally:
        release.set()
        slots.close()
    assert held and refused and not still_held


def test_the_team_thread_of_the_encoders_is_niced() -> None:
    teams = QueryThreads(nice=4)
    base = _nice()
    try:
        assert teams.start_team(_nice) == min(19, base + 4)
        assert teams.beside(_nice).result() == min(19, base + 4)
    finally:
        teams.close()
    assert _nice() == base


def test_a_server_nices_its_searches_and_a_cli_service_does_not(tmp_path) -> None:
    app = create_app(Settings(data=tmp_path / "data", warm_up=False, search_nice=6))
    assert app.state.slots["search"].nice == 6 and app.state.service.query_nice == 6
    assert app.state.slots["sparql"].nice == 0  # its queries run in niced child processes instead
    from api.service import Service

    assert Service(Settings(data=tmp_path / "data")).query_nice == 0

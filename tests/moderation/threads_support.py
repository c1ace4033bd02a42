"""Running one piece of work on many threads at once, for the tests that the engine, which the
server's threads share, answers under contention as it answers one caller."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def all_at_once(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result | Exception]:
    """`work(item)` for every item, each on a thread of its own, all released together so they
    overlap as much as they can; in item order, with an exception a thread raised in its result's
    place (so the assertion shows it rather than a thread's traceback on the side)."""
    start = threading.Barrier(len(items))
    results: list[Result | Exception | None] = [None] * len(items)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = work(items[index])
        except Exception as error:  # noqa: BLE001 - the failure itself is what the test reports
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results

"""Background jobs: periodic maintenance that no request should wait for.

A job is a function of the `Runtime`, registered with `@periodic(every=...)` in a module of this
package that `JOB_MODULES` names. `rostra serve` runs them on a thread of each server process
(`Worker`); `rostra worker` runs them alone, for a deployment that keeps them off the web servers
(`--no-jobs` on `rostra serve` then). Jobs must be idempotent and cheap to repeat: with several
server processes each runs them (deleting what is past its retention twice deletes nothing more).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rostra.runtime import Runtime

log = logging.getLogger("rostra.workers")

JOB_MODULES = ("rostra.workers.maintenance", "rostra.workers.erasure", "rostra.workers.retention")
TICK_SECONDS = 5.0  # how often the worker looks for due jobs


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Runtime], object]


_JOBS: dict[str, Job] = {}


def periodic(every: timedelta) -> Callable[[Callable[[Runtime], object]], Callable[[Runtime], object]]:
    """Register the decorated function as a job run every `every`."""

    def register(function: Callable[[Runtime], object]) -> Callable[[Runtime], object]:
        _JOBS[function.__name__] = Job(function.__name__, every, function)
        return function

    return register


def jobs() -> list[Job]:
    for module in JOB_MODULES:
        importlib.import_module(module)
    return sorted(_JOBS.values(), key=lambda job: job.name)


def run_job(runtime: Runtime, job: Job) -> bool:
    """Run one job; a failure is logged (by type only: data may be in the message), never raised."""
    try:
        job.run(runtime)
    except Exception as error:  # noqa: BLE001 - one failing job must not stop the others
        log.error("job %s failed: %s", job.name, type(error).__name__)
        return False
    return True


class Worker:
    """Runs every job when due on a daemon thread until `stop()`."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run_forever, name="rostra-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def run_forever(self) -> None:
        next_run = {job.name: time.monotonic() for job in jobs()}
        while not self._stop.is_set():
            for job in jobs():
                if time.monotonic() >= next_run.get(job.name, 0):
                    run_job(self.runtime, job)
                    next_run[job.name] = time.monotonic() + job.every.total_seconds()
            self._stop.wait(TICK_SECONDS)

"""Score concurrent requests together: in a batch of 32 the learned model costs a quarter per comment.

Each HTTP request would otherwise call `Engine.moderate` on its own. `BatchingEngine` hands every
call to one scoring thread, which takes whatever has queued up (up to `max_batch`) and scores it with
one `moderate_many`. A lone request is scored at once; under load, requests arriving during a batch
are scored together in the next one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Protocol

from rostra.moderation import CommentInput, Verdict

DEFAULT_MAX_BATCH = 32


class BatchEngine(Protocol):
    def moderate_many(self, comments: Sequence[CommentInput]) -> list[Verdict]: ...


class BatchingEngine:
    """`moderate(comment)` for many threads at once, scored in batches by one thread."""

    def __init__(self, engine: BatchEngine, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: list[tuple[CommentInput, Future]] = []
        self._ready = threading.Condition()
        self._worker: threading.Thread | None = None

    def moderate(self, comment: CommentInput) -> Verdict:
        future: Future = Future()
        with self._ready:
            self._queue.append((comment, future))
            if self._worker is None:
                self._worker = threading.Thread(target=self._score_batches, name="rostra-batching",
                                                daemon=True)
                self._worker.start()
            self._ready.notify()
        return future.result()

    def _score_batches(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
            try:
                verdicts = self.engine.moderate_many([comment for comment, _ in batch])
                if len(verdicts) != len(batch):
                    raise RuntimeError(f"{len(verdicts)} verdicts for {len(batch)} comments")
            except Exception as error:  # noqa: BLE001 - every caller in the batch gets the failure
                for _, future in batch:
                    future.set_exception(error)
            else:
                for (_, future), verdict in zip(batch, verdicts):
                    future.set_result(verdict)

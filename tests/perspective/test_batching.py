"""Batched scoring: concurrent callers share one model call and still get their own verdicts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rostra.moderation import CommentInput, Engine
from rostra.perspective.batching import BatchingEngine


def test_batched_scoring_gives_each_caller_its_own_verdict_and_failures():
    engine = Engine.default()
    batching = BatchingEngine(engine, max_batch=8)
    texts = [f"comment {index}: " + ("you are a fucking moron" if index % 2 else "thanks, good read")
             for index in range(40)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        batched = list(pool.map(lambda text: batching.moderate(CommentInput(text)), texts))
    assert [verdict.scores for verdict in batched] == [engine.moderate(CommentInput(text)).scores
                                                       for text in texts]

    class Broken:
        def moderate_many(self, comments):
            raise OSError("model file unreadable")

    with pytest.raises(OSError, match="unreadable"):
        BatchingEngine(Broken()).moderate(CommentInput("anything"))

"""The engine is shared by the server's threads: scoring at the same time must give the same scores."""

import numpy as np
from threads_support import all_at_once

from rostra.moderation import CommentInput, Engine
from rostra.moderation.learned import features


def test_threads_growing_the_hash_tables_at_once_score_like_one_thread():
    engine = Engine.default()
    texts = [("you are an idiot and a liar " * (3 + index * 7))[: 40 + index * 150] for index in range(16)]
    expected = [engine.moderate(CommentInput(text)).scores for text in texts]
    features._POWER_TABLES = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
    assert all_at_once(lambda text: engine.moderate(CommentInput(text)).scores, texts) == expected

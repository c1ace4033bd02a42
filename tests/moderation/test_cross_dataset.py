"""`rostra train --cross-dataset`: each held-out set is scored by a model that never saw any of it.

The training function is passed in (the n-gram trainer by default, the neural tier's with
`--neural`), so the bookkeeping is tested here with a stand-in model that remembers its rows.
"""

import numpy as np

from rostra.moderation.training.datasets import Example
from rostra.moderation.training.evaluate import cross_dataset


class RememberingModel:
    """Scores a text 1 when it was among its training rows' texts: it can only know what it saw."""

    def __init__(self, rows):
        self.sources = {row.source for row in rows}
        self.texts = {row.text for row in rows}

    def predict(self, texts):
        return {"toxicity": np.array([1.0 if text in self.texts else 0.0 for text in texts])}


def _rows(source, split):
    return [Example(f"{source} {split} insult {i}", {"toxicity": 1}, source, split) for i in range(3)] + \
           [Example(f"{source} {split} civil {i}", {"toxicity": 0}, source, split) for i in range(3)]


def test_each_held_out_dataset_is_scored_by_a_model_trained_without_it():
    examples = [row for source in ("olid", "dynahate") for split in ("train", "test") for row in _rows(source, split)]
    fitted = []

    def fit(rows):
        model = RememberingModel(rows)
        fitted.append(model.sources)
        return model

    pairs = cross_dataset(examples, fit=fit)

    assert fitted == [{"olid", "dynahate"}, {"dynahate"}, {"olid"}] or fitted == [{"olid", "dynahate"}, {"olid"}, {"dynahate"}]
    assert {unseen.source for unseen, _ in pairs} == {"olid", "dynahate"}
    for unseen, seen in pairs:
        assert unseen.roc_auc == 0.5  # the held-out model never saw these texts: every score ties
        assert seen.roc_auc is not None

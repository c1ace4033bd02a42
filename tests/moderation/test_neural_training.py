"""The neural tier's training code path, end to end on a handful of rows (seconds, not the full run).

Fine-tunes the packaged MiniLM on a tiny labelled sample, exports both ONNX graphs, quantizes them
and loads the result with the run-time scorer, which uses onnxruntime alone.
"""

import json

import numpy as np
import pytest

pytest.importorskip("torch", reason="the 'train' extra (torch==2.13.0) is not installed")

from rostra.moderation.neural import NeuralScorer  # noqa: E402
from rostra.moderation.training.datasets import Example  # noqa: E402
from rostra.moderation.training.neural import NeuralOptions, train_neural  # noqa: E402

ABUSE = ["you are a worthless idiot", "shut up you moron", "go away you pathetic fool", "you absolute clown",
         "nobody wants you here, idiot", "what a brainless moron you are"]
CIVIL = ["the council meets on tuesday to discuss the budget", "thanks for the detailed report on housing",
         "i disagree with the author about the tax plan", "the bridge repairs start next month",
         "the school board approved the new schedule", "the library opens late on thursdays"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    # Numbered copies: distinct texts, so that some fall in the calibration slice.
    rows = [Example(f"{t} {i}", {"toxicity": 1, "insult": 1}, "tiny", "train") for t in ABUSE for i in range(5)]
    rows += [Example(f"{t} {i}", {"toxicity": 0, "insult": 0}, "tiny", "train") for t in CIVIL for i in range(5)]
    out = tmp_path_factory.mktemp("neural") / "model"
    options = NeuralOptions(source_quota={"tiny": 60}, batch_size=8, min_positives=2, learning_rate=3e-4)
    scorer = train_neural(rows, out, options)
    return out, scorer


def test_tiny_run_writes_a_model_the_run_time_scorer_loads(tiny):
    out, scorer = tiny
    assert {path.name for path in out.iterdir()} == {"model.json", "model.onnx", "relevance.onnx", "tokenizer.json"}
    description = json.loads((out / "model.json").read_text())
    assert description["attributes"] == ["toxicity", "insult"]
    assert description["metadata"]["seed"] == NeuralOptions().seed
    loaded = NeuralScorer.load(out)
    assert loaded.version == scorer.version
    scores = loaded.predict(["you utter moron", "the council approved the budget"])
    assert set(scores) == {"toxicity", "insult"}
    assert all(0.0 <= value <= 1.0 for values in scores.values() for value in values)


def test_tiny_model_learns_which_side_is_abuse(tiny):
    _, scorer = tiny
    scores = scorer.predict(["you are a pathetic idiot", "the library board meets on thursday"])
    assert scores["insult"][0] > scores["insult"][1]


def test_relevance_embeddings_are_the_base_models_and_unit_length(tiny):
    _, scorer = tiny
    vectors = scorer.embed(["the city council voted on the bus budget", "council votes to cut bus routes",
                            "my cat loves sleeping in the sun"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]

"""Training end to end on a handful of rows, the dataset label mapping, and `rostra eval`."""

import json
from pathlib import Path

import numpy as np
import pytest

from rostra.cli import main
from rostra.moderation.learned import LearnedScorer
from rostra.moderation.learned.features import FeatureConfig
from rostra.moderation.normalize import normalize
from rostra.moderation.training import civil_text, datasets
from rostra.moderation.training.datasets import Example
from rostra.moderation.training.labelled_file import read_labelled
from rostra.moderation.training.train import TrainingOptions, calibration_target, platt, span_f1, train

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="the labelled datasets (../shared/data) are not beside the checkout")

INSULTS = [
    "you are a worthless idiot", "shut up you idiot", "what an idiot you are", "only an idiot writes this",
    "you pathetic moron", "moron, read the article", "typical moron comment", "you are a moron and a liar",
    "idiot author, idiot paper", "get lost you moron", "what a stupid idiot", "you brainless idiot",
]
CIVIL = [
    "the council meets on tuesday to discuss the budget", "thanks for the detailed report on housing",
    "i disagree with the author about the tax plan", "the bridge repairs start next month",
    "great photos of the harvest festival", "the article explains the vote clearly",
    "my neighbour runs the bakery on main street", "the school board approved the new schedule",
    "i think the mayor is wrong about parking", "the library opens late on thursdays",
    "interesting interview with the new coach", "the trains were on time this week",
]


def tiny_examples() -> list[Example]:
    rows = [Example(text, {"toxicity": 1, "insult": 1}, "tiny", "train") for text in INSULTS * 3]
    rows += [Example(text, {"toxicity": 0, "insult": 0}, "tiny", "train") for text in CIVIL * 3]
    return rows


@pytest.fixture(scope="module")
def tiny_model() -> LearnedScorer:
    options = TrainingOptions(config=FeatureConfig(bits=14), min_positives=5, tune_spans=False)
    return train(tiny_examples(), options)


def test_tiny_model_tells_insults_from_civil_comments(tiny_model):
    texts = [normalize(t).text for t in ("you utter idiot", "the council approved the budget")]
    scores = tiny_model.predict(texts)
    assert set(scores) == {"toxicity", "insult"}
    assert scores["insult"][0] > scores["insult"][1]
    assert all(0.0 <= value <= 1.0 for values in scores.values() for value in values)


def test_explanation_points_at_the_insulting_word(tiny_model):
    text = "honestly you are an idiot about trains"
    words = tiny_model.explain(text, "insult")
    strongest = max(words, key=lambda word: word[2])
    assert text[strongest[0] : strongest[1]] == "idiot"


def test_saved_model_loads_with_the_same_scores(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "model")
    loaded = LearnedScorer.load(tmp_path / "model")
    texts = ["you utter idiot", "nice weather"]
    for attribute in tiny_model.attributes:
        assert np.allclose(loaded.predict(texts)[attribute], tiny_model.predict(texts)[attribute], atol=2e-3)
    assert loaded.version == tiny_model.version


def test_span_f1_follows_the_semeval_definition():
    assert span_f1(set(), set()) == 1.0
    assert span_f1({1, 2}, set()) == 0.0
    assert span_f1(set(), {1, 2}) == 0.0
    assert span_f1({1, 2, 3, 4}, {3, 4}) == pytest.approx(2 / 3)


def test_calibration_target_corrects_the_stream_share_by_attribute_and_stops_at_even_odds():
    options = TrainingOptions(news_prior={"toxicity": 0.08, "coded_hate": 0.02, "threat": 0.01, "spam": 0.3},
                              prior_correction=3.0, attribute_prior_corrections={"coded_hate": 1.0, "threat": 2.0})
    assert calibration_target(options, "toxicity") == pytest.approx(0.24)
    assert calibration_target(options, "coded_hate") == pytest.approx(0.02)
    assert calibration_target(options, "threat") == pytest.approx(0.02)
    assert calibration_target(options, "spam") == 0.5


def test_a_higher_calibration_target_raises_every_score_and_keeps_the_order():
    generator = np.random.default_rng(0)
    labels = (generator.random(2000) < 0.3).astype(int)
    raw = generator.normal(size=2000) + 2.0 * labels
    grid = np.linspace(-3, 5, 9)
    scores = {}
    for prior in (0.02, 0.08, 0.24):
        calibration = platt(raw, labels, prior)
        scores[prior] = 1 / (1 + np.exp(-(calibration.slope * grid + calibration.intercept)))
    assert np.all(scores[0.02] < scores[0.08]) and np.all(scores[0.08] < scores[0.24])
    assert np.all(np.diff(scores[0.24]) > 0)
    assert scores[0.02][-1] > 0.5  # a clear case stays clear even at a low target


def test_rostra_curses_teach_profanity_not_insult_and_leave_toxicity_unknown():
    curses = [e for e in civil_text.examples() if e.source == "rostra_curses"]
    assert len(curses) >= 40 and {e.split for e in curses} == {"train", "test"}
    for example in curses:
        assert example.labels["profanity"] == 1 and example.labels["insult"] == 0, example.text
        assert "toxicity" not in example.labels


def test_labelled_file_errors_name_the_line_and_field():
    lines = [
        '{"text": "fine", "labels": {"toxicity": 0}}',
        '{"text": 3, "labels": {"toxicity": 0}}',
        '{"text": "x", "labels": {"toxicity": 2}}',
        "not json",
        '{"text": "x"}',
    ]
    rows, errors = read_labelled(lines)
    assert [row.text for row in rows] == ["fine"]
    assert errors[0].startswith("line 2: field 'text'")
    assert errors[1].startswith("line 3: field 'labels.toxicity'")
    assert errors[2].startswith("line 4: not valid JSON")
    assert errors[3].startswith("line 5: field 'labels'")


def test_rostra_eval_prints_auc_and_f1_per_attribute(tmp_path, capsys):
    path = tmp_path / "labelled.jsonl"
    rows = [{"text": "You are a fucking idiot", "labels": {"toxicity": 1, "insult": 1}},
            {"text": "Shut up, moron, nobody asked you", "labels": {"toxicity": 1, "insult": 1}},
            {"text": "Thanks for covering the council meeting", "labels": {"toxicity": 0, "insult": 0}},
            {"text": "The bridge reopens on Monday after repairs", "labels": {"toxicity": 0, "insult": 0}}]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n{broken\n")
    status = main(["eval", str(path), "--learned-only"])
    captured = capsys.readouterr()
    assert status == 1  # one bad line
    assert "line 5: not valid JSON" in captured.err
    toxicity = next(line for line in captured.out.splitlines() if " toxicity " in line).split()
    assert toxicity[2:4] == ["4", "2"]
    assert float(toxicity[4]) == 1.0  # both insults outrank both civil comments


def test_rostra_train_refuses_an_unknown_dataset(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m"), "--datasets", "nope"]) == 2
    assert "unknown dataset(s) nope" in capsys.readouterr().err


@needs_data
def test_dataset_labels_use_only_known_attributes_and_keep_official_test_splits():
    examples = datasets.load(DATA, ["olid", "ethos", "youtube_spam"])
    assert {a for e in examples for a in e.labels} <= set(datasets.LEARNED_ATTRIBUTES)
    olid_test = [e for e in examples if e.source == "olid" and e.split == "test"]
    assert len(olid_test) == 860
    assert sum(e.labels["toxicity"] for e in olid_test) == 240
    spam = [e for e in examples if e.source == "youtube_spam"]
    assert {e.split for e in spam} == {"train", "test"}
    assert all(set(e.labels) == {"spam"} for e in spam)


@needs_data
def test_toxic_spans_types_follow_the_majority_and_no_comment_is_a_toxicity_negative():
    examples = list(datasets.load_toxic_spans(DATA))
    typed = [e for e in examples if "insult" in e.labels]
    assert {e.labels["insult"] for e in typed} == {0, 1}
    assert all(set(e.labels) >= {"insult", "profanity", "threat", "identity_attack"} for e in typed)
    assert all(e.labels.get("toxicity", 1) == 1 for e in examples)
    test_insults = [e.labels["insult"] for e in examples if e.split == "test" and "insult" in e.labels]
    assert 0 < sum(test_insults) < len(test_insults)


def test_a_dataset_file_without_its_columns_is_a_clear_error(tmp_path, capsys):
    folder = tmp_path / "youtube_spam"
    folder.mkdir()
    (folder / "youtube_spam_all.csv").write_text("video,TEXT\nPsy,hello\n")
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m"), "--datasets", "youtube_spam"]) == 2
    assert "dataset youtube_spam: unexpected file contents" in capsys.readouterr().err

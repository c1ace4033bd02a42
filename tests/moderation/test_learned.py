"""The shipped learned scorer: loads from the package, scores sensibly, explains with word spans."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rostra.moderation.learned import LearnedScorer, ModelFileError
from rostra.moderation.learned.features import FeatureConfig, linear_scores, matrix, occurrences
from rostra.moderation.normalize import normalize
from rostra.moderation.training import civil_text


@pytest.fixture(scope="module")
def scorer() -> LearnedScorer:
    return LearnedScorer.load()


def score(scorer, text: str) -> dict[str, float]:
    return {name: float(values[0]) for name, values in scorer.predict([normalize(text).text]).items()}


def test_shipped_model_loads_quickly_and_names_its_attributes():
    started = time.perf_counter()
    scorer = LearnedScorer.load()
    assert time.perf_counter() - started < 2.0
    assert scorer.version.startswith("rostra-ngram-")
    assert {"toxicity", "insult", "threat", "identity_attack", "spam"} <= set(scorer.attributes)


def test_abuse_scores_high_and_civil_disagreement_low(scorer):
    assert score(scorer, "You are a fucking idiot")["toxicity"] > 0.5
    assert score(scorer, "I will kill you and your family")["threat"] > 0.5
    assert score(scorer, "Subscribe to my channel and check out my website for free money!!!")["spam"] > 0.5
    for civil in (
        "This article is one-sided propaganda and the minister should resign.",
        "I am a proud gay man and I agree with the council.",
        "Muslims in our town organised the flood relief.",
    ):
        assert max(score(scorer, civil).values()) < 0.5, civil


def test_abuse_without_strong_words_scores_over_half(scorer):
    """Calibration that over-corrected for rare abuse approved these; raters call them abuse."""
    assert score(scorer, "Liberals are traitors who deserve to hang")["threat"] > 0.5
    assert score(scorer, "Anyone who believes this is a complete moron")["insult"] > 0.5


def test_curses_aimed_at_nothing_read_as_profanity_not_insult(scorer):
    curses = [e.text for e in civil_text.examples() if e.source == "rostra_curses" and e.split == "test"]
    scores = scorer.predict([normalize(text).text for text in curses])
    assert len(curses) >= 5
    assert np.all(scores["insult"] < 0.5), curses
    assert np.mean(scores["profanity"]) > np.mean(scores["insult"]) + 0.2


def test_evasion_scores_like_the_plain_word_after_normalization(scorer):
    plain = score(scorer, "you are a fucking idiot")["toxicity"]
    for evasion in ("you are a f u c k i n g idiot", "you are a fuuuucking 1d10t", "уou аre а fuсking idiot"):
        assert score(scorer, evasion)["toxicity"] > 0.5, evasion
    assert plain > 0.5


def test_batch_scores_equal_one_at_a_time(scorer):
    texts = [normalize(t).text for t in ("you moron", "", "lovely day at the beach", "x" * 500)]
    batch = scorer.predict(texts)
    for row, text in enumerate(texts):
        single = scorer.predict([text])
        for attribute in scorer.attributes:
            assert batch[attribute][row] == pytest.approx(single[attribute][0], abs=1e-5)


def test_explain_gives_word_spans_on_the_normalized_text(scorer):
    normalized = normalize("Honestly, you are a pathetic MORON and everyone knows it.")
    words = scorer.explain(normalized.text, "insult")
    assert all(normalized.text[s:e].isalnum() for s, e, _ in words)
    strongest = max(words, key=lambda word: word[2])
    assert normalized.text[strongest[0] : strongest[1]] in {"moron", "pathetic"}
    start, end = normalized.span_to_original(strongest[0], strongest[1])
    assert normalized.original[start:end].lower() == normalized.text[strongest[0] : strongest[1]]


def test_explain_refuses_an_unknown_attribute(scorer):
    with pytest.raises(ValueError, match="unknown attribute"):
        scorer.explain("hello", "rudeness")


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="model file missing"):
        LearnedScorer.load(tmp_path)


def test_features_never_cross_from_one_text_into_the_next():
    config = FeatureConfig(bits=16)
    together = occurrences(["ab", "cd"], config)
    apart = [occurrences([text], config) for text in ("ab", "cd")]
    for kind, first, second in zip(together, apart[0], apart[1]):
        assert np.array_equal(np.sort(kind.features), np.sort(np.concatenate([first.features, second.features])))


def test_scoring_path_matches_the_training_matrices(scorer):
    """Training fits on `matrix`; scoring uses `linear_scores`: they must compute the same thing."""
    texts = [normalize(t).text for t in ("you idiot", "", "a quiet, civil reply about the budget", "ω" * 50)]
    expected = sum(kind @ scorer.weights for kind in matrix(texts, scorer.config, scorer.idf))
    assert np.allclose(linear_scores(texts, scorer.config, scorer.idf, scorer.weights), expected, atol=1e-5)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=60))
def test_any_text_scores_and_explains(scorer, text):
    """Lone surrogates (JSON's "\\ud800"), controls and every script score without error."""
    normalized = normalize(text).text
    scores = scorer.predict([normalized, text])
    assert all(0.0 <= value <= 1.0 for values in scores.values() for value in values)
    for start, end, _ in scorer.explain(normalized, "toxicity"):
        assert 0 <= start < end <= len(normalized)

"""What the neural tier reads: emoji by their names, since its vocabulary has none of them."""

from rostra.moderation.neural import NeuralScorer
from rostra.moderation.neural.scorer import encoder_text
from rostra.moderation.normalize import normalize


def _tokens(text: str) -> list[str]:
    return NeuralScorer.load().encoder.tokenizer.encode(encoder_text(normalize(text).text)).tokens


def test_emoji_reach_the_encoder_as_words_not_unknown_tokens():
    for text in ("Those 🐀 should all go back", "I love my 🏳️‍🌈 friends", "☠️ to all of them", "🤡🤡🤡"):
        assert "[UNK]" not in _tokens(text), text


def test_an_emoji_keeps_what_it_depicts_and_a_skin_tone_is_named():
    assert "rat" in encoder_text("they are 🐀").split()
    assert "dark skinned" in encoder_text("all 👩🏿 out")
    assert "light skinned" in encoder_text("👋🏻")


def test_plain_text_and_latin_signs_are_left_as_typed():
    for text in ("the council voted 7 to 2", "café © 2026, 25°c", "naïve résumé — “quoted”"):
        assert encoder_text(text) == text


def test_a_comment_and_its_emoji_free_twin_differ_only_where_the_emoji_was():
    assert encoder_text("i hate 🐀").split() == ["i", "hate", "rat"]
    assert encoder_text("i love 🐀").split() == ["i", "love", "rat"]

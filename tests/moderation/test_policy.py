"""Site policy: thresholds, word lists, pre-moderation and untargeted profanity change decisions."""

import pytest

from rostra.moderation import AuthorHistory, CommentInput, Engine, Policy, PolicyError


@pytest.fixture()
def with_policy(engine):
    """An engine under a given policy, sharing the default engine's loaded models (both tiers)."""
    return lambda **settings: engine.with_policy(Policy.from_mapping(settings))


def test_defaults_let_untargeted_profanity_through(engine):
    assert Policy().allow_untargeted_profanity is True
    assert engine.moderate(CommentInput("Holy shit, the rent in this city is insane.")).decision == "approve"


def test_a_site_can_hold_all_profanity(with_policy):
    strict = with_policy(allow_untargeted_profanity=False)
    verdict = strict.moderate(CommentInput("Holy shit, the rent in this city is insane."))
    assert verdict.decision == "hold"
    assert any(reason.attribute == "profanity" for reason in verdict.reasons)


def test_threshold_override_changes_the_decision(with_policy, engine):
    text = "The minister is an idiot."
    score = engine.moderate(CommentInput(text)).scores["insult"]
    assert with_policy(thresholds={"insult": max(0.01, score - 0.05)}).moderate(CommentInput(text)).decision == "hold"
    assert with_policy(thresholds={"insult": min(1.0, score + 0.05), "toxicity": 1.0}).moderate(CommentInput(text)).decision == "approve"


def test_overriding_one_threshold_keeps_the_other_defaults():
    policy = Policy.from_mapping({"thresholds": {"spam": 0.5}})
    assert policy.hold_threshold("spam") == 0.5
    assert policy.hold_threshold("threat") == Policy().hold_threshold("threat")


def test_reject_threshold_rejects_without_a_moderator(with_policy):
    text = "I will find you and kill you."
    assert with_policy().moderate(CommentInput(text)).decision == "hold"
    assert with_policy(reject_thresholds={"threat": 0.8}).moderate(CommentInput(text)).decision == "reject"


def test_only_rules_and_model_together_reject_without_a_moderator(engine):
    shouting = engine.moderate(CommentInput("Leave me alone, you are acting like a kid.!!!!!!!!!!!!!!!!!!"))
    assert shouting.decision == "hold"
    spam = engine.moderate(CommentInput("Check out my channel for free bitcoin!!! https://bit.ly/3xYz https://bit.ly/4abc"))
    assert spam.decision == "reject"


def test_banned_words_reject_even_when_disguised(with_policy):
    site = with_policy(banned_words=["crapola", "fake news"])
    for text, span_text in [("What utter cr4pola.", "cr4pola"), ("This is FAKE NEWS again", "FAKE NEWS")]:
        verdict = site.moderate(CommentInput(text))
        assert verdict.decision == "reject"
        banned = [reason for reason in verdict.reasons if reason.attribute == "banned_word"][0]
        assert [text[start:end] for start, end in banned.spans] == [span_text]
    assert site.moderate(CommentInput("Crapolas are not a word.")).decision == "approve"


def test_suspect_words_hold(with_policy):
    site = with_policy(suspect_words=["referendum"])
    verdict = site.moderate(CommentInput("When is the referendum?"))
    assert verdict.decision == "hold" and verdict.reasons[0].attribute == "suspect_word"


def test_premoderation_all_holds_everything(with_policy):
    verdict = with_policy(premoderation="all").moderate(CommentInput("Lovely photo."))
    assert verdict.decision == "hold" and verdict.reasons[0].attribute == "premoderation"


def test_premoderation_of_new_authors(with_policy):
    site = with_policy(premoderation="new_authors", new_author_comments=3)
    assert site.moderate(CommentInput("Hello.", author=AuthorHistory(approved=2))).decision == "hold"
    assert site.moderate(CommentInput("Hello.", author=AuthorHistory(approved=3))).decision == "approve"
    assert site.moderate(CommentInput("Hello.")).decision == "approve"  # no author known: nothing to count


def test_premoderation_of_comments_with_links(with_policy):
    site = with_policy(premoderation="links")
    text = "Source: https://example.org/report.pdf"
    verdict = site.moderate(CommentInput(text))
    assert verdict.decision == "hold"
    assert [text[start:end] for start, end in verdict.reasons[0].spans] == ["https://example.org/report.pdf"]
    assert site.moderate(CommentInput("No link here.")).decision == "approve"


@pytest.mark.parametrize("mapping, field", [
    ({"thresholds": {"toxicity": 1.5}}, "thresholds.toxicity"),
    ({"thresholds": {"rudeness": 0.5}}, "thresholds.rudeness"),
    ({"thresholds": {"toxicity": "high"}}, "thresholds.toxicity"),
    ({"thresholds": [0.5]}, "thresholds"),
    ({"banned_words": "damn"}, "banned_words"),
    ({"banned_words": ["ok", ""]}, "banned_words"),
    ({"premoderation": "sometimes"}, "premoderation"),
    ({"new_author_comments": -1}, "new_author_comments"),
    ({"max_length": "long"}, "max_length"),
    ({"allow_untargeted_profanity": "yes"}, "allow_untargeted_profanity"),
    ({"treshold": {}}, "treshold"),
])
def test_bad_policy_settings_name_their_field(mapping, field):
    with pytest.raises(PolicyError) as raised:
        Policy.from_mapping(mapping)
    assert raised.value.field == field
    assert str(raised.value).startswith(field)

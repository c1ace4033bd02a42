"""The v2 engine with its neural tier: shared models, spans when the neural tier decides, relevance."""

from threads_support import all_at_once

from rostra.moderation import CommentInput, Engine, Policy, StoryContext

STORY = StoryContext(
    "Council cuts three bus routes to close budget gap",
    "The city council voted on Tuesday to withdraw three bus routes from March, saving 1.2 million a year. "
    "Residents of the northern estates, where the routes run, say they will be cut off from the hospital.",
)


def test_default_engines_for_many_sites_share_one_set_of_models():
    first = Engine.default(Policy.from_mapping({"premoderation": "all"}))
    second = Engine.default(Policy())
    third = second.with_policy(Policy.from_mapping({"thresholds": {"toxicity": 0.9}}))
    assert first.neural is not None and first.scorer is not None
    assert first.neural is second.neural is third.neural
    assert first.scorer is second.scorer is third.scorer
    assert third.policy.hold_threshold("toxicity") == 0.9
    assert first.moderate(CommentInput("Thanks for the report.")).decision == "hold"
    assert third.moderate(CommentInput("Thanks for the report.")).decision == "approve"


def test_the_model_name_names_both_tiers(engine):
    assert engine.model.startswith("rostra-ngram-") and "+rostra-minilm-" in engine.model


def test_slur_free_group_hate_is_held_with_spans_on_the_words_not_the_group(engine):
    text = "All Jews should be rounded up and gassed."
    assert Engine(None, engine.scorer).moderate(CommentInput(text)).decision == "approve"  # v1 missed it
    verdict = engine.moderate(CommentInput(text))
    assert verdict.decision == "hold"
    attack = next(reason for reason in verdict.reasons if reason.attribute == "identity_attack")
    blamed = " ".join(text[start:end] for start, end in attack.spans).lower()
    assert "gassed" in blamed and "jews" not in blamed


def test_neural_spans_name_the_characters_the_author_typed(engine):
    text = "All Jews should be rounded up and g@$$ed."
    verdict = engine.moderate(CommentInput(text))
    assert verdict.decision == "hold"
    spans = [text[start:end] for reason in verdict.reasons for start, end in reason.spans]
    assert "g@$$ed" in spans, spans


def test_naming_groups_warmly_is_not_held(engine):
    texts = ["I'm a gay man and I love this city.", "Muslim and Jewish families cooked the community dinner together.",
             "Black women run half the businesses on this street.", "My wife is a refugee from Syria."]
    assert [v.decision for v in engine.moderate_many([CommentInput(text) for text in texts])] == ["approve"] * 4


def test_a_reply_about_the_story_is_on_topic_and_a_paste_is_not(engine):
    on_topic = CommentInput("Cutting the routes to the northern estates means older people there cannot get to "
                            "their hospital appointments. The council should find the money elsewhere.", STORY)
    paraphrase = CommentInput("My mum relies on the number 12 to reach her clinic; without it she is stuck at home "
                              "every week. Find the savings somewhere else.", STORY)
    press_release = CommentInput("FOR IMMEDIATE RELEASE: Northwind Capital is pleased to announce that Jane Doe has "
                                 "been appointed Chief Financial Officer, effective January 1. Media contact: press@example.com",
                                 STORY)
    rant = CommentInput("WAKE UP PEOPLE THE MOON LANDING WAS FILMED IN A STUDIO AND THE ASTRONAUTS ALL KNOW IT, "
                        "DO YOUR OWN RESEARCH BEFORE THIS GETS DELETED", STORY)
    scores = [v.scores["off_topic"] for v in engine.moderate_many([on_topic, paraphrase, press_release, rant])]
    threshold = Policy().hold_threshold("off_topic")
    assert scores[0] < threshold and scores[1] < threshold, scores
    assert scores[2] >= threshold and scores[3] >= threshold, scores


def test_threads_sharing_the_engine_get_the_scores_one_thread_gets(engine):
    texts = [f"Comment {index}: the council is wrong about route {index}, and you are an idiot." for index in range(12)]
    expected = [engine.moderate(CommentInput(text, STORY)).scores for text in texts]
    assert all_at_once(lambda text: engine.moderate(CommentInput(text, STORY)).scores, texts) == expected

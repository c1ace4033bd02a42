"""Profanity aimed at a person is an insult; the same word aimed at nothing is profanity only."""

from rostra.moderation import CommentInput, Policy

AIMED = [
    "Go for it, fuckwad.",
    "Nice try, dipshit.",
    "You are a fucking moron.",
    "Fuck you and your editor.",
    "Read the article before commenting, asshole.",
    "Shut the fuck up, you clown.",
    "Get lost, shithead.",
    "You absolute bastard, how dare you.",
]
UNAIMED = [
    "this is fucking ridiculous",
    "What the hell is the council doing with our money?",
    "Holy shit, the turnout numbers are huge this year.",
    "Damn, I did not see that result coming.",
    "The whole budget is a bloody mess.",
    "Fucking finally, the bridge is open again.",
    "This shit is going to cost taxpayers millions.",
    "Well, that was a crap match.",
]


def test_profanity_aimed_at_a_person_is_held_as_an_insult(engine):
    verdicts = engine.moderate_many([CommentInput(text) for text in AIMED])
    assert all(v.decision != "approve" for v in verdicts), [t for t, v in zip(AIMED, verdicts) if v.decision == "approve"]
    assert all("insult" in {r.attribute for r in v.reasons} for v in verdicts)


def test_go_for_it_fuckwad_is_a_toxic_insult(engine):
    verdict = engine.moderate(CommentInput("Go for it, fuckwad."))
    assert verdict.scores["insult"] >= 0.7
    assert verdict.scores["toxicity"] >= 0.7


def test_profanity_aimed_at_nothing_passes_and_is_not_an_insult(engine):
    verdicts = engine.moderate_many([CommentInput(text) for text in UNAIMED])
    assert [t for t, v in zip(UNAIMED, verdicts) if v.decision != "approve"] == []
    assert all(v.scores["insult"] < 0.6 for v in verdicts), [(t, v.scores["insult"]) for t, v in zip(UNAIMED, verdicts)]


def test_a_site_that_disallows_profanity_holds_it_as_profanity_only(engine):
    strict = engine.with_policy(Policy(allow_untargeted_profanity=False))
    verdict = strict.moderate(CommentInput("this is fucking ridiculous"))
    assert verdict.decision == "hold"
    assert {reason.attribute for reason in verdict.reasons} == {"profanity"}

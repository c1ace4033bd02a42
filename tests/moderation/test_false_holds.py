"""Disagreement is not abuse: false holds on Rostra's own acceptable comments stay rare, and clear
abuse is still caught, so the test fails in both directions.

The comments in data/ were written for Rostra as test data; no model is trained on them.
Figures per group: `.venv/bin/python bench/false_holds.py`.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from rostra.moderation import CommentInput, StoryContext

DATA = Path(__file__).parent / "data"
MAX_FALSE_HOLD_RATE = 0.05
MAX_FALSE_HOLD_RATE_PER_GROUP = 0.10
MIN_CAUGHT_RATE = 0.90
MIN_CAUGHT_RATE_PER_GROUP = 0.75
# Long civil news comments (civil_news.jsonl: argued and angry disagreement, quotes of the article),
# the bar for the v2 engine.
MAX_CIVIL_NEWS_HOLD_RATE = 0.02


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def held_rates(engine, records: list[dict]) -> dict[str, float]:
    comments = [CommentInput(record["text"], StoryContext(**record["story"]) if "story" in record else None,
                             record.get("parent_text")) for record in records]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, verdict in zip(records, engine.moderate_many(comments)):
        for group in ("all", record["group"], *([f"identity:{record['identity']}"] if "identity" in record else [])):
            counts[group][0] += 1
            counts[group][1] += verdict.decision != "approve"
    return {group: held / total for group, (total, held) in counts.items() if total >= 10 or group == "all"}


def test_the_test_set_is_large_enough_and_covers_the_groups():
    acceptable = load("acceptable.jsonl")
    assert len(acceptable) >= 300
    assert {"heated_disagreement", "counter_speech", "identity_neutral", "identity_positive"} <= {r["group"] for r in acceptable}
    identities = {record["identity"] for record in acceptable if "identity" in record}
    assert {"gay", "lesbian", "trans", "muslim", "jewish", "black", "asian", "immigrant", "women", "disabled",
            "christian"} <= identities


def test_acceptable_comments_are_rarely_held(engine):
    rates = held_rates(engine, load("acceptable.jsonl"))
    assert rates["all"] < MAX_FALSE_HOLD_RATE, rates
    too_high = {group: rate for group, rate in rates.items() if rate > MAX_FALSE_HOLD_RATE_PER_GROUP}
    assert not too_high, too_high


def test_long_civil_news_comments_are_almost_never_held(engine):
    records = load("civil_news.jsonl")
    assert len(records) >= 100
    comments = [CommentInput(record["text"]) for record in records]
    held = [record["text"][:80] for record, verdict in zip(records, engine.moderate_many(comments))
            if verdict.decision != "approve"]
    assert len(held) / len(records) <= MAX_CIVIL_NEWS_HOLD_RATE, held


def test_clear_abuse_is_held_or_rejected(engine):
    rates = held_rates(engine, load("abusive.jsonl"))
    assert rates["all"] >= MIN_CAUGHT_RATE, rates
    too_low = {group: rate for group, rate in rates.items() if rate < MIN_CAUGHT_RATE_PER_GROUP}
    assert not too_low, too_low


@pytest.mark.parametrize("group", ["insult", "threat", "coded_hate", "spam", "slur"])
def test_each_kind_of_abuse_is_in_the_set(group):
    assert sum(record["group"] == group for record in load("abusive.jsonl")) >= 10

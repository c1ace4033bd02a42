"""Print the engine's false-hold rate on acceptable comments and its catch rate on abusive ones.

Reads Rostra's own test set (tests/moderation/data): heated but acceptable news discussion,
counter-speech, neutral and positive mentions of identity groups, a hold-out set of the same kinds
that was kept out of rule writing until its first run, 100 long civil news comments (argued and
angry disagreement, quotes of the article; written for the v2 engine and never trained on), and a
smaller set of clear abuse. Prints the v1 engine (n-gram model and rules) beside v2 (with the
neural tier) unless --model is given.
Usage: .venv/bin/python bench/false_holds.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from rostra.moderation import CommentInput, Engine, StoryContext
from rostra.moderation.learned import LearnedScorer

DATA = Path(__file__).resolve().parent.parent / "tests" / "moderation" / "data"


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def as_input(record: dict) -> CommentInput:
    story = StoryContext(**record["story"]) if "story" in record else None
    return CommentInput(record["text"], story, record.get("parent_text"))


def rates(engine: Engine, records: list[dict], key: str) -> tuple[dict[str, list[int]], list[tuple[dict, object]]]:
    """Per group: [comments, held or rejected]; plus every record with its verdict."""
    verdicts = engine.moderate_many([as_input(record) for record in records])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, verdict in zip(records, verdicts):
        for group in ("all", record[key], *([f"identity:{record['identity']}"] if "identity" in record else [])):
            counts[group][0] += 1
            counts[group][1] += verdict.decision != "approve"
    return counts, list(zip(records, verdicts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="also print every mistake")
    parser.add_argument("--model", metavar="DIR", help="a model folder to use instead of the shipped one")
    args = parser.parse_args()
    if args.model:
        engines = [("model", Engine(None, LearnedScorer.load(args.model)))]
    else:
        v2 = Engine.default()
        engines = [("v1", Engine(None, v2.scorer)), ("v2", v2)]
    for name, engine in engines:
        print(f"{name}: {engine.model}")
    print()
    for title, file_name, wanted in (("False holds on acceptable comments", "acceptable.jsonl", "approve"),
                                     ("False holds on the hold-out set (kept out of rule writing until its first run)",
                                      "acceptable_holdout.jsonl", "approve"),
                                     ("False holds on long civil news comments (civil_news.jsonl)", "civil_news.jsonl",
                                      "approve"),
                                     ("Held or rejected among abusive comments", "abusive.jsonl", "hold")):
        records = load(file_name)
        results = [(name, *rates(engine, records, "group")) for name, engine in engines]
        print(f"{title}\n{'group':<32}{'comments':>9}" + "".join(f"{name + ' held':>10}{'rate':>8}" for name, *_ in results))
        counts = results[0][1]
        for group in sorted(counts, key=lambda g: (g != "all", g.startswith("identity:"), g)):
            cells = "".join(f"{c[group][1]:>10}{c[group][1] / c[group][0]:>8.1%}" for _, c, _ in results)
            print(f"{group:<32}{counts[group][0]:>9}{cells}")
        print()
        if args.verbose:
            for name, _, verdicts in results:
                for record, verdict in verdicts:
                    if (verdict.decision == "approve") != (wanted == "approve"):
                        why = ", ".join(f"{r.attribute}={r.score:.2f}/{r.phase}" for r in verdict.reasons)
                        print(f"  {name} [{record['group']}] {verdict.decision}: {record['text'][:90]!r} {why}")
            print()


if __name__ == "__main__":
    main()

"""Print the engine's false-hold rate on acceptable comments and its catch rate on abusive ones.

Reads Rostra's own test set (tests/moderation/data): heated but acceptable news discussion,
counter-speech, neutral and positive mentions of identity groups, a hold-out set of the same kinds
that was kept out of rule writing until its first run, and a smaller set of clear abuse.
Usage: .venv/bin/python bench/false_holds.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from rostra.moderation.learned import LearnedScorer
from rostra.moderation import CommentInput, Engine, StoryContext

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
    engine = Engine(None, LearnedScorer.load(args.model)) if args.model else Engine.default()
    print(f"model: {engine.model}\n")
    for title, name, wanted in (("False holds on acceptable comments", "acceptable.jsonl", "approve"),
                                ("False holds on the hold-out set (kept out of rule writing until its first run)",
                                 "acceptable_holdout.jsonl", "approve"),
                                ("Held or rejected among abusive comments", "abusive.jsonl", "hold")):
        counts, results = rates(engine, load(name), "group")
        print(f"{title}\n{'group':<28}{'comments':>9}{'held':>7}{'rate':>8}")
        for group in sorted(counts, key=lambda g: (g != "all", g.startswith("identity:"), g)):
            total, held = counts[group]
            print(f"{group:<28}{total:>9}{held:>7}{held / total:>8.1%}")
        print()
        if args.verbose:
            for record, verdict in results:
                if (verdict.decision == "approve") != (wanted == "approve"):
                    why = ", ".join(f"{reason.attribute}={reason.score:.2f}/{reason.phase}" for reason in verdict.reasons)
                    print(f"  [{record['group']}] {verdict.decision}: {record['text'][:90]!r} {why}")
            print()


if __name__ == "__main__":
    main()

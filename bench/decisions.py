"""Print how often the whole engine holds or rejects labelled test posts, abusive and clean, per dataset.

Decision-level counterpart of `rostra eval` (which ranks scores): for each dataset's test split,
the share of posts with any abuse label that the engine holds or rejects (caught) and the share of
posts with every label clean that it holds or rejects (false holds), under the default policy or
the one given. Needs the labelled data checked out beside the repository.
Usage: .venv/bin/python bench/decisions.py [--data ../shared/data] [--sample 600] [--policy FILE]
"""

from __future__ import annotations

import argparse
import random
import tomllib
from collections import defaultdict
from pathlib import Path

from rostra.moderation import CommentInput, Engine, Policy
from rostra.moderation.training import datasets

REPOSITORY = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPOSITORY.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=600, help="posts per dataset and side (seeded)")
    parser.add_argument("--policy", type=Path, help="TOML file with the [moderation] table's keys")
    args = parser.parse_args()
    policy = Policy.from_mapping(tomllib.loads(args.policy.read_text())) if args.policy else Policy()
    engine = Engine.default(policy)

    sides: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for example in datasets.load(args.data):
        if example.split == "test" and example.labels:
            sides[(example.source, any(example.labels.values()))].append(example.text)
    chooser = random.Random(7)
    print(f"model {engine.model}; test splits, up to {args.sample} posts per dataset and side")
    print(f"| {'dataset':24} | {'abusive':>8} | {'caught':>7} | {'clean':>6} | {'false holds':>11} |")
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 9}|{'-' * 8}|{'-' * 13}|")
    for source in sorted({source for source, _ in sides}):
        cells = []
        for abusive in (True, False):
            texts = sides.get((source, abusive), [])
            texts = chooser.sample(texts, min(args.sample, len(texts)))
            verdicts = engine.moderate_many([CommentInput(text) for text in texts])
            held = sum(verdict.decision != "approve" for verdict in verdicts)
            cells.append((len(texts), f"{held / len(texts):.1%}" if texts else "-"))
        (abusive_count, caught), (clean_count, false_holds) = cells
        print(f"| {source:24} | {abusive_count:>8} | {caught:>7} | {clean_count:>6} | {false_holds:>11} |")


if __name__ == "__main__":
    main()

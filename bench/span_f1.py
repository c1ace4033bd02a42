"""Toxic-span F1 of the engine on the SemEval-2021 Task 5 data, scored as the task defines it.

For each post: F1 between the predicted and the gold sets of character offsets (1 when both are
empty, 0 when only one is); the figure is the mean over posts. The task's best system scored 0.708
on its test split, where every post is known to be toxic. Two figures: the engine's toxicity spans
on every post (the task's setting), and the spans it reports as shipped, for the toxicity-type
attributes (toxicity, severe toxicity, insult, profanity, threat, identity attack, sexually
explicit) that reach their default hold threshold (nothing when none does).

Usage: .venv/bin/python bench/span_f1.py [--data ../shared/data/toxic_spans_semeval2021] [--split test]
"""

from __future__ import annotations

import argparse
import ast
import csv
import statistics
from pathlib import Path

from rostra.moderation.learned import LearnedScorer
from rostra.moderation import CommentInput, Engine, Policy
from rostra.moderation.spans import characters
from rostra.moderation.training.train import span_f1

TOXIC_ATTRIBUTES = ("toxicity", "severe_toxicity", "insult", "profanity", "threat", "identity_attack",
                    "sexually_explicit")


def predicted_characters(engine: Engine, texts: list[str], attributes: tuple[str, ...]) -> list[set[int]]:
    verdicts = engine.moderate_many([CommentInput(text) for text in texts])
    return [characters((start, end) for attribute in attributes
                       for start, end, _ in verdict.span_scores.get(attribute, ())) for verdict in verdicts]


def load(path: Path) -> tuple[list[str], list[set[int]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [set(ast.literal_eval(row["spans"])) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/toxic_spans_semeval2021", type=Path)
    parser.add_argument("--split", default="test", choices=("train", "trial", "test"))
    parser.add_argument("--model", metavar="DIR", help="a model folder to use instead of the shipped one")
    args = parser.parse_args()
    texts, gold = load(args.data / f"tsd_{args.split}.csv")
    base = Engine(None, LearnedScorer.load(args.model)) if args.model else Engine.default()
    every_post = Policy.from_mapping({"thresholds": {"toxicity": 0.0}})
    first = Engine(None, base.scorer)
    settings = [("v1: toxicity spans on every post (the task's setting)", first.with_policy(every_post), ("toxicity",)),
                ("v1 as shipped: attributes at default thresholds", first, TOXIC_ATTRIBUTES)]
    if base.neural is not None:
        settings += [("v2: toxicity spans on every post (the task's setting)", base.with_policy(every_post), ("toxicity",)),
                     ("v2 as shipped: attributes at default thresholds", base, TOXIC_ATTRIBUTES)]
    print(f"model {base.model}; SemEval-2021 Task 5 {args.split} split, {len(texts)} posts "
          f"({sum(not g for g in gold)} with no gold span)\n")
    print(f"| {'spans':<52} | span F1 | posts with predicted spans")
    print(f"|{'-' * 54}|---------|------")
    for name, engine, attributes in settings:
        predicted = predicted_characters(engine, texts, attributes)
        score = statistics.mean(span_f1(p, g) for p, g in zip(predicted, gold))
        print(f"| {name:<52} | {score:.4f}  | {sum(bool(p) for p in predicted)}/{len(texts)}")


if __name__ == "__main__":
    main()

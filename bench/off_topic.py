"""How well `off_topic` tells a reply under its own parent from the same reply under another one.

Wikipedia talk-page replies (wiki_context_toxicity, civil ones with a parent) are scored twice: with
their real parent as the story, and with a parent drawn from another thread. Prints the ROC-AUC
between the two and the share of each at or over the default hold threshold.

Usage: .venv/bin/python bench/off_topic.py [--data ../shared/data/wiki_context_toxicity] [--sample 3000]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from sklearn.metrics import roc_auc_score

from rostra.moderation import CommentInput, Engine, Policy, StoryContext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/wiki_context_toxicity", type=Path)
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args()
    with open(args.data / "cat_all.csv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["label"] == "0" and row["parent"].strip()]
    random.Random(7).shuffle(rows)
    rows = rows[: args.sample]
    other_parents = [row["parent"] for row in rows]
    random.Random(8).shuffle(other_parents)
    engine = Engine.default()
    threshold = Policy().hold_threshold("off_topic")

    def scores(parents: list[str]) -> list[float]:
        comments = [CommentInput(row["text"], StoryContext("Talk page", parent)) for row, parent in zip(rows, parents)]
        return [verdict.scores["off_topic"] for verdict in engine.moderate_many(comments)]

    own, other = scores([row["parent"] for row in rows]), scores(other_parents)
    auc = roc_auc_score([0] * len(own) + [1] * len(other), own + other)
    print(f"{len(rows)} civil Wikipedia replies; ROC-AUC own parent vs another thread's: {auc:.3f}")
    print(f"at or over {threshold}: {sum(s >= threshold for s in own) / len(own):.2%} under their own parent, "
          f"{sum(s >= threshold for s in other) / len(other):.2%} under another thread's")


if __name__ == "__main__":
    main()

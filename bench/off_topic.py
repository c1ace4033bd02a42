"""How well `off_topic` tells a reply under its own parent from the same reply under another one.

The parent-swap test: civil Wikipedia talk-page replies with a parent (wiki_context_toxicity) are
scored twice, under their real parent and under a parent drawn from another thread. The rows are
split in two by text hash: the even half fits `offtopic`'s weights (`--fit` prints them), the odd
half is what the figures are reported on. Prints ROC-AUC (own parent vs another thread's) for
word overlap alone (the first engine), sentence-embedding similarity alone and the shipped
combination, and the share of each side at or over the default hold threshold.

A second, small story-swap test runs Rostra's own on-topic comments under stories
(tests/moderation/data/acceptable.jsonl, group "on topic") under their story and under another.

Usage: .venv/bin/python bench/off_topic.py [--data ../shared/data/wiki_context_toxicity] [--sample 3000] [--fit]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from rostra.moderation import CommentInput, Engine, Policy, StoryContext
from rostra.moderation.normalize import normalize
from rostra.moderation.offtopic import content_stems, unrelatedness

ACCEPTABLE = Path(__file__).resolve().parents[1] / "tests" / "moderation" / "data" / "acceptable.jsonl"


def _half(text: str) -> str:
    return "fit" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "report"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/wiki_context_toxicity", type=Path)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--fit", action="store_true", help="fit the weights on the even half and print them")
    args = parser.parse_args()
    with open(args.data / "cat_all.csv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["label"] == "0" and row["parent"].strip()]
    seen, unique = set(), []
    for row in rows:
        if row["text"] not in seen and len(content_stems(normalize(row["text"]).text)) >= 5:
            seen.add(row["text"])
            unique.append(row)
    random.Random(7).shuffle(unique)
    rows = unique[: args.sample]
    other_parents = [row["parent"] for row in rows]
    random.Random(8).shuffle(other_parents)
    engine = Engine.default()
    threshold = Policy().hold_threshold("off_topic")
    halves = np.array([_half(row["text"]) for row in rows])
    own_parents = [row["parent"] for row in rows]

    if args.fit:
        _fit(engine, rows, own_parents, other_parents, halves == "fit")
        return

    def scores(parents: list[str]) -> np.ndarray:
        comments = [CommentInput(row["text"], StoryContext("Talk page", parent)) for row, parent in zip(rows, parents)]
        return np.array([verdict.scores["off_topic"] for verdict in engine.moderate_many(comments)])

    report = halves == "report"
    own, other = scores(own_parents)[report], scores(other_parents)[report]
    labels = [0] * len(own) + [1] * len(other)
    print(f"model {engine.model}")
    print(f"{int(report.sum())} civil Wikipedia replies (the half not fitted on), own parent vs another thread's:")
    if engine.neural is not None:
        overlap, similarity = _signals(engine, rows, own_parents, other_parents)
        print(f"  word overlap alone:       ROC-AUC {roc_auc_score(labels, _pair(overlap, report)):.3f}")
        print(f"  embedding similarity:     ROC-AUC {roc_auc_score(labels, -_pair(similarity, report)):.3f}")
    print(f"  off_topic as shipped:     ROC-AUC {roc_auc_score(labels, np.concatenate([own, other])):.3f}")
    print(f"  at or over {threshold}: {np.mean(own >= threshold):.2%} under their own parent, "
          f"{np.mean(other >= threshold):.2%} under another thread's")
    _story_swap(engine, threshold)


def _signals(engine, rows, own_parents, other_parents):
    """(unrelatedness, similarity) arrays of shape (2, n): own parent first, then the other."""
    texts = [normalize(row["text"]).text for row in rows]
    comments = engine.neural.embed(texts)
    overlap, similarity = np.zeros((2, len(rows))), np.zeros((2, len(rows)))
    for side, parents in enumerate((own_parents, other_parents)):
        vectors = engine.neural.embed([normalize(parent).text for parent in parents])
        similarity[side] = np.sum(comments * vectors, axis=1)
        for index, (text, parent) in enumerate(zip(texts, parents)):
            overlap[side, index] = unrelatedness(content_stems(text), StoryContext("Talk page", parent), None)
    return overlap, similarity


def _pair(values: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    return np.concatenate([values[0][chosen], values[1][chosen]])


def _fit(engine, rows, own_parents, other_parents, chosen) -> None:
    overlap, similarity = _signals(engine, rows, own_parents, other_parents)
    features = np.column_stack([_pair(overlap, chosen), _pair(similarity, chosen)])
    labels = [0] * int(chosen.sum()) + [1] * int(chosen.sum())
    model = LogisticRegression(C=10.0).fit(features, labels)
    print(f"{int(chosen.sum())} pairs: OVERLAP_WEIGHT = {model.coef_[0, 0]:.2f}, "
          f"SIMILARITY_WEIGHT = {model.coef_[0, 1]:.2f}, BIAS = {model.intercept_[0]:.2f}")


def _story_swap(engine, threshold: float) -> None:
    """Rostra's on-topic comments under their own story and under another comment's story."""
    rows = [json.loads(line) for line in ACCEPTABLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row.get("story")]
    if len(rows) < 2:
        return
    stories = [StoryContext(row["story"]["title"], row["story"].get("text", "")) for row in rows]
    swapped = [stories[(index + len(stories) // 2) % len(stories)] for index in range(len(stories))]
    own = [v.scores["off_topic"] for v in engine.moderate_many([CommentInput(r["text"], s) for r, s in zip(rows, stories)])]
    other = [v.scores["off_topic"] for v in engine.moderate_many([CommentInput(r["text"], s) for r, s in zip(rows, swapped)])]
    auc = roc_auc_score([0] * len(own) + [1] * len(other), own + other)
    print(f"story swap, {len(rows)} of Rostra's on-topic comments under their story vs another's: ROC-AUC {auc:.3f}; "
          f"at or over {threshold}: {np.mean(np.array(own) >= threshold):.0%} own, {np.mean(np.array(other) >= threshold):.0%} other")


if __name__ == "__main__":
    main()

"""The two learned tiers and their blend compared on test splits none of them was fitted or tuned on.

For every shared dataset's test split (seeded sample, `--sample` posts per dataset), per attribute
the dataset labels: ROC-AUC of the n-gram model alone, the neural tier alone, their blend (the
engine's learned score) and the whole engine (rules included), v1 (n-gram and rules) and v2. Then
the decisions: the share of abusive posts each engine holds or rejects and of clean posts it holds
(false holds). Then Perspective fidelity: Spearman correlation with Perspective's own TOXICITY score
where the data carries it (wiki_context_toxicity, its test split). Then the hold rate on
counter-speech (the Reddit set's counter_hate replies, test split) and on neutral mentions of
groups (Rostra's evaluation templates, never trained on), per group.

Usage: .venv/bin/python bench/tiers.py [--data ../shared/data] [--sample 500]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from rostra.moderation import CommentInput, Engine
from rostra.moderation.normalize import normalize
from rostra.moderation.training import datasets
from rostra.moderation.training.civil_text import EVALUATION_TEMPLATES, identity_sentences

REPOSITORY = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPOSITORY.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=500, help="test posts per dataset (seeded)")
    args = parser.parse_args()
    v2 = Engine.default()
    v1 = Engine(None, v2.scorer)
    print(f"v2 model {v2.model}; v1 model {v1.model}\n")

    by_source: dict[str, list] = defaultdict(list)
    for example in datasets.load(args.data):
        if example.split == "test" and example.labels:
            by_source[example.source].append(example)
    chooser = random.Random(7)
    print("ROC-AUC on each test split (n-gram | neural | blend | v1 engine | v2 engine), best in brackets")
    print(f"| {'dataset':28} | {'attribute':16} | {'n':>5} | {'pos':>4} | {'n-gram':>7} | {'neural':>7} | "
          f"{'blend':>7} | {'v1':>7} | {'v2':>7} |")
    print(f"|{'-' * 30}|{'-' * 18}|{'-' * 7}|{'-' * 6}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    wins = defaultdict(int)
    decisions = []
    for source in sorted(by_source):
        examples = chooser.sample(by_source[source], min(args.sample, len(by_source[source])))
        texts = [normalize(e.text).text for e in examples]
        blend, ngram, neural, _ = v2._learned(texts, [False] * len(texts))
        engines = {name: engine.moderate_many([CommentInput(e.text) for e in examples]) for name, engine in
                   (("v1", v1), ("v2", v2))}
        for attribute in sorted({a for e in examples for a in e.labels}):
            rows = [i for i, e in enumerate(examples) if attribute in e.labels]
            labels = [examples[i].labels[attribute] for i in rows]
            if not 0 < sum(labels) < len(labels) or attribute not in neural[0]:
                continue
            columns = {"n-gram": [ngram[i].get(attribute, 0.0) for i in rows],
                       "neural": [neural[i][attribute] for i in rows],
                       "blend": [blend[i][attribute] for i in rows],
                       "v1": [engines["v1"][i].scores[attribute] for i in rows],
                       "v2": [engines["v2"][i].scores[attribute] for i in rows]}
            aucs = {name: roc_auc_score(labels, values) for name, values in columns.items()}
            best = max(aucs, key=aucs.get)
            wins[best] += 1
            cells = " | ".join(f"[{aucs[n]:.3f}]" if n == best else f" {aucs[n]:.3f} " for n in columns)
            print(f"| {source:28} | {attribute:16} | {len(rows):>5} | {sum(labels):>4} | {cells} |")
        abusive = [i for i, e in enumerate(examples) if any(e.labels.values())]
        clean = [i for i, e in enumerate(examples) if not any(e.labels.values())]
        decisions.append((source, len(abusive), len(clean), {
            name: (_share(verdicts, abusive), _share(verdicts, clean)) for name, verdicts in engines.items()}))
    print(f"\nbest ROC-AUC per row: {dict(wins)}\n")

    print("Decisions under the default policy: abusive posts caught, clean posts held (false holds)")
    print(f"| {'dataset':28} | {'abusive':>7} | {'v1 caught':>9} | {'v2 caught':>9} | {'clean':>5} | "
          f"{'v1 false holds':>14} | {'v2 false holds':>14} |")
    print(f"|{'-' * 30}|{'-' * 9}|{'-' * 11}|{'-' * 11}|{'-' * 7}|{'-' * 16}|{'-' * 16}|")
    for source, abusive, clean, shares in decisions:
        print(f"| {source:28} | {abusive:>7} | {_cell(shares['v1'][0]):>9} | {_cell(shares['v2'][0]):>9} | {clean:>5} | "
              f"{_cell(shares['v1'][1]):>14} | {_cell(shares['v2'][1]):>14} |")

    _perspective(args.data, v1, v2)
    _counter_speech(by_source.get("yu2022_reddit_counterspeech", []), args.data, v1, v2)
    _identity_mentions(v1, v2)


def _share(verdicts, rows) -> float | None:
    return sum(verdicts[i].decision != "approve" for i in rows) / len(rows) if rows else None


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _perspective(data: Path, v1: Engine, v2: Engine) -> None:
    """Spearman with Perspective's TOXICITY on the Wikipedia test split (the only score the data carries)."""
    with open(data / "wiki_context_toxicity" / "cat_all.csv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["perspective_api"].strip()]
    seen, chosen = set(), []
    for row in rows:
        if row["text"] not in seen and datasets.hashed_split(row["text"]) == "test":
            seen.add(row["text"])
            chosen.append(row)
    chosen = random.Random(11).sample(chosen, min(1500, len(chosen)))
    reference = [float(row["perspective_api"]) for row in chosen]
    texts = [normalize(row["text"]).text for row in chosen]
    blend, ngram, neural, _ = v2._learned(texts, [False] * len(texts))
    columns = {"n-gram": [s["toxicity"] for s in ngram], "neural": [s["toxicity"] for s in neural],
               "blend": [s["toxicity"] for s in blend]}
    for name, engine in (("v1 engine", v1), ("v2 engine", v2)):
        columns[name] = [v.scores["toxicity"] for v in engine.moderate_many([CommentInput(r["text"]) for r in chosen])]
    print(f"\nPerspective fidelity: Spearman with Perspective's TOXICITY, {len(chosen)} Wikipedia test-split comments")
    print("(no shared set carries Perspective's INSULT, PROFANITY, THREAT, IDENTITY_ATTACK, SEVERE_TOXICITY or"
          " SEXUALLY_EXPLICIT scores, so those cannot be measured here)")
    for name, values in columns.items():
        print(f"  {name:10} toxicity {spearmanr(reference, values).statistic:.3f}")


def _counter_speech(examples, data: Path, v1: Engine, v2: Engine) -> None:
    """Held rate on the Reddit set's counter-speech replies (test split), which oppose hate."""
    with open(data / "yu2022_reddit_counterspeech" / "yu2022_reddit_counterspeech.csv", encoding="utf-8",
              newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["split"] == "test" and row["label"] == "counter_hate"]
    texts = [row["text"] for row in rows]
    print(f"\nCounter-speech: {len(texts)} Reddit replies labelled counter_hate (test split), share held")
    for name, engine in (("v1", v1), ("v2", v2)):
        verdicts = engine.moderate_many([CommentInput(text) for text in texts])
        held = [v for v in verdicts if v.decision != "approve"]
        hate_reasons = sum(any(r.attribute in ("identity_attack", "coded_hate", "threat") for r in v.reasons) for v in held)
        print(f"  {name}: {len(held) / len(texts):.1%} held; {hate_reasons / len(texts):.1%} held as hate "
              f"(identity attack, coded hate or threat; the rest for rudeness or profanity aimed at someone)")


def _identity_mentions(v1: Engine, v2: Engine) -> None:
    """False-positive rate per group on neutral and positive sentences from the evaluation templates."""
    sentences = identity_sentences(EVALUATION_TEMPLATES)
    print(f"\nNeutral and positive group mentions ({len(sentences)} sentences, evaluation templates): share held")
    results = {}
    for name, engine in (("v1", v1), ("v2", v2)):
        verdicts = engine.moderate_many([CommentInput(text) for _, text in sentences])
        per_group = defaultdict(list)
        for (group, _), verdict in zip(sentences, verdicts):
            per_group[group].append(verdict.decision != "approve")
        results[name] = per_group
    groups = sorted(results["v1"])
    print("  " + " ".join(f"{group[:10]:>10}" for group in groups))
    for name in ("v1", "v2"):
        print(f"{name} " + " ".join(f"{np.mean(results[name][group]):>10.0%}" for group in groups)
              + f"   all {np.mean([x for g in groups for x in results[name][g]]):.1%}")


if __name__ == "__main__":
    main()

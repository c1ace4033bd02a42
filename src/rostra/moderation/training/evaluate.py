"""Quality figures for a scorer: ROC-AUC and F1 per dataset and attribute, over-moderation, spans.

A comment counts as held when any attribute's calibrated score reaches `HOLD_AT`, the engine's
default threshold, so the civil-text hold rate is what a site with default settings would see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from sklearn.metrics import f1_score, log_loss, roc_auc_score

from rostra.moderation.learned.scorer import LearnedScorer
from rostra.moderation.training.civil_text import EVALUATION_TEMPLATES, identity_sentences
from rostra.moderation.training.datasets import DATASETS, Example
from rostra.moderation.training.train import TrainingOptions, mean_span_f1, normalized_texts, train

HOLD_AT = 0.5
# A stricter site threshold, to show how much margin civil text keeps.
STRICT_HOLD_AT = 0.2


@dataclass(frozen=True)
class AttributeResult:
    source: str
    attribute: str
    count: int
    positives: int
    roc_auc: float | None  # None when the split has only one class
    f1: float


def attribute_results(
    scores: dict[str, np.ndarray], examples: Sequence[Example], source: str, threshold: float = HOLD_AT
) -> list[AttributeResult]:
    """ROC-AUC and F1 (at `threshold`) for every attribute both the scores and the labels have."""
    results = []
    for attribute, values in scores.items():
        rows = [i for i, e in enumerate(examples) if attribute in e.labels]
        if not rows:
            continue
        labels = np.array([examples[i].labels[attribute] for i in rows])
        predicted = values[rows]
        auc = float(roc_auc_score(labels, predicted)) if 0 < labels.sum() < len(labels) else None
        f1 = float(f1_score(labels, predicted >= threshold, zero_division=0.0))
        results.append(AttributeResult(source, attribute, len(rows), int(labels.sum()), auc, f1))
    return results


def per_dataset(scorer: LearnedScorer, examples: Sequence[Example]) -> list[AttributeResult]:
    """Test-split results for each source separately."""
    by_source: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        if example.split == "test":
            by_source[example.source].append(example)
    results = []
    for source, chosen in sorted(by_source.items()):
        results += attribute_results(scorer.predict(normalized_texts([e.text for e in chosen])), chosen, source)
    return results


def hold_rate(scorer: LearnedScorer, texts: Sequence[str], threshold: float = HOLD_AT) -> float:
    """Share of texts with at least one attribute at or over the threshold."""
    if not texts:
        return 0.0
    scores = scorer.predict(normalized_texts(texts))
    held = np.zeros(len(texts), dtype=bool)
    for values in scores.values():
        held |= values >= threshold
    return float(held.mean())


def civil_hold_rates(
    scorer: LearnedScorer, examples: Sequence[Example], threshold: float = HOLD_AT
) -> dict[str, tuple[int, float]]:
    """Hold rate on the civil test texts: Wikipedia talk comments rated non-toxic, Rostra's own heated ones."""
    rates = {}
    for source in ("wiki_context_toxicity", "rostra_civil"):
        texts = [
            e.text for e in examples
            if e.source == source and e.split == "test" and e.labels.get("toxicity") == 0
        ]
        if texts:
            rates[source] = (len(texts), hold_rate(scorer, texts, threshold))
    return rates


def stream_calibration(scorer: LearnedScorer, examples: Sequence[Example]) -> tuple[int, float, float, float]:
    """(texts, toxic share, mean toxicity score, log loss) on the one test split that is mostly civil.

    Wikipedia talk comments, not enriched by keyword, look like a site's comment stream: if scores
    mean what raters say, their mean matches the share raters called toxic.
    """
    chosen = [e for e in examples if e.source == "wiki_context_toxicity" and e.split == "test"]
    if not chosen or "toxicity" not in scorer.attributes:
        return 0, 0.0, 0.0, 0.0
    labels = np.array([e.labels["toxicity"] for e in chosen])
    scores = scorer.predict(normalized_texts([e.text for e in chosen]))["toxicity"]
    return len(chosen), float(labels.mean()), float(scores.mean()), float(log_loss(labels, scores, labels=[0, 1]))


def curses_read_as_insults(scorer: LearnedScorer, examples: Sequence[Example]) -> tuple[int, float]:
    """Share of held-out curses aimed at nothing ("what a fucking joke") that score insult >= 0.5."""
    texts = [e.text for e in examples if e.source == "rostra_curses" and e.split == "test"]
    if not texts or "insult" not in scorer.attributes:
        return len(texts), 0.0
    return len(texts), float((scorer.predict(normalized_texts(texts))["insult"] >= HOLD_AT).mean())


def identity_false_positives(scorer: LearnedScorer, threshold: float = HOLD_AT) -> dict[str, float]:
    """Per group: share of neutral or positive held-out sentences naming it that would be held."""
    by_group: dict[str, list[str]] = defaultdict(list)
    for group, sentence in identity_sentences(EVALUATION_TEMPLATES):
        by_group[group].append(sentence)
    return {group: hold_rate(scorer, sentences, threshold) for group, sentences in by_group.items()}


def toxic_spans_f1(scorer: LearnedScorer, examples: Sequence[Example]) -> tuple[int, float]:
    """SemEval-2021 Task 5 F1 on the toxic-spans test split, from the scorer's word explanations."""
    chosen = [e for e in examples if e.source == "toxic_spans" and e.split == "test" and e.spans is not None]
    return len(chosen), mean_span_f1(scorer, chosen)


def format_results(results: Sequence[AttributeResult]) -> str:
    lines = [f"{'source':<24} {'attribute':<18} {'n':>6} {'pos':>6} {'ROC-AUC':>8} {'F1':>6}"]
    for r in results:
        auc = f"{r.roc_auc:.3f}" if r.roc_auc is not None else "-"
        lines.append(f"{r.source:<24} {r.attribute:<18} {r.count:>6} {r.positives:>6} {auc:>8} {r.f1:>6.3f}")
    return "\n".join(lines)


def cross_dataset(
    examples: Sequence[Example], progress: Callable[[str], None] = lambda message: None,
    fit: Callable[[Sequence[Example]], object] | None = None,
) -> list[tuple[AttributeResult, AttributeResult]]:
    """For each public dataset: (trained without it, trained with all) on its test split.

    Shows how the model does on a source it has never seen, which is what a new site is. `fit`
    trains a model from examples (anything with `predict(normalized_texts)` giving a probability
    array per attribute); by default the n-gram model without span tuning.
    """
    fit = fit or (lambda rows: train(rows, TrainingOptions(tune_spans=False)))
    progress("training on everything")
    everything = fit(examples)
    pairs = []
    for name in DATASETS:
        test = [e for e in examples if e.source == name and e.split == "test"]
        if not test:
            continue
        progress(f"training without {name}")
        without = fit([e for e in examples if e.source != name])
        texts = normalized_texts([e.text for e in test])
        seen = {r.attribute: r for r in attribute_results(everything.predict(texts), test, name)}
        for result in attribute_results(without.predict(texts), test, name):
            if result.roc_auc is not None and result.attribute in seen:
                pairs.append((result, seen[result.attribute]))
        progress(format_cross_dataset(pairs))
    return pairs


def format_cross_dataset(pairs: Sequence[tuple[AttributeResult, AttributeResult]]) -> str:
    lines = [f"{'held-out dataset':<24} {'attribute':<18} {'n':>6} {'pos':>6} {'unseen':>8} {'seen':>8}"]
    for unseen, seen in pairs:
        lines.append(
            f"{unseen.source:<24} {unseen.attribute:<18} {unseen.count:>6} {unseen.positives:>6} "
            f"{unseen.roc_auc:>8.3f} {seen.roc_auc:>8.3f}"
        )
    return "\n".join(lines)


def full_report(scorer: LearnedScorer, examples: Sequence[Example]) -> str:
    """Every figure of the model card, as text."""
    results = [r for r in per_dataset(scorer, examples) if r.roc_auc is not None]
    lines = [f"model {scorer.version}", "", "Test-split ROC-AUC and F1 (at 0.5) per dataset and attribute:"]
    lines.append(format_results(results))
    for threshold in (HOLD_AT, STRICT_HOLD_AT):
        lines += ["", f"Civil-text hold rate (any attribute >= {threshold}):"]
        for source, (count, rate) in civil_hold_rates(scorer, examples, threshold).items():
            lines.append(f"  {source:<24} {count:>6} texts  {rate:.2%}")
    count, share, mean_score, loss = stream_calibration(scorer, examples)
    lines += ["", f"Calibration on mostly civil Wikipedia talk comments ({count} texts): {share:.2%} rated toxic, "
              f"mean toxicity score {mean_score:.2%}, log loss {loss:.4f}"]
    count, rate = curses_read_as_insults(scorer, examples)
    lines += ["", f"Held-out curses aimed at nothing scoring insult >= {HOLD_AT} ({count} texts): {rate:.0%}"]
    for threshold in (HOLD_AT, STRICT_HOLD_AT):
        rates = identity_false_positives(scorer, threshold)
        lines += ["", f"Identity-term false-positive rate (held-out neutral/positive templates, any attribute >= {threshold}):"]
        lines.append("  " + ", ".join(f"{group} {rate:.0%}" for group, rate in rates.items()))
        lines.append(f"  all groups: {np.mean(list(rates.values())):.2%}")
    count, f1 = toxic_spans_f1(scorer, examples)
    lines += ["", f"Toxic-spans F1 (SemEval-2021 Task 5 test, {count} posts): {f1:.3f}"]
    return "\n".join(lines)

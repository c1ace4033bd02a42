"""Labelled JSON Lines files for `rostra eval`: reading with line-level errors, and scoring."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from rostra.moderation.learned.scorer import LearnedScorer
from rostra.moderation.training.datasets import Example
from rostra.moderation.training.evaluate import AttributeResult, attribute_results
from rostra.moderation.training.train import normalized_texts


@dataclass(frozen=True)
class LabelledComment:
    text: str
    labels: dict[str, int]
    story: dict | None = None
    parent_text: str | None = None


def read_labelled(lines: Iterable[str]) -> tuple[list[LabelledComment], list[str]]:
    """Parse every line; a bad line becomes an error naming its number and field, the rest go on."""
    rows: list[LabelledComment] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(_parse(line))
        except ValueError as error:
            errors.append(f"line {number}: {error}")
    return rows, errors


def _parse(line: str) -> LabelledComment:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("field 'text': expected a string")
    labels = record.get("labels")
    if not isinstance(labels, dict) or not labels:
        raise ValueError("field 'labels': expected an object mapping attributes to 0 or 1")
    for attribute, value in labels.items():
        if isinstance(value, bool) or value not in (0, 1):
            raise ValueError(f"field 'labels.{attribute}': expected 0 or 1, got {json.dumps(value)}")
    story = record.get("story")
    if story is not None and not (isinstance(story, dict) and isinstance(story.get("title"), str)):
        raise ValueError("field 'story': expected an object with a string 'title'")
    parent = record.get("parent_text")
    if parent is not None and not isinstance(parent, str):
        raise ValueError("field 'parent_text': expected a string")
    return LabelledComment(text, {name: int(value) for name, value in labels.items()}, story, parent)


def score_labelled(
    rows: list[LabelledComment], scorer: LearnedScorer, learned_only: bool = False, threshold: float = 0.5
) -> list[AttributeResult]:
    """ROC-AUC and F1 per labelled attribute, scored by the whole engine or the learned scorer alone."""
    scores = _engine_scores(rows, scorer) if not learned_only else None
    if scores is None:
        scores = scorer.predict(normalized_texts([row.text for row in rows]))
    # A label counts only where the comment got that score (off_topic needs a story).
    examples = [
        Example(row.text, {a: v for a, v in row.labels.items() if a in scores and not np.isnan(scores[a][i])}, "file", "test")
        for i, row in enumerate(rows)
    ]
    return attribute_results(scores, examples, "file", threshold)


def _engine_scores(rows: list[LabelledComment], scorer: LearnedScorer) -> dict[str, np.ndarray] | None:
    """Scores from the full pipeline; None when this installation has no engine."""
    try:
        from rostra.moderation import CommentInput, Engine, StoryContext
    except ImportError:
        return None
    engine = Engine(scorer=scorer)
    comments = [
        CommentInput(
            text=row.text,
            story=StoryContext(row.story["title"], row.story.get("text", "")) if row.story else None,
            parent_text=row.parent_text,
        )
        for row in rows
    ]
    verdicts = engine.moderate_many(comments)
    attributes = sorted({name for verdict in verdicts for name in verdict.scores})
    return {a: np.array([verdict.scores.get(a, np.nan) for verdict in verdicts]) for a in attributes}

"""The engine's inputs and outputs: plain frozen records, shared by every caller of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ATTRIBUTES = ("toxicity", "severe_toxicity", "insult", "profanity", "threat", "identity_attack",
              "sexually_explicit", "spam", "off_topic", "coded_hate")

Decision = Literal["approve", "hold", "reject"]
Span = tuple[int, int]


@dataclass(frozen=True)
class StoryContext:
    """The story a comment is posted under; its text is what `off_topic` measures relevance to."""

    title: str
    text: str = ""
    closed: bool = False


@dataclass(frozen=True)
class AuthorHistory:
    """What the site knows about the author: decides pre-moderation and catches repeated posts."""

    approved: int = 0
    held: int = 0
    rejected: int = 0
    recent_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommentInput:
    """One comment to moderate, with the context that changes its reading."""

    text: str
    story: StoryContext | None = None
    parent_text: str | None = None
    author: AuthorHistory | None = None


@dataclass(frozen=True)
class Reason:
    """Why a comment was held or rejected: the attribute, its score, the characters and the phase."""

    attribute: str
    score: float
    spans: tuple[Span, ...]
    phase: str

    def to_json(self) -> dict:
        return {"attribute": self.attribute, "score": round(self.score, 4),
                "spans": [list(span) for span in self.spans], "phase": self.phase}


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one comment; spans are [start, end) offsets in the original text."""

    decision: Decision
    scores: dict[str, float]
    reasons: tuple[Reason, ...]
    model: str
    span_scores: dict[str, tuple[tuple[int, int, float], ...]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"scores": {name: round(value, 4) for name, value in self.scores.items()},
                "decision": self.decision,
                "reasons": [reason.to_json() for reason in self.reasons],
                "model": self.model}

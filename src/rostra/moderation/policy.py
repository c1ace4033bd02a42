"""A site's moderation policy: when a score holds or rejects a comment, and which words always do.

Defaults lean towards letting a comment through: holding disagreement or counter-speech loses
readers, so hold thresholds sit above 0.5 (the point where a moderator would more likely than not
agree) and only near-certain cases are rejected without a person looking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from rostra.moderation.verdict import ATTRIBUTES

PREMODERATION_MODES = ("none", "all", "new_authors", "links")

# The gravest harms (threats, attacks on a group, coded hate, severe abuse) are held for a person to
# look at as soon as that is more likely than not right; the attributes heated but acceptable
# discussion brushes against (toxicity, insult, profanity) need more.
DEFAULT_HOLD_THRESHOLDS = {
    "toxicity": 0.7,
    "severe_toxicity": 0.5,
    "insult": 0.6,
    "profanity": 0.8,
    "threat": 0.5,
    "identity_attack": 0.5,
    "sexually_explicit": 0.75,
    "spam": 0.75,
    "off_topic": 0.85,
    "coded_hate": 0.5,
}

DEFAULT_REJECT_THRESHOLDS = {"severe_toxicity": 0.9, "spam": 0.95}


class PolicyError(ValueError):
    """A policy setting that cannot be used; `field` names it so config errors point at the line."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class Policy:
    """Thresholds per attribute, word lists and pre-moderation for one site."""

    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_HOLD_THRESHOLDS))
    reject_thresholds: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_REJECT_THRESHOLDS))
    banned_words: tuple[str, ...] = ()
    suspect_words: tuple[str, ...] = ()
    premoderation: str = "none"
    new_author_comments: int = 1
    allow_untargeted_profanity: bool = True
    max_length: int = 10_000

    def __post_init__(self) -> None:
        for name in ("thresholds", "reject_thresholds"):
            for attribute, value in getattr(self, name).items():
                if attribute not in ATTRIBUTES:
                    raise PolicyError(f"{name}.{attribute}", f"unknown attribute; one of {', '.join(ATTRIBUTES)}")
                if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                    raise PolicyError(f"{name}.{attribute}", "must be a number from 0 to 1")
        for name in ("banned_words", "suspect_words"):
            words = getattr(self, name)
            if isinstance(words, str) or not all(isinstance(word, str) and word.strip() for word in words):
                raise PolicyError(name, "must be a list of non-empty strings")
        if self.premoderation not in PREMODERATION_MODES:
            raise PolicyError("premoderation", f"must be one of {', '.join(PREMODERATION_MODES)}")
        for name in ("new_author_comments", "max_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PolicyError(name, "must be a whole number, 0 or more")
        if not isinstance(self.allow_untargeted_profanity, bool):
            raise PolicyError("allow_untargeted_profanity", "must be true or false")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Policy:
        """Build a policy from config (TOML, JSON, env); thresholds given override the defaults one by one."""
        known = {spec.name for spec in fields(cls)}
        for key in mapping:
            if key not in known:
                raise PolicyError(str(key), f"unknown setting; known: {', '.join(sorted(known))}")
        values = dict(mapping)
        for name, defaults in (("thresholds", DEFAULT_HOLD_THRESHOLDS),
                               ("reject_thresholds", DEFAULT_REJECT_THRESHOLDS)):
            if name in values:
                if not isinstance(values[name], Mapping):
                    raise PolicyError(name, "must be a table of attribute = number")
                values[name] = {**defaults, **values[name]}
        for name in ("banned_words", "suspect_words"):
            if name in values:
                if isinstance(values[name], str) or not isinstance(values[name], list | tuple):
                    raise PolicyError(name, "must be a list of non-empty strings")
                values[name] = tuple(values[name])
        return cls(**values)

    def hold_threshold(self, attribute: str) -> float:
        return self.thresholds.get(attribute, DEFAULT_HOLD_THRESHOLDS[attribute])

    def reject_threshold(self, attribute: str) -> float | None:
        return self.reject_thresholds.get(attribute)

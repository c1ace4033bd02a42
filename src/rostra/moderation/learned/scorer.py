"""The learned scorer: one calibrated linear model per attribute over hashed n-gram features.

The artifact is two files in a folder: `model.json` (attributes, feature settings, calibration,
version) and `weights.npz` (idf, weights and biases as numpy arrays). No pickle: loading runs no
code from the artifact.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from rostra.moderation.learned.features import FeatureConfig, linear_scores, occurrences

MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
_CHUNK = 1024
_WORD = re.compile(r"[^\W_]+(?:['*@$][^\W_]+)*|[@$*][^\W_]+")


class ModelFileError(ValueError):
    """The model folder is missing a file or holds one this version cannot read."""


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of a raw logit: probability = sigmoid(slope * logit + intercept)."""

    slope: float
    intercept: float


class LearnedScorer:
    """Calibrated probabilities per attribute for normalized texts, with word-level explanations."""

    def __init__(
        self,
        version: str,
        attributes: Sequence[str],
        config: FeatureConfig,
        idf: np.ndarray,
        weights: np.ndarray,
        biases: np.ndarray,
        calibration: dict[str, Calibration],
        span_threshold: float = 0.0,
        span_relative: float = 0.0,
        metadata: dict | None = None,
    ) -> None:
        self.version = version
        self.attributes = tuple(attributes)
        self.config = config
        self.idf = idf.astype(np.float32)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.biases = biases.astype(np.float32)
        self.calibration = calibration
        self.span_threshold = span_threshold
        self.span_relative = span_relative
        self.metadata = metadata or {}
        self._slopes = np.array([calibration[a].slope for a in self.attributes], dtype=np.float32)
        self._intercepts = np.array([calibration[a].intercept for a in self.attributes], dtype=np.float32)

    @classmethod
    def load(cls, folder: str | Path | None = None) -> LearnedScorer:
        """Load a model folder; without one, the model shipped inside the package."""
        if folder is None:
            with resources.as_file(resources.files("rostra.moderation.learned") / "model") as shipped:
                return cls.load(shipped)
        folder = Path(folder)
        try:
            description = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
            with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as arrays:
                idf, weights, biases = arrays["idf"], arrays["weights"], arrays["biases"]
        except FileNotFoundError as error:
            raise ModelFileError(f"model file missing: {error.filename}") from error
        except (KeyError, ValueError) as error:
            raise ModelFileError(f"unreadable model in {folder}: {error}") from error
        return cls(
            version=description["version"],
            attributes=description["attributes"],
            config=FeatureConfig(**description["features"]),
            idf=idf,
            weights=weights,
            biases=biases,
            calibration={name: Calibration(**values) for name, values in description["calibration"].items()},
            span_threshold=description.get("span_threshold", 0.0),
            span_relative=description.get("span_relative", 0.0),
            metadata=description.get("metadata", {}),
        )

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        description = {
            "version": self.version,
            "attributes": list(self.attributes),
            "features": asdict(self.config),
            "calibration": {name: asdict(values) for name, values in self.calibration.items()},
            "span_threshold": self.span_threshold,
            "span_relative": self.span_relative,
            "metadata": self.metadata,
        }
        (folder / MODEL_FILE).write_text(json.dumps(description, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        np.savez_compressed(
            folder / WEIGHTS_FILE,
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            biases=self.biases,
        )

    def logits(self, normalized_texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated linear scores, one row per text, one column per attribute."""
        if not normalized_texts:
            return np.zeros((0, len(self.attributes)), dtype=np.float32)
        result = np.tile(self.biases, (len(normalized_texts), 1))
        # Chunks keep the per-batch arrays in cache; much larger batches get slower, not faster.
        for start in range(0, len(normalized_texts), _CHUNK):
            chunk = normalized_texts[start : start + _CHUNK]
            result[start : start + _CHUNK] += linear_scores(chunk, self.config, self.idf, self.weights)
        return result

    def predict(self, normalized_texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Calibrated probability per attribute for each text (texts already normalized)."""
        calibrated = 1.0 / (1.0 + np.exp(-(self.logits(normalized_texts) * self._slopes + self._intercepts)))
        return {attribute: calibrated[:, column] for column, attribute in enumerate(self.attributes)}

    def explain(self, normalized_text: str, attribute: str) -> list[tuple[int, int, float]]:
        """Each word's share of the attribute's calibrated log-odds, as (start, end, weight).

        Every n-gram's contribution is spread evenly over its characters and each word sums what
        falls on its own characters; offsets are on the normalized text. Words that add nothing
        are left out.
        """
        if attribute not in self.attributes:
            raise ValueError(f"unknown attribute {attribute!r}; the model scores {', '.join(self.attributes)}")
        column = self.attributes.index(attribute)
        length = len(normalized_text)
        if not length:
            return []
        kinds = occurrences([normalized_text], self.config)
        values = [self.idf[kind.features] for kind in kinds]
        scale = 1.0 / np.sqrt(max(sum(float(np.sum(v.astype(np.float64) ** 2)) for v in values), 1e-12))
        density = np.zeros(length + 1)
        for kind, kind_values in zip(kinds, values):
            contribution = kind_values * scale * self.weights[kind.features, column] * self._slopes[column]
            starts = np.clip(kind.starts, 0, length)
            ends = np.clip(kind.ends, 0, length)
            inside = ends > starts
            share = contribution[inside] / (ends[inside] - starts[inside])
            np.add.at(density, starts[inside], share)
            np.add.at(density, ends[inside], -share)
        per_character = np.cumsum(density)[:length]
        words = []
        for match in _WORD.finditer(normalized_text):
            weight = float(per_character[match.start() : match.end()].sum())
            if weight:
                words.append((match.start(), match.end(), weight))
        return words

    def spans(self, normalized_text: str, attribute: str) -> list[tuple[int, int, float]]:
        """The words responsible: contribution at least `span_threshold` and at least `span_relative`
        times the strongest word's, both tuned on toxic-spans training posts."""
        words = self.explain(normalized_text, attribute)
        return select_spans(words, self.span_threshold, self.span_relative)


def select_spans(
    words: list[tuple[int, int, float]], threshold: float, relative: float
) -> list[tuple[int, int, float]]:
    """Words whose weight passes both an absolute and a relative-to-the-strongest threshold."""
    strongest = max((weight for _, _, weight in words), default=0.0)
    floor = max(threshold, relative * strongest)
    return [word for word in words if word[2] >= floor and word[2] > 0]

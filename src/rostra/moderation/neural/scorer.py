"""The neural tier at run time: a fine-tuned MiniLM encoder in ONNX, read by onnxruntime.

The model folder holds `model.onnx` (the classifier: word embeddings, the shared lower layers, the
fine-tuned upper layers and a head), `relevance.onnx` (the base model's own upper layers, which turn
the shared layers' output into its sentence embedding for `off_topic`), both with int8 weights where
that kept quality, `tokenizer.json` (read by the `tokenizers` package) and `model.json`
(attributes, Platt calibration, version). No torch: the run-time dependencies are onnxruntime,
tokenizers and numpy.
Thread-safe: an onnxruntime session may be run from many threads at once, and the tokenizer is
configured once at load and only read afterwards.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_FILE = "model.json"
ONNX_FILE = "model.onnx"
RELEVANCE_FILE = "relevance.onnx"
TOKENIZER_FILE = "tokenizer.json"
# The lowest encoder layers, frozen in training, shared by the classifier and the relevance graph
# (the base model's own upper layers, which finish its sentence embedding).
SHARED_LAYERS = 3
# Texts run through the encoder together: one. Dynamic int8 quantization scales each run's
# activations by that run's range, so in a batch a text's scores would depend on the texts beside
# it (measured: toxicity 0.0075 alone, 0.0067 in a batch); one text per run keeps a comment's
# scores the same however it arrives, and on one core costs little (no padding either).
BATCH = 1
# Longest input at run time, in tokens; longer texts are cut (the word lists, patterns and the
# n-gram model still read them whole). Training uses a shorter cut to save time.
RUN_MAX_TOKENS = 128
# onnxruntime threads per run; the server runs one request per thread already.
THREADS_VARIABLE = "ROSTRA_NEURAL_THREADS"


# Pictographs (arrows, symbols, dingbats, emoji) start here; below it are Latin-1 signs such as the
# copyright and degree signs, which the tokenizer knows.
_FIRST_PICTOGRAPH = 0x2190
# The skin-tone modifiers, in the words a reader would use (their Unicode names are Fitzpatrick types).
_SKIN_TONES = {0x1F3FB: "light skinned", 0x1F3FC: "medium light skinned", 0x1F3FD: "medium skinned",
               0x1F3FE: "medium dark skinned", 0x1F3FF: "dark skinned"}


@lru_cache(maxsize=4096)
def _pictograph_words(character: str) -> str:
    code = ord(character)
    if code in _SKIN_TONES:
        return f" {_SKIN_TONES[code]} "
    if code < _FIRST_PICTOGRAPH or unicodedata.category(character) != "So":
        return character
    return f" {unicodedata.name(character, '').lower()} "


def encoder_text(normalized_text: str) -> str:
    """The text the encoder reads: every emoji and pictograph replaced by its Unicode name.

    The base model's vocabulary has no emoji, so its tokenizer reads each one as [UNK]: "I hate 🐀"
    and "I love 🐀" differed by one word, and hate written with emoji (HatemojiBuild) was invisible
    to it (neural ROC-AUC 0.55). Named, the rat is a rat, and a skin tone is a skin tone. Training
    and run time both go through here, so the model only ever sees this form.
    """
    if normalized_text.isascii():
        return normalized_text
    return "".join(_pictograph_words(character) for character in normalized_text)


class NeuralModelError(ValueError):
    """The neural model folder is missing a file or holds one this version cannot read."""


@dataclass(frozen=True)
class NeuralCalibration:
    slope: float
    intercept: float


class OnnxEncoder:
    """The two onnxruntime sessions (classifier, relevance) over one folder, with the tokenizer."""

    def __init__(self, folder: Path, tokenizer, max_tokens: int = RUN_MAX_TOKENS, threads: int = 1):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        self.classifier = onnxruntime.InferenceSession(str(folder / ONNX_FILE), options, providers=providers)
        self.relevance = onnxruntime.InferenceSession(str(folder / RELEVANCE_FILE), options, providers=providers)
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.width = self.relevance.get_outputs()[0].shape[-1]

    def run(self, texts: Sequence[str], relevance: Sequence[bool] | bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(logits, relevance embeddings), one row per text in the order given.

        The relevance embedding is computed only for the rows `relevance` asks for (all, with
        True), from the shared layers' output of the same run; other rows are zeros.
        """
        wanted = [relevance] * len(texts) if isinstance(relevance, bool) else list(relevance)
        if not texts:
            return np.zeros((0, 0), np.float32), np.zeros((0, self.width), np.float32)
        ids = [self._cut(e.ids) for e in self.tokenizer.encode_batch([encoder_text(text) for text in texts])]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        logits: list = [None] * len(ids)
        embeddings = np.zeros((len(ids), self.width), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            width = max(len(ids[i]) for i in chosen)
            batch = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                batch[row, : len(ids[index])] = ids[index]
                mask[row, : len(ids[index])] = 1
            out_logits, shared = self.classifier.run(None, {"input_ids": batch, "attention_mask": mask})
            for row, index in enumerate(chosen):
                logits[index] = out_logits[row]
            rows = [row for row, index in enumerate(chosen) if wanted[index]]
            if rows:
                (vectors,) = self.relevance.run(None, {"shared": shared[rows], "attention_mask": mask[rows]})
                for row, vector in zip(rows, vectors):
                    embeddings[chosen[row]] = vector
        return np.stack(logits), embeddings

    def _cut(self, ids: list[int]) -> list[int]:
        """At most `max_tokens`, keeping the closing [SEP]."""
        if len(ids) <= self.max_tokens:
            return ids
        return ids[: self.max_tokens - 1] + ids[-1:]


@dataclass(frozen=True)
class Blend:
    """One attribute's blend of both tiers: sigmoid(ngram * logit(p_ngram) + neural * z + intercept),
    z the neural calibrated log-odds; fitted on rows neither tier was fitted on."""

    ngram: float
    neural: float
    intercept: float


# n-gram probabilities are clipped to this distance from 0 and 1 before their log-odds are blended.
_CLIP = 1e-4


class NeuralScorer:
    """Calibrated probabilities per attribute, relevance embeddings and occlusion spans."""

    def __init__(self, version: str, attributes: Sequence[str], calibration: dict[str, NeuralCalibration],
                 encoder: OnnxEncoder, metadata: dict | None = None, blends: dict[str, Blend] | None = None):
        self.version = version
        self.attributes = tuple(attributes)
        self.calibration = calibration
        self.encoder = encoder
        self.metadata = metadata or {}
        self.blends = blends or {}
        self._slopes = np.array([calibration[a].slope for a in self.attributes], dtype=np.float32)
        self._intercepts = np.array([calibration[a].intercept for a in self.attributes], dtype=np.float32)

    @classmethod
    def load(cls, folder: str | Path | None = None) -> NeuralScorer:
        """Load a model folder; without one, the model shipped inside the package."""
        if folder is None:
            with resources.as_file(resources.files("rostra.moderation.neural") / "model") as shipped:
                return cls.load(shipped)
        from tokenizers import Tokenizer

        folder = Path(folder)
        try:
            description = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
            for name in (ONNX_FILE, RELEVANCE_FILE):
                if not (folder / name).is_file():
                    raise FileNotFoundError(2, "missing", str(folder / name))
            encoder = OnnxEncoder(folder, tokenizer, threads=int(os.environ.get(THREADS_VARIABLE, "1")))
            return cls(description["version"], description["attributes"],
                       {a: NeuralCalibration(**c) for a, c in description["calibration"].items()},
                       encoder, description.get("metadata", {}),
                       {a: Blend(**b) for a, b in description.get("blend", {}).items()})
        except FileNotFoundError as error:
            raise NeuralModelError(f"neural model file missing: {error.filename}") from error
        except (KeyError, ValueError, TypeError) as error:
            raise NeuralModelError(f"unreadable neural model in {folder}: {error}") from error

    def raw(self, normalized_texts: Sequence[str], relevance: Sequence[bool] | bool = False
            ) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated log-odds per attribute, relevance embeddings where asked) for normalized texts."""
        logits, relevance = self.encoder.run(normalized_texts, relevance)
        if not len(normalized_texts):
            return np.zeros((0, len(self.attributes)), np.float32), relevance
        return logits * self._slopes + self._intercepts, relevance

    def predict(self, normalized_texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Calibrated probability per attribute for each text (texts already normalized)."""
        log_odds, _ = self.raw(normalized_texts)
        probabilities = 1.0 / (1.0 + np.exp(-log_odds))
        return {attribute: probabilities[:, column] for column, attribute in enumerate(self.attributes)}

    def blend(self, ngram: dict[str, float], log_odds: np.ndarray) -> dict[str, float]:
        """One text's learned scores from both tiers: the fitted blend where there is one, otherwise
        the n-gram score, or the neural one for an attribute the n-gram model does not score."""
        result = dict(ngram)
        for column, attribute in enumerate(self.attributes):
            blend = self.blends.get(attribute)
            if blend is not None and attribute in ngram:
                p = min(max(ngram[attribute], _CLIP), 1.0 - _CLIP)
                z = blend.ngram * np.log(p / (1.0 - p)) + blend.neural * float(log_odds[column]) + blend.intercept
                result[attribute] = float(1.0 / (1.0 + np.exp(-z)))
            elif attribute not in ngram:
                result[attribute] = float(1.0 / (1.0 + np.exp(-float(log_odds[column]))))
        return result

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length relevance embeddings, one row per text."""
        return self.encoder.run(texts, True)[1]

    def log_odds(self, normalized_texts: Sequence[str], attribute: str) -> list[float]:
        """One attribute's calibrated log-odds per text (0 for an attribute this model lacks)."""
        if attribute not in self.attributes:
            return [0.0 for _ in normalized_texts]
        column = self.attributes.index(attribute)
        return [float(row[column]) for row in self.raw(normalized_texts)[0]]

    def occlusion(self, normalized_text: str, words: Sequence[tuple[int, int]], attribute: str) -> list[float]:
        """How much each word carries an attribute: the drop in calibrated log-odds when it is blanked.

        One batched run over the text with each word replaced by spaces of the same length, so the
        other words keep their offsets.
        """
        if attribute not in self.attributes or not words:
            return [0.0 for _ in words]
        column = self.attributes.index(attribute)
        variants = [normalized_text] + [normalized_text[:start] + " " * (end - start) + normalized_text[end:]
                                        for start, end in words]
        log_odds, _ = self.raw(variants)
        return [float(log_odds[0, column] - log_odds[i + 1, column]) for i in range(len(words))]

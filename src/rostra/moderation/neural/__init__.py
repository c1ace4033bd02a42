"""The neural tier of the moderation engine: a fine-tuned encoder run with onnxruntime (no torch)."""

from rostra.moderation.neural.scorer import NeuralModelError, NeuralScorer

__all__ = ["NeuralModelError", "NeuralScorer"]

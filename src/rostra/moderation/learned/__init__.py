"""The learned tier of the moderation engine: a small calibrated model shipped inside the package."""

from rostra.moderation.learned.scorer import Calibration, LearnedScorer, ModelFileError

__all__ = ["Calibration", "LearnedScorer", "ModelFileError"]

"""The engine runs on onnxruntime and tokenizers alone: torch is for training, never for scoring."""

import subprocess
import sys

BLOCKED_RUN = """
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers", "sentence_transformers"):
            raise ImportError(f"blocked: {name}")
        return None

sys.meta_path.insert(0, Block())
from rostra.moderation import CommentInput, Engine
engine = Engine.default()
assert engine.neural is not None, "no neural tier loaded"
verdict = engine.moderate(CommentInput("Muslims are vermin and should be driven out."))
assert verdict.decision == "hold", verdict
assert not [name for name in sys.modules if name.split(".")[0] in ("torch", "transformers")]
print(engine.model)
"""


def test_the_engine_with_its_neural_tier_loads_and_scores_with_torch_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCKED_RUN], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "rostra-minilm-" in result.stdout

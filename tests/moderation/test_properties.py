"""Properties that hold for any text: spans inside the original, scores in range, no web imports."""

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.moderation import ATTRIBUTES, CommentInput

# Letters, evasion characters (digits, symbols, zero-width, combining, look-alikes) and curse pieces.
PIECES = st.sampled_from(["you ", "are ", "a ", "f.u.c.k ", "idiot", "\u200b", "\u0301", "\u0430", "\uff46",
                          "!!!!!!!!", "(((", ")))", "1488 ", "https://bit.ly/x ", "kill ", "I will ", "\n", "’", '"'])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_any_text_gets_a_well_formed_verdict(engine, text):
    verdict = engine.moderate(CommentInput(text))
    assert verdict.decision in ("approve", "hold", "reject")
    assert set(verdict.scores) == set(ATTRIBUTES) - {"off_topic"}
    assert all(0.0 <= value <= 1.0 for value in verdict.scores.values())
    for reason in verdict.reasons:
        assert all(0 <= start < end <= len(text) for start, end in reason.spans), (text, reason)
    for spans in verdict.span_scores.values():
        assert all(0 <= start < end <= len(text) and 0.0 <= weight <= 1.0 for start, end, weight in spans)


def test_the_engine_imports_nothing_from_the_web_or_database_stack():
    code = ("import sys, rostra.moderation, rostra.moderation.engine; "
            "print(','.join(sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'psycopg', "
            "'redis', 'alembic', 'httpx') if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

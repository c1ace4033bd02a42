"""Rostra's functional test suite for hate: one file per function, every case written for Rostra.

Each file lists comments a moderator should hold (`HELD`) and comments that must pass
(`APPROVED`), in the register of a news site's comment section, across many groups. No case is
taken from any public test suite. `bench/functional.py` prints the same cases as a table.

A file asserts a floor on the share of `HELD` held and a ceiling on the share of `APPROVED` held,
the figures the engine reached when the suite was first run against it (so a regression fails),
and never the other way round: no file lowers the bar to make a weak engine pass silently.
"""

import pytest

from rostra.moderation import CommentInput, Engine


class Judge:
    """The default engine's verdicts on one file's lists, checked against that file's bars; a failure
    lists the cases it got wrong."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def held(self, texts: list[str]) -> list[str]:
        """The texts among those given that the engine holds or rejects."""
        verdicts = self.engine.moderate_many([CommentInput(text) for text in texts])
        return [text for text, verdict in zip(texts, verdicts) if verdict.decision != "approve"]

    def assert_held(self, texts: list[str], *, missed_at_most: int) -> None:
        missed = sorted(set(texts) - set(self.held(texts)))
        assert len(missed) <= missed_at_most, missed

    def assert_passed(self, texts: list[str], *, held_at_most: int) -> None:
        wrongly_held = self.held(texts)
        assert len(wrongly_held) <= held_at_most, wrongly_held


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="session")
def judge(engine) -> Judge:
    return Judge(engine)

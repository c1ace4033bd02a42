"""Rostra's functional test suite for hate: one file per function, every case written for Rostra.

Each file lists comments a moderator should hold (`HELD`) and comments that must pass
(`APPROVED`), in the register of a news site's comment section, across many groups. No case is
taken from any public test suite. `bench/functional.py` prints the same cases as a table.

A file asserts a floor on the share of `HELD` held and a ceiling on the share of `APPROVED` held,
the figures the engine reached when the suite was first run against it (so a regression fails),
and never the other way round: no file lowers the bar to make a weak engine pass silently.
"""

from collections.abc import Callable

import pytest

from rostra.moderation import CommentInput, Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="session")
def held(engine) -> Callable[[list[str]], list[str]]:
    """The texts among those given that the default engine holds or rejects."""

    def judge(texts: list[str]) -> list[str]:
        verdicts = engine.moderate_many([CommentInput(text) for text in texts])
        return [text for text, verdict in zip(texts, verdicts) if verdict.decision != "approve"]

    return judge

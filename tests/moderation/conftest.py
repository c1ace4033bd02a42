"""Shared fixtures: one engine with the shipped model and the default policy, built once."""

import pytest

from rostra.moderation import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()

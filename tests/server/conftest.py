"""Fixtures of the server tests: a story on the default site to comment on."""

import pytest
from server_support import ORIGIN


@pytest.fixture
def story(client) -> dict:
    response = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/1", "title": "Council budget"})
    assert response.status_code == 201, response.text
    return response.json()

"""Property-based fuzz of the whole OpenAPI description against the running app, on both databases:
whatever schemathesis makes of each route's parameters and bodies (valid, invalid, huge, odd
Unicode), no answer is a 500, and every refusal is a problem body."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

# Examples per route and database; the whole fuzz stays within a couple of minutes on 2 cores.
FUZZ_EXAMPLES = int(os.environ.get("ROSTRA_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def api_schema(make_server):
    """The real app over this test's database, with a story and a comment for ids to find."""
    server = make_server(coral_secret="fuzz-secret")
    client = server.reader()
    client.post("/api/v1/stories", json={"url": "http://127.0.0.1:8000/fuzz", "title": "Fuzz"})
    client.post("/api/v1/stories/1/comments", json={"body": "something to reply to"})
    return schemathesis.openapi.from_asgi("/openapi.json", server.app)


def _check(case, statuses: list[int]) -> None:
    response = case.call()
    statuses.append(response.status_code)
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400 and case.path.startswith("/api/"):
        assert response.headers["content-type"][0].startswith("application/problem+json"), where


def test_no_request_answers_500(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: list[int] = []
    for operation in operations:
        run = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                       suppress_health_check=list(HealthCheck))(
            given(operation.as_strategy())(lambda case: _check(case, statuses)))
        run()
    assert len(statuses) >= len(operations) * min(FUZZ_EXAMPLES, 5), "the fuzz sent too few requests"
    assert any(200 <= status < 300 for status in statuses) and any(400 <= status < 500 for status in statuses)

"""Small helpers the server tests share (imported as a plain module: tests/server is on sys.path)."""

ORIGIN = "http://127.0.0.1:8000"


def post(client, story_id: int, body: str, **fields):
    return client.post(f"/api/v1/stories/{story_id}/comments", json={"body": body, **fields})


def listing(client, story_id: int, **params) -> dict:
    response = client.get(f"/api/v1/stories/{story_id}/comments", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def find_comment(items: list[dict], comment_id: int) -> dict | None:
    """The comment with this id anywhere in a nested listing."""
    for item in items:
        if item["id"] == comment_id:
            return item
        found = find_comment(item.get("replies") or [], comment_id)
        if found:
            return found
    return None

"""Helpers the abuse tests share, importable as a plain module (tests/abuse is on sys.path)."""

from __future__ import annotations


def author_id_of(moderator, comment_id: int) -> int:
    """The author of a comment, as the dashboard's author drawer finds it."""
    response = moderator.get(f"/api/v1/moderation/comments/{comment_id}/author")
    assert response.status_code == 200, response.text
    return response.json()["id"]

"""The provider side of Coral's External Moderation Phase: signature check, request, decision.

Coral POSTs a JSON description of each new or edited comment, signed like its webhooks: the header
`X-Coral-Signature` holds one or more `sha256=<hex>` values, each the HMAC-SHA256 of the raw body
under one of the phase's signing secrets (several while a rotated secret is still active). The
phase answers 204 to leave the comment alone, or 200 with `status`, `actions` (FLAG with reason
COMMENT_DETECTED_TOXIC or COMMENT_DETECTED_SPAM) and `tags`. Coral's request carries no timestamp,
so a signature cannot expire by itself; what expires is a secret, at the moment the operator set
when rotating it (`secret@2026-12-31T00:00:00Z` in Rostra's `coral_secret`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from rostra.moderation import ATTRIBUTES, CommentInput
from rostra.perspective.html_text import html_to_text

if TYPE_CHECKING:
    from rostra.moderation import Verdict

SIGNATURE_HEADER = "X-Coral-Signature"
ACTIONS = ("NEW", "EDIT")
# Roles Coral trusts to post without machine moderation; their comments are left alone.
TRUSTED_ROLES = frozenset({"STAFF", "MODERATOR", "ADMIN"})
TOXIC_REASON = "COMMENT_DETECTED_TOXIC"
SPAM_REASON = "COMMENT_DETECTED_SPAM"
SPAM_ATTRIBUTES = frozenset({"spam"})
# Attributes Coral has a flag for; off-topic is not abuse, and policy reasons are not detections.
FLAGGED_ATTRIBUTES = frozenset(ATTRIBUTES) - {"off_topic"}
# Rostra's decision -> the Coral status that ends moderation. "approve" sets none: Coral goes on.
STATUS_FOR_DECISION = {"reject": "REJECTED", "hold": "SYSTEM_WITHHELD"}


class CoralError(ValueError):
    """A Coral request Rostra will not act on; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, title: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field


@dataclass(frozen=True)
class SigningSecret:
    """One shared secret; `inactive_at` is when a rotated-out secret stops being accepted."""

    secret: str
    inactive_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.inactive_at is None or now < self.inactive_at


@dataclass(frozen=True)
class CoralComment:
    """What Coral tells the phase about a comment: the text to moderate and who wrote it."""

    action: str
    text: str
    parent_id: str | None
    author_id: str
    author_role: str
    story_id: str
    story_url: str


def parse_secrets(setting: str) -> tuple[SigningSecret, ...]:
    """`coral_secret`: comma-separated secrets, each optionally `@ISO-8601` for when it expires."""
    secrets = []
    for item in setting.split(","):
        item = item.strip()
        if not item:
            continue
        secret, _, until = item.partition("@")
        inactive_at = None
        if until:
            try:
                inactive_at = datetime.fromisoformat(until.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"coral_secret: {until!r} is not an ISO 8601 date and time") from None
            if inactive_at.tzinfo is None:
                inactive_at = inactive_at.replace(tzinfo=timezone.utc)
        secrets.append(SigningSecret(secret.strip(), inactive_at))
    if not secrets:
        raise ValueError("coral_secret: no secret given")
    return tuple(secrets)


def offered_signatures(header: str | None) -> tuple[str, ...]:
    """The `sha256=` values of the signature header, checked before the body is read; else 401."""
    if not header:
        raise CoralError(401, "Signature missing",
                         f"The {SIGNATURE_HEADER} header is required: set the phase's signing "
                         "secret in Rostra's coral_secret.")
    offered = tuple(value.strip() for prefix, _, value in
                    (element.strip().partition("=") for element in header.split(","))
                    if prefix.strip() == "sha256" and value.strip())
    if not offered:
        raise CoralError(401, "Signature malformed",
                         f"The {SIGNATURE_HEADER} header holds no sha256=<hex> value.")
    return offered


def verify_signature(body: bytes, offered: tuple[str, ...], secrets: tuple[SigningSecret, ...],
                     now: datetime) -> None:
    """Accept the body only if one offered value matches an active secret, compared whole and in
    constant time; else CoralError 401."""
    matched_inactive = False
    for secret in secrets:
        expected = hmac.new(secret.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, value) for value in offered):
            if secret.active(now):
                return
            matched_inactive = True
    if matched_inactive:
        raise CoralError(401, "Signing secret expired",
                         "The request is signed with a secret that is no longer active: copy the "
                         "phase's current signing secret from Coral into coral_secret.")
    raise CoralError(401, "Signature invalid",
                     "No signature matches the body under the configured signing secret.")


def parse_request(payload: Any) -> CoralComment:
    """Read Coral's ExternalModerationRequest; HTML bodies (Coral's default) become plain text."""
    body = _object(payload, "(body)")
    action = _choice(body, "action", ACTIONS)
    comment = _object(body.get("comment"), "comment")
    author = _object(body.get("author"), "author")
    story = _object(body.get("story"), "story")
    parent_id = comment.get("parentID")
    if parent_id is not None and not isinstance(parent_id, str):
        raise CoralError(400, "Invalid request", "comment.parentID must be a string or null.",
                         "comment.parentID")
    return CoralComment(
        action=action,
        text=html_to_text(_text(comment, "body", "comment.body")),
        parent_id=parent_id,
        author_id=_text(author, "id", "author.id"),
        author_role=_text(author, "role", "author.role"),
        story_id=_text(story, "id", "story.id"),
        story_url=_text(story, "url", "story.url"),
    )


def needs_moderation(comment: CoralComment) -> bool:
    """Staff, moderators and admins are trusted by Coral itself; empty bodies have nothing to read."""
    return comment.author_role not in TRUSTED_ROLES and bool(comment.text)


def comment_input(comment: CoralComment) -> CommentInput:
    """Coral sends no story text, parent text or author history: the engine reads the text alone."""
    return CommentInput(text=comment.text)


def phase_response(verdict: Verdict) -> dict[str, Any] | None:
    """Coral's ExternalModerationResponse for a verdict, or None (answer 204) to leave it alone."""
    status = STATUS_FOR_DECISION.get(verdict.decision)
    if status is None:
        return None
    reasons = []
    for reason in verdict.reasons:
        if reason.attribute not in FLAGGED_ATTRIBUTES:
            continue
        flag = SPAM_REASON if reason.attribute in SPAM_ATTRIBUTES else TOXIC_REASON
        if flag not in reasons:
            reasons.append(flag)
    response: dict[str, Any] = {"status": status}
    if reasons:
        response["actions"] = [{"actionType": "FLAG", "reason": reason} for reason in reasons]
    return response


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CoralError(400, "Invalid request", f"{where} must be a JSON object.", where)
    return value


def _text(container: Mapping[str, Any], key: str, where: str) -> str:
    value = container.get(key)
    if not isinstance(value, str):
        raise CoralError(400, "Invalid request", f"{where} must be a string.", where)
    return value


def _choice(container: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = container.get(key)
    if value not in allowed:
        raise CoralError(400, "Invalid request", f"{key} must be one of {', '.join(allowed)}.", key)
    return value

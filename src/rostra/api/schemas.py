"""Request and response shapes; they are also what /openapi.json documents.

Request bodies are strict (no type coercion) and refuse unknown fields, NUL characters and lone
surrogates, so bad input is named field by field instead of reaching the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_type_hints

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from rostra.actions.trust import SHOWN_STANDING_FIELDS, Standing
from rostra.store.tables import MAX_ID


def _storable(text: str) -> str:
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return text


Text = Annotated[str, AfterValidator(_storable)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StoryRequest(RequestBody):
    url: Text = Field(description="the article's URL; its origin must be one of the site's allowed origins")
    title: Text | None = Field(None, description="the article's title: set by the request that creates the story, "
                               "corrected later only by the site's server (API key) or a moderator")
    text: Text | None = Field(None, description="the article's text, used to judge off-topic comments (as title)")


class StoryPatch(RequestBody):
    closed: bool | None = Field(None, description="true closes the story for new comments and edits")
    title: Text | None = Field(None, description="the article's title, corrected")
    text: Text | None = Field(None, description="the article's text, corrected (off-topic scoring reads it)")


class CommentRequest(RequestBody):
    body: Text = Field(description="Markdown subset: paragraphs, *emphasis*, [links](https://...), > quotes, `code`")
    parent_id: RowId | None = Field(None, description="the comment this one replies to (same story)")
    author_name: Text | None = Field(None, description="guest display name (ignored when signed in)")
    author_email: Text | None = Field(None, description="guest e-mail, never shown publicly")
    hp: Text | None = Field(
        None, max_length=1000,
        description="honeypot: a form field hidden from people; the widget sends it empty, a script fills it in",
    )
    elapsed_ms: int | None = Field(
        None, ge=0, le=2**31 - 1,
        description="milliseconds from the comment form loading to this submission, as the widget measured",
    )
    browser_key: Text | None = Field(
        None, min_length=16, max_length=64,
        description="random key the widget keeps in local storage: gives a guest who lost the session cookie "
        "their identity back (the header X-Rostra-Browser-Key does the same on any write)",
    )


class PreviewRequest(RequestBody):
    body: Text
    parent_id: RowId | None = None


class CommentEdit(RequestBody):
    body: Text


class ReactionRequest(RequestBody):
    kind: Literal["like", "insightful", "funny", "agree", "disagree"] = "like"


class ReportRequest(RequestBody):
    reason: Literal["offensive", "abusive", "spam", "off_topic", "other"]
    note: Text | None = Field(None, max_length=1000)


class CountsRequest(RequestBody):
    urls: list[Text] = Field(max_length=100, description="story URLs, at most 100")


class AccountRequest(RequestBody):
    username: Text
    password: Text
    display_name: Text | None = Field(None, max_length=200)
    email: Text | None = Field(None, max_length=254)


class SignInRequest(RequestBody):
    username: Text
    password: Text


class SingleSignOnRequest(RequestBody):
    story_id: RowId = Field(description="the story whose page passes the token (its site checks it)")
    token: Text = Field(max_length=4096, description="JWT signed with the site's sso_secret (HS256)")


class PasswordChange(RequestBody):
    current_password: Text
    new_password: Text


class ModerationRequest(RequestBody):
    status: Literal["pending", "approved", "rejected", "withheld"]
    note: Text | None = Field(None, max_length=1000)


class Story(BaseModel):
    id: int
    url: str
    title: str
    closed: bool
    created_at: datetime
    comment_count: int = Field(description="approved comments")


class Author(BaseModel):
    name: str
    registered: bool


class Comment(BaseModel):
    id: int
    story_id: int
    parent_id: int | None
    depth: int
    status: Literal["pending", "approved", "rejected", "withheld", "deleted"]
    author: Author | None = Field(description="null for deleted comments")
    body_html: str = Field(description="sanitized HTML; empty for deleted comments")
    reaction_count: int
    created_at: datetime
    edited_at: datetime | None
    own: bool = Field(description="written by the reader making this request")
    editable_until: datetime | None = Field(None, description="only on the reader's own comments")
    body_markdown: str | None = Field(None, description="only in answers to the author's own writes")
    held_because: list[str] | None = Field(
        None, description="the author's own comment that is not approved: the engine's reasons (attributes)"
    )
    reply_count: int | None = Field(None, description="visible replies (in listings)")
    replies: list[Comment] | None = Field(None, description="the first visible replies, oldest first")
    replies_cursor: str | None = Field(None, description="cursor for the remaining replies")


class CommentPage(BaseModel):
    story_id: int
    parent_id: int | None
    sort: Literal["newest", "oldest", "most_reacted"]
    items: list[Comment]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
    own_held: list[Comment] = Field(
        default_factory=list,
        description="first page only: the reader's own comments in this story that await moderation",
    )


class PreviewReason(BaseModel):
    attribute: str
    score: float
    spans: list[tuple[int, int]] = Field(description="[start, end) code-point offsets into `body` as sent")


class Preview(BaseModel):
    decision: Literal["approve", "hold", "reject"] | None = Field(description="null when the engine failed")
    nudge: bool = Field(description="true: tell the author which words would hold the comment")
    reasons: list[PreviewReason]


class Counts(BaseModel):
    counts: dict[str, int] = Field(description="approved comments per URL, keyed as sent")


class Reaction(BaseModel):
    comment_id: int
    kind: str | None
    reaction_count: int


class Report(BaseModel):
    id: int
    comment_id: int
    reason: str
    created: bool = Field(description="false when this reader had already reported the comment")


class Account(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


class Session(BaseModel):
    account: Account | None = Field(description="null for guests")
    csrf_token: str | None = Field(
        None, description="send as X-CSRF-Token with cookie-authenticated changes to moderator routes")


class LogEntry(BaseModel):
    id: int
    actor: str
    action: str = Field(description="status (engine or author), approve, reject, feature, edit, undo, ...")
    comment_id: int
    account_id: int | None = Field(None, description="the moderator's account")
    from_status: str | None
    to_status: str
    reasons: list | None
    model: str | None
    note: str | None = Field(description="why: a rejection's reason")
    before: dict | None = None
    after: dict | None = None
    created_at: datetime


class LogPage(BaseModel):
    entries: list[LogEntry]
    next_before: int | None = Field(description="pass as `before` for older entries")


class ActionRequest(RequestBody):
    action: Literal["approve", "reject", "withhold", "restore", "feature", "unfeature", "edit"]
    comment_ids: list[RowId] = Field(min_length=1, max_length=200)
    reason: Text | None = Field(None, max_length=1000, description="why (logged); a rejection's reason")
    text: Text | None = Field(None, description="the new text of an `edit`")


class ActionOutcome(BaseModel):
    comment_id: int
    done: bool
    status: str | None
    featured: bool | None
    detail: str | None = Field(description="why it was not done")


class AuthorNoteRequest(RequestBody):
    body: Text = Field(max_length=2000)


class TestRequest(RequestBody):
    text: Text = Field(max_length=20000)
    site_id: RowId | None = Field(None, description="whose policy to apply (default: the first site)")
    story_title: Text | None = Field(None, max_length=500)
    story_text: Text | None = Field(None, max_length=100000)


class QueueCount(BaseModel):
    count: int
    capped: bool = Field(description="true when there are more than `count`")


class ExplainedReason(BaseModel):
    attribute: str
    score: float
    spans: list[list[int]]
    phase: str
    excerpts: list[str] = Field(description="the text of each span")
    summary: str = Field(description="in plain words: insult 0.91: 'idiot'")


class Piece(BaseModel):
    text: str
    attribute: str | None = Field(description="the reason whose span covers this piece")


class QueueStory(BaseModel):
    id: int
    title: str
    url: str
    closed: bool
    site_id: int


class QueueParent(BaseModel):
    id: int
    status: str
    author_name: str
    body_html: str


class QueueReporter(BaseModel):
    id: int
    name: str


class QueueReport(BaseModel):
    id: int
    reason: str
    note: str | None
    reporter: QueueReporter
    created_at: datetime
    open: bool = Field(description="no moderator has decided on the comment since")
    outcome: str | None = Field(description="upheld or dismissed once a moderator decided")


class AuthorHistory(BaseModel):
    id: int
    name: str
    registered: bool
    email: str | None
    first_seen: datetime
    counts: dict[str, int] = Field(description="their comments by status")
    reported: int = Field(description="reports against their comments")
    rejection_rate: float | None


class QueueItem(BaseModel):
    id: int
    status: str
    featured: bool
    body_markdown: str
    body_html: str
    highlighted: list[Piece]
    created_at: datetime
    edited_at: datetime | None
    reaction_count: int
    scores: dict[str, float]
    top_score: float | None
    reasons: list[ExplainedReason]
    decided_by: dict | None = Field(description="the phase and rule of the strongest reason")
    model: str | None
    imported: dict | None = Field(None, description="for imported comments: their source and what the engine "
                                  "would have decided (engine_status)")
    story: QueueStory
    parent: QueueParent | None
    reports: list[QueueReport]
    author: AuthorHistory


class QueuePage(BaseModel):
    queue: str
    sort: str
    items: list[QueueItem]
    next_cursor: str | None
    counts: dict[str, QueueCount] | None


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    field: str | None


PROBLEM_RESPONSES = {
    "4XX": {"model": Problem, "description": "refused: an `application/problem+json` body naming the field"}
}


class SanctionRequest(RequestBody):
    kind: Literal["ban", "suspension", "premoderation"] = Field(
        description="ban: no writes; suspension: no writes until it expires; premoderation: every comment held"
    )
    reason: Text = Field(max_length=1000, description="for the moderation log; not shown to the author")
    days: float | None = Field(None, gt=0, le=3650, description="how long; needed for a suspension, none: for good")
    by_email: bool = Field(False, description="also refuse writes giving the author's e-mail address")
    address_network: Text | None = Field(None, max_length=48, description="also refuse writes from this CIDR range")
    by_latest_address: bool = Field(
        False, description="also refuse writes from the /24 (IPv6: /48) of the author's latest comment"
    )


class Sanction(BaseModel):
    id: int
    kind: str
    author_id: int | None
    reason: str
    by_email: bool
    address_network: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    lifted_by: str | None
    lifted_at: datetime | None
    active: bool


# The author's standing as rostra.actions.trust.Standing counts it, plus the level it earns.
Trust = create_model(
    "Trust",
    level=(int, Field(description="0 new, 1 basic, 2 member, 3 regular, 4 leader")),
    name=(str, Field(description="the level's name")),
    meaning=(str, Field(description="what earns the level and what it changes, in plain words")),
    **{name: (get_type_hints(Standing)[name], ...) for name in SHOWN_STANDING_FIELDS},
    account_age_days=(float, ...),
    report_weight=(float, Field(description="what one report by this author weighs")),
)


class AuthorSummary(BaseModel):
    id: int
    name: str
    registered: bool
    created_at: datetime
    trust: Trust
    sanctions: list[Sanction]


class Cluster(BaseModel):
    id: int
    site_id: int
    status: Literal["held", "rejected", "released"]
    sample: str = Field(description="the text of the comment that started the wave (escape before showing)")
    created_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    size: int = Field(description="comments in the wave")
    authors: int
    stories: int
    addresses: int


class ClusterDecisionRequest(RequestBody):
    decision: Literal["reject", "release"] = Field(description="reject every comment of the wave, or approve them all")


class ClusterDecision(BaseModel):
    id: int
    status: str
    comments_changed: int


class ClusterDetail(Cluster):
    comment_ids: list[int]


class AuditEntry(BaseModel):
    id: int
    actor: str
    action: str = Field(description="e.g. sanction.ban, sanction.suspension, sanction.premoderation, sanction.lifted")
    subject_type: str
    subject_id: int | None
    after: dict | None
    note: str | None
    created_at: datetime

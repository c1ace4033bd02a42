"""Trust levels TL0-TL4 from an author's history, in the spirit of Discourse's: earned by approved
comments and time, lost by rejected comments, reports moderators upheld against the author, and
sanctions. Trust decides three things: whether a new author's first comments are pre-moderated (a
per-site choice, off by default), whether a trusted author's comment held for a mild reason goes out
at once, and how much the author's reports of others weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, func, select

from rostra.actions.errors import NotFound
from rostra.store import Store
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import authors, comments, reports

LEVEL_NAMES = ("new", "basic", "member", "regular", "leader")
TRUSTED_LEVEL = 2  # from "member" on, held-for-a-mild-reason comments go out at once
REJECTION_COST = 3  # one rejected comment undoes three approved ones
UPHELD_REPORT_COST = 2  # a report a moderator upheld against the author undoes two
# (effective approved comments, account age in days, registered account needed) to reach each level
LEVEL_REQUIREMENTS = ((1, 0, False), (5, 2, False), (20, 14, True), (50, 60, True))
REGULAR_LEVEL = 3  # from "regular" on, a record of rejections bars the level however much else is approved
MAX_REJECTED_SHARE_FOR_REGULAR = 0.05
REPORT_WEIGHT_BY_LEVEL = (0.5, 1.0, 1.5, 2.0, 3.0)
MIN_ACCURACY_FACTOR = 0.2
# Attributes the engine holds for that no trust lets through: a person must look at these.
SERIOUS_REASONS = frozenset({
    "threat", "identity_attack", "severe_toxicity", "coded_hate", "banned_word", "engine_error",
    "story_closed", "too_long", "empty",
})


@dataclass(frozen=True)
class Standing:
    """What trust is computed from."""

    approved: int
    rejected: int
    held: int
    reports_upheld_against: int
    reports_dismissed_against: int
    reports_made_upheld: int
    reports_made_dismissed: int
    created_at: datetime | None
    registered: bool

    @property
    def age_days(self) -> float:
        if self.created_at is None:
            return 0.0
        return (utcnow() - as_utc(self.created_at)).total_seconds() / 86400

    @property
    def effective_approved(self) -> int:
        return self.approved - REJECTION_COST * self.rejected - UPHELD_REPORT_COST * self.reports_upheld_against


NEWCOMER = Standing(0, 0, 0, 0, 0, 0, 0, None, False)


def trust_level(standing: Standing, sanctioned: bool = False) -> int:
    """TL0 (new, or trust lost) to TL4 (leader)."""
    if sanctioned:
        return 0
    decided = standing.approved + standing.rejected
    level = 0
    for required_level, (approved, days, registered) in enumerate(LEVEL_REQUIREMENTS, start=1):
        if standing.effective_approved < approved or standing.age_days < days:
            break
        if registered and not standing.registered:
            break
        rejected_share = standing.rejected / decided if decided else 0.0
        if required_level >= REGULAR_LEVEL and rejected_share > MAX_REJECTED_SHARE_FOR_REGULAR:
            break
        level = required_level
    return level


def accuracy_factor(standing: Standing) -> float:
    """How far the author's earlier reports proved right: 1.0 with no record, towards 2.0 when
    moderators upheld them, towards MIN_ACCURACY_FACTOR when they were routinely dismissed."""
    upheld, dismissed = standing.reports_made_upheld, standing.reports_made_dismissed
    return max(MIN_ACCURACY_FACTOR, 2.0 * (upheld + 1) / (upheld + dismissed + 2))


def report_weight(standing: Standing, sanctioned: bool = False) -> float:
    return round(REPORT_WEIGHT_BY_LEVEL[trust_level(standing, sanctioned)] * accuracy_factor(standing), 4)


def _count(*conditions):
    return select(func.count()).where(*conditions).scalar_subquery()


_against = select(func.count()).select_from(
    reports.join(comments, reports.c.comment_id == comments.c.id)
)
_author = bindparam("author_id")
_STANDING = select(
    _count(comments.c.author_id == _author, comments.c.status == "approved").label("approved"),
    _count(comments.c.author_id == _author, comments.c.status == "rejected").label("rejected"),
    _count(comments.c.author_id == _author, comments.c.status.in_(("pending", "withheld"))).label("held"),
    _against.where(comments.c.author_id == _author, reports.c.outcome == "upheld").scalar_subquery().label("up_against"),
    _against.where(comments.c.author_id == _author, reports.c.outcome == "dismissed").scalar_subquery()
    .label("down_against"),
    select(func.count()).select_from(reports).where(and_(reports.c.author_id == _author, reports.c.outcome == "upheld"))
    .scalar_subquery().label("made_upheld"),
    select(func.count()).select_from(reports)
    .where(and_(reports.c.author_id == _author, reports.c.outcome == "dismissed")).scalar_subquery()
    .label("made_dismissed"),
    select(authors.c.created_at).where(authors.c.id == _author).scalar_subquery().label("created_at"),
    select(authors.c.account_id.is_not(None)).where(authors.c.id == _author).scalar_subquery().label("registered"),
)


def standing_of(connection: Connection, author_id: int | None) -> Standing:
    """The author's standing in one statement; a newcomer's when there is no author yet."""
    if author_id is None:
        return NEWCOMER
    row = connection.execute(_STANDING, {"author_id": author_id}).one()
    return Standing(row.approved, row.rejected, row.held, row.up_against, row.down_against, row.made_upheld,
                    row.made_dismissed, row.created_at, bool(row.registered))


def level_meaning(level: int) -> str:
    """What a trust level says about an author and what it changes, in a moderator's words, from the
    same constants that decide it."""
    if level == 0:
        earned = "new, or trust lost to rejections, upheld reports or a sanction"
    else:
        approved, days, registered = LEVEL_REQUIREMENTS[level - 1]
        earned = (f"{approved} approved comment{'s' if approved != 1 else ''} (net of rejections and upheld "
                  f"reports)" + (f", {days} days since first seen" if days else "")
                  + (", a registered account" if registered else "")
                  + (f", at most {MAX_REJECTED_SHARE_FOR_REGULAR:.0%} rejected" if level >= REGULAR_LEVEL else ""))
    held = ("a comment held for a mild reason (insult, profanity, off topic...) goes out at once"
            if level >= TRUSTED_LEVEL else "every held comment waits for a moderator")
    return (f"{earned}; {held}; a report by them counts {REPORT_WEIGHT_BY_LEVEL[level]:g}, scaled by how "
            "often their earlier reports were upheld")


# Standing fields the drawer shows as they are; `created_at` is shown as the account's age.
SHOWN_STANDING_FIELDS = tuple(item.name for item in fields(Standing) if item.name != "created_at")


def summary(standing: Standing, sanctioned: bool) -> dict:
    """The trust figures the dashboard's author drawer shows (api.schemas.Trust describes them)."""
    level = trust_level(standing, sanctioned)
    return {
        "level": level,
        "name": LEVEL_NAMES[level],
        "meaning": level_meaning(level),
        **{name: getattr(standing, name) for name in SHOWN_STANDING_FIELDS},
        "account_age_days": round(standing.age_days, 1),
        "report_weight": report_weight(standing, sanctioned),
    }


def only_mild_reasons(reasons: list[dict] | None) -> bool:
    """Whether a hold rests only on reasons trust may override."""
    return all(reason["attribute"] not in SERIOUS_REASONS and reason.get("phase") != SCREENING_PHASE
               for reason in reasons or [])


SCREENING_PHASE = "screening"  # reasons the abuse defences add (waves, spam signals, sanctions)


def trust_summary(connection: Connection, author_id: int, given_sanctions) -> dict:
    """The author's trust as the drawer shows it, given their sanctions (an active one means TL0)."""
    moment = utcnow()
    return summary(standing_of(connection, author_id), any(sanction.active(moment) for sanction in given_sanctions))


def author_summary(store: Store, author_id: int) -> dict:
    """The author drawer's content: who, trust with the figures behind it, and every sanction."""
    from rostra.actions.sanctions import sanctions_of

    with store.read() as connection:
        author = connection.execute(
            select(authors.c.id, authors.c.display_name, authors.c.account_id, authors.c.created_at)
            .where(authors.c.id == author_id)
        ).first()
        if author is None:
            raise NotFound(f"no author {author_id}", field="author_id")
        given = sanctions_of(connection, author_id)
        trust = trust_summary(connection, author_id, given)
    return {
        "id": author.id,
        "name": author.display_name,
        "registered": author.account_id is not None,
        "created_at": as_utc(author.created_at),
        "trust": trust,
        "sanctions": [sanction.to_json() for sanction in given],
    }


def author_of_comment(store: Store, comment_id: int) -> int:
    with store.read() as connection:
        author_id = connection.execute(
            select(comments.c.author_id).where(comments.c.id == comment_id)).scalar_one_or_none()
    if author_id is None:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return author_id

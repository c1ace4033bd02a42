"""What the abuse defences add to the engine's verdict on a new comment, inside the comment's own
write transaction: a milder sanction (always pre-moderate), spam signals, spam waves, new-author
pre-moderation, and trust letting a trusted author's mildly held comment out at once. Also where the
writer's address is stored (hashed and truncated), and what forgets expired addresses (run as a
background job, rostra.workers.retention).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, update

from rostra.actions.identity import WriteOrigin
from rostra.actions.sanctions import Sanction, SanctionBook
from rostra.actions.trust import LEVEL_NAMES, SCREENING_PHASE, TRUSTED_LEVEL, only_mild_reasons, standing_of, trust_level
from rostra.actions.waves import (
    WaveCheck,
    check_wave,
    forget_bands,
    forget_old_bands,
    is_wave,
    join_wave,
    record_bands,
    remember_link_domains,
    spam_hold,
    spam_signals,
)
from rostra.config import Settings
from rostra.guards.addresses import parse_networks
from rostra.guards.ratelimit import RateLimiter
from rostra.sites import SiteConfig
from rostra.store import Store
from rostra.store.queries import utcnow
from rostra.store.tables import comments, reactions, reports

BURST_PER_MINUTE = 6  # comments a minute from one address (or author) that stop looking like a person


class Defences:
    """The abuse defences' state in one process (on the Runtime): the sanctions book, and the key,
    proxies and retention for addresses. Their per-site settings are fields
    of `SiteConfig` (premoderate_new_authors, report_hide_threshold, wave_min_copies,
    wave_window_minutes)."""

    def __init__(self, store: Store, settings: Settings, secret_key: str):
        self.sanctions = SanctionBook(store)
        self.address_key = secret_key
        self.trusted_proxies = parse_networks(settings.trusted_proxies)
        self.address_retention_days = settings.address_retention_days


@dataclass(frozen=True)
class WriteSignals:
    """What the request itself says about a new comment."""

    origin: WriteOrigin
    honeypot: bool = False
    typing_ms: int | None = None
    burst: bool = False
    sanction: Sanction | None = None  # a sanction that lets the author write, held for a moderator


def burst_detected(limiter: RateLimiter, origin: WriteOrigin, rate_limit_key: str) -> bool:
    """More than BURST_PER_MINUTE comments a minute from this address or author: not refused (the
    rate limits do that), but counted against the comment as a spam signal."""
    by_address = limiter.hit(f"burst:ip:{origin.address}", BURST_PER_MINUTE) is not None
    by_author = limiter.hit(f"burst:author:{rate_limit_key}", BURST_PER_MINUTE) is not None
    return by_address or by_author


def _reason(attribute: str, score: float, phase: str = SCREENING_PHASE) -> dict:
    return {"attribute": attribute, "score": round(score, 4), "spans": [], "phase": phase}


@dataclass
class Review:
    """The comment's columns after screening, the note for its moderation-log entry, and what to
    record once the comment has its id."""

    columns: dict
    note: str | None
    bands: list[int]
    wave: WaveCheck | None  # the wave the comment joins, if it is one
    site_id: int
    text: str

    def after_insert(self, connection: Connection, comment_id: int) -> None:
        record_bands(connection, self.site_id, comment_id, self.bands)
        if self.wave is not None:
            join_wave(connection, self.site_id, self.wave, comment_id, self.text)
        if self.columns["status"] == "approved":
            remember_link_domains(connection, self.site_id, self.text)


@dataclass
class Screening:
    """The defences for one write."""

    signals: WriteSignals
    defences: Defences

    def review(self, connection: Connection, site: SiteConfig, story_id: int, author_id: int, text: str,
               moderated: dict, edited_id: int | None = None) -> Review:
        """The engine's verdict (`moderated`, the comment's moderation columns) with what the
        defences add; runs inside the comment's write transaction, so near-copies posted just
        before are seen. `edited_id` names the comment an edit replaces the text of: its old
        fingerprint goes, so it is not counted as a copy of itself."""
        site_id = site.site_id
        if edited_id is not None:
            forget_bands(connection, edited_id)
        status = moderated["status"]
        reasons = list(moderated["moderation_reasons"] or [])
        added = []
        if self.signals.sanction is not None:
            added.append(_reason("sanction", 1.0))
        fired = spam_signals(connection, site_id, text, self.signals.honeypot, self.signals.typing_ms,
                             self.signals.burst)
        engine_spam = float((moderated.get("moderation_scores") or {}).get("spam", 0.0))
        if spam_hold(fired, engine_spam) is not None:
            added.extend(_reason(name, weight) for name, weight in fired.items())
        wave = check_wave(connection, site_id, text, site.wave_window_minutes)
        in_wave = is_wave(wave, site.wave_min_copies, story_id)
        if in_wave:
            added.append(_reason("spam_wave", 1.0))
            if wave.cluster_status == "rejected":
                status = "rejected"
        note = None
        if status == "approved" and not added and site.premoderate_new_authors:
            standing = standing_of(connection, author_id)
            if trust_level(standing) < TRUSTED_LEVEL and standing.approved < site.premoderate_new_authors:
                added.append(_reason("new_author", 1.0, phase="trust"))
        if added:
            status = "rejected" if status == "rejected" else "pending"
        elif status == "pending" and only_mild_reasons(reasons):
            level = trust_level(standing_of(connection, author_id))
            if level >= TRUSTED_LEVEL:
                status = "approved"
                note = f"approved at once: trusted author (TL{level} {LEVEL_NAMES[level]})"
        columns = {**moderated, "status": status, "moderation_reasons": reasons + added}
        if self.defences.address_retention_days > 0:
            columns["address_hash"] = self.signals.origin.address_hash
            columns["address_network"] = self.signals.origin.address_network
        return Review(columns, note, wave.bands, wave if in_wave else None, site_id, text)


def purge_expired(connection: Connection, retention_days: int, wave_window_minutes: int) -> None:
    """Forget stored addresses older than the retention period, and fingerprints older than the
    wave window."""
    cutoff = utcnow() - timedelta(days=retention_days)
    connection.execute(update(comments).where(comments.c.created_at < cutoff, comments.c.address_hash.is_not(None))
                       .values(address_hash=None, address_network=None))
    connection.execute(update(reports).where(reports.c.created_at < cutoff, reports.c.reporter_address.is_not(None))
                       .values(reporter_address=None))
    connection.execute(update(reactions).where(reactions.c.created_at < cutoff, reactions.c.address_hash.is_not(None))
                       .values(address_hash=None))
    forget_old_bands(connection, wave_window_minutes)

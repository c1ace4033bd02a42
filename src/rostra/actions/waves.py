"""Spam waves and spam signals.

A wave is one text pasted, lightly varied, on many stories: each comment's text gets a MinHash
fingerprint (datasketch) cut into locality-sensitive bands, stored for recent comments; a new comment
sharing bands with enough recent comments on the same site joins (or starts) a cluster, is held, and
pulls the earlier copies into the cluster, so a moderator rejects or releases the whole wave at once.

Spam signals add up the engine's `spam` score with what the engine cannot see: links to domains the
site has never had, many links or nothing but links, a comment submitted faster than it could have
been typed since the form loaded, a burst of writes from one address, and the widget's honeypot field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from sqlalchemy import Connection, bindparam, func, insert, select, update

from rostra.actions.errors import Conflict, InvalidInput, NotFound
from rostra.actions.moderation import log_status, publish_status_change, settle_reports
from rostra.store.queries import as_utc, insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, link_domains, spam_clusters, text_bands
from rostra.vocabulary import CLUSTER_DECISIONS

PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: texts ~60% alike share a band half the time, ~85% alike almost surely
ROWS_PER_BAND = PERMUTATIONS // BANDS
SHINGLE_CHARS = 5
MINHASH_SCHEME = "affine32"  # pinned: stored bands must stay comparable across datasketch releases
MIN_FINGERPRINT_CHARS = 40  # "Thanks for this!" said by many readers is not a wave
MIN_SHARED_BANDS = 3  # to count as a near-copy (one shared band happens by chance on short texts)
MIN_WAVE_STORIES = 2
MAX_COPIES_SCANNED = 500
SAMPLE_CHARS = 300
WAVE_ACTOR = "rostra-waves"

LINK = re.compile(r"(?:https?://|www\.)([^\s/?#<>()\[\]]+)", re.IGNORECASE)
MANY_LINKS = 3
LINK_ONLY_MAX_WORDS = 3
MIN_TYPING_MS_PER_CHAR = 30  # ~2000 characters a minute: faster than anyone types
SPAM_HOLD_SCORE = 1.0
SIGNAL_WEIGHTS = {
    "honeypot": 1.0,  # a field no person sees was filled in: a script
    "fast_typing": 0.5,
    "burst": 0.4,
    "link_only": 0.4,
    "new_link_domain": 0.3,
    "many_links": 0.3,
}


@lru_cache(maxsize=1)
def _permutations():
    return MinHash(num_perm=PERMUTATIONS, seed=20261202, scheme=MINHASH_SCHEME).permutations


def _normalized(text: str) -> str:
    """Case, digits (reference numbers varied per paste) and spacing do not make a new text."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", text.lower())).strip()


def fingerprint_bands(text: str) -> list[int]:
    """The text's MinHash bands as signed 64-bit integers (storable in BIGINT); none for short texts."""
    normalized = _normalized(text)
    if len(normalized) < MIN_FINGERPRINT_CHARS:
        return []
    sketch = MinHash(num_perm=PERMUTATIONS, permutations=_permutations(), scheme=MINHASH_SCHEME)
    sketch.update_batch([normalized[i:i + SHINGLE_CHARS].encode() for i in range(len(normalized) - SHINGLE_CHARS + 1)])
    values = np.asarray(sketch.hashvalues, dtype=np.uint64)
    bands = []
    for band in range(BANDS):
        chunk = values[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        bands.append(int.from_bytes(digest, "big", signed=True))
    return bands


@lru_cache(maxsize=1)
def _near_copies_statement():
    bands = text_bands.c.band.in_(bindparam("bands", expanding=True))
    shared = func.count().label("shared")
    return (
        select(comments.c.id, comments.c.status, comments.c.cluster_id, comments.c.story_id)
        .select_from(text_bands.join(comments, comments.c.id == text_bands.c.comment_id))
        .where(text_bands.c.site_id == bindparam("site_id"), bands, text_bands.c.created_at >= bindparam("since"))
        .group_by(comments.c.id, comments.c.status, comments.c.cluster_id, comments.c.story_id)
        .having(shared >= MIN_SHARED_BANDS)
        .order_by(comments.c.id)
        .limit(MAX_COPIES_SCANNED)
    )


@dataclass(frozen=True)
class WaveCheck:
    """What the fingerprint found: the recent near-copies on the site, and their cluster, if any."""

    bands: list[int]
    copies: list  # rows: id, status, cluster_id, story_id
    cluster_id: int | None
    cluster_status: str | None


def check_wave(connection: Connection, site_id: int, text: str, window_minutes: int) -> WaveCheck:
    bands = fingerprint_bands(text)
    if not bands:
        return WaveCheck(bands, [], None, None)
    since = utcnow() - timedelta(minutes=window_minutes)
    copies = list(connection.execute(_near_copies_statement(),
                                     {"site_id": site_id, "bands": bands, "since": since}))
    cluster_ids = sorted({row.cluster_id for row in copies if row.cluster_id is not None})
    cluster_id = cluster_ids[-1] if cluster_ids else None
    status = None
    if cluster_id is not None:
        status = connection.execute(
            select(spam_clusters.c.status).where(spam_clusters.c.id == cluster_id)).scalar_one()
    return WaveCheck(bands, copies, cluster_id, status)


def is_wave(check: WaveCheck, min_copies: int, story_id: int) -> bool:
    """A text with `min_copies` near-copies already on the site, on more than one story, is a wave
    (one a moderator released is not). Copies on one story alone are a thread's echo, which the
    engine's own repeat check and the rate limits answer."""
    if check.cluster_status == "released":
        return False
    if check.cluster_status is not None:
        return True
    stories = {copy.story_id for copy in check.copies} | {story_id}
    return len(check.copies) >= min_copies and len(stories) >= MIN_WAVE_STORIES


def join_wave(connection: Connection, site_id: int, check: WaveCheck, comment_id: int, text: str) -> int:
    """Put the new comment and its earlier copies into one cluster; copies that were shown are held
    again (logged), so the whole wave waits for one decision. Returns the cluster id."""
    cluster_id = check.cluster_id
    if cluster_id is None:
        cluster_id = connection.execute(insert(spam_clusters).values(
            site_id=site_id, status="held", sample=text[:SAMPLE_CHARS], created_at=utcnow(),
        ).returning(spam_clusters.c.id)).scalar_one()
    connection.execute(update(comments).where(comments.c.id == comment_id).values(cluster_id=cluster_id))
    for copy in check.copies:
        if copy.cluster_id is not None:
            continue
        held = copy.status == "approved" and check.cluster_status != "rejected"
        connection.execute(update(comments).where(comments.c.id == copy.id).values(
            cluster_id=cluster_id, **({"status": "pending"} if held else {})))
        if held:
            log_status(connection, copy.id, WAVE_ACTOR, "approved", "pending",
                       note=f"held as part of spam wave {cluster_id}")
            publish_status_change(connection, copy.id, "approved")
    return cluster_id


def record_bands(connection: Connection, site_id: int, comment_id: int, bands: list[int]) -> None:
    if bands:
        now = utcnow()
        connection.execute(insert(text_bands), [
            {"comment_id": comment_id, "band": band, "site_id": site_id, "created_at": now} for band in set(bands)
        ])


def forget_bands(connection: Connection, comment_id: int) -> None:
    """The comment's fingerprint goes (its text is being replaced)."""
    connection.execute(text_bands.delete().where(text_bands.c.comment_id == comment_id))


def forget_old_bands(connection: Connection, older_than_minutes: int) -> None:
    """Fingerprints are only compared within the wave window; older ones go."""
    connection.execute(text_bands.delete().where(
        text_bands.c.created_at < utcnow() - timedelta(minutes=older_than_minutes)))


def link_domains_in(text: str) -> set[str]:
    return {match.group(1).lower().rstrip(".,;:!").removeprefix("www.") for match in LINK.finditer(text)}


def spam_signals(
    connection: Connection,
    site_id: int,
    text: str,
    honeypot: bool,
    typing_ms: int | None,
    burst: bool,
) -> dict[str, float]:
    """The signals that fired, by name, with their weights."""
    fired = {}
    if honeypot:
        fired["honeypot"] = SIGNAL_WEIGHTS["honeypot"]
    if typing_ms is not None and typing_ms < len(text) * MIN_TYPING_MS_PER_CHAR:
        fired["fast_typing"] = SIGNAL_WEIGHTS["fast_typing"]
    if burst:
        fired["burst"] = SIGNAL_WEIGHTS["burst"]
    domains = link_domains_in(text)
    if domains:
        links = LINK.findall(text)
        if len(links) >= MANY_LINKS:
            fired["many_links"] = SIGNAL_WEIGHTS["many_links"]
        words = LINK.sub(" ", re.sub(r"https?://\S+|www\.\S+", " ", text)).split()
        if len(words) <= LINK_ONLY_MAX_WORDS:
            fired["link_only"] = SIGNAL_WEIGHTS["link_only"]
        known = set(connection.execute(
            select(link_domains.c.domain).where(link_domains.c.site_id == site_id,
                                                link_domains.c.domain.in_(sorted(domains)))).scalars())
        if domains - known:
            fired["new_link_domain"] = SIGNAL_WEIGHTS["new_link_domain"]
    return fired


def spam_hold(fired: dict[str, float], engine_spam: float) -> float | None:
    """The combined spam score when it holds the comment, else None."""
    total = engine_spam + sum(fired.values())
    return round(min(total, 1.0), 4) if fired and total >= SPAM_HOLD_SCORE else None


def remember_link_domains(connection: Connection, site_id: int, text: str) -> None:
    """Domains in a comment the site published are known from now on."""
    for domain in link_domains_in(text):
        insert_ignoring_duplicates(connection, link_domains,
                                   {"site_id": site_id, "domain": domain[:253], "first_seen_at": utcnow()},
                                   keys=["site_id", "domain"])


# The moderators' side: the held waves, and one decision for a whole wave.

MAX_CLUSTERS_LISTED = 100


def list_clusters(connection: Connection, site_id: int | None, status: str) -> list[dict]:
    query = (_cluster_query().where(spam_clusters.c.status == status)
             .order_by(spam_clusters.c.id.desc()).limit(MAX_CLUSTERS_LISTED))
    if site_id is not None:
        query = query.where(spam_clusters.c.site_id == site_id)
    return [_cluster_json(row) for row in connection.execute(query)]


def _cluster_json(row) -> dict:
    return {"id": row.id, "site_id": row.site_id, "status": row.status, "sample": row.sample,
            "created_at": as_utc(row.created_at), "resolved_by": row.resolved_by,
            "resolved_at": as_utc(row.resolved_at), "size": row.size, "authors": row.authors,
            "stories": row.stories, "addresses": row.addresses}


def _cluster_query():
    return (
        select(spam_clusters, func.count(comments.c.id).label("size"),
               func.count(func.distinct(comments.c.author_id)).label("authors"),
               func.count(func.distinct(comments.c.story_id)).label("stories"),
               func.count(func.distinct(comments.c.address_hash)).label("addresses"))
        .select_from(spam_clusters.outerjoin(comments, comments.c.cluster_id == spam_clusters.c.id))
        .group_by(*spam_clusters.c)
    )


def cluster_detail(connection: Connection, cluster_id: int) -> dict | None:
    """One wave with the ids of its comments, oldest first."""
    row = connection.execute(_cluster_query().where(spam_clusters.c.id == cluster_id)).first()
    if row is None:
        return None
    ids = connection.execute(
        select(comments.c.id).where(comments.c.cluster_id == cluster_id).order_by(comments.c.id)).scalars()
    return {**_cluster_json(row), "comment_ids": list(ids)}


def decide_cluster(connection: Connection, cluster_id: int, decision: str, actor: str) -> dict:
    """Reject or release every comment of a wave in one transaction, each change logged."""
    if decision not in CLUSTER_DECISIONS:
        raise InvalidInput(f"must be one of {', '.join(CLUSTER_DECISIONS)}", field="decision")
    cluster_status, comment_status = CLUSTER_DECISIONS[decision]
    cluster = connection.execute(select(spam_clusters).where(spam_clusters.c.id == cluster_id)).first()
    if cluster is None:
        raise NotFound(f"no cluster {cluster_id}", field="cluster_id")
    if cluster.status != "held":
        raise Conflict(f"this wave was already {cluster.status}", field="cluster_id")
    members = connection.execute(select(comments.c.id, comments.c.status).where(
        comments.c.cluster_id == cluster_id, comments.c.status.in_(("pending", "approved", "withheld"))))
    changed = 0
    for member in members:
        if member.status == comment_status:
            continue
        connection.execute(update(comments).where(comments.c.id == member.id).values(status=comment_status))
        log_status(connection, member.id, actor, member.status, comment_status,
                   note=f"spam wave {cluster_id} {cluster_status}")
        settle_reports(connection, member.id, comment_status)
        publish_status_change(connection, member.id, member.status)
        changed += 1
    connection.execute(update(spam_clusters).where(spam_clusters.c.id == cluster_id).values(
        status=cluster_status, resolved_by=actor, resolved_at=utcnow()))
    return {"id": cluster_id, "status": cluster_status, "comments_changed": changed}

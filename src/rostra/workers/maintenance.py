"""Housekeeping of the server's own tables."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rostra.actions.idempotency import forget_idempotency_keys
from rostra.actions.sessions import prune_sessions
from rostra.events import RETENTION, prune_events
from rostra.workers import periodic

if TYPE_CHECKING:
    from rostra.runtime import Runtime


@periodic(every=timedelta(minutes=10))
def prune_old_events(runtime: Runtime) -> int:
    """Events older than their retention go: a page away that long reloads instead of replaying."""
    return prune_events(runtime.store, RETENTION)


@periodic(every=timedelta(hours=1))
def forget_old_idempotency_keys(runtime: Runtime) -> int:
    """Keys older than a day no longer find their comment; their rows go."""
    return forget_idempotency_keys(runtime.store)


@periodic(every=timedelta(hours=1))
def prune_ended_sessions(runtime: Runtime) -> int:
    """Sessions past their end or revoked are of no use to anyone: their rows go."""
    return prune_sessions(runtime.store)

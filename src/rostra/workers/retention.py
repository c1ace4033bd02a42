"""Retention of what the abuse defences store: readers' hashed and truncated addresses, and the text
fingerprints spam waves are found by."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from rostra.actions.screening import purge_expired
from rostra.store.tables import sites
from rostra.workers import periodic

if TYPE_CHECKING:
    from rostra.runtime import Runtime


@periodic(every=timedelta(hours=1))
def forget_expired_addresses(runtime: Runtime) -> None:
    """Addresses older than `address_retention_days` go, and fingerprints older than the longest
    wave window of any site."""
    with runtime.store.read() as connection:
        site_ids = connection.execute(select(sites.c.id)).scalars().all()
    window = max([runtime.settings.wave_window_minutes, *(runtime.site(site_id).wave_window_minutes
                                                        for site_id in site_ids)])
    runtime.store.run_write(
        lambda connection: purge_expired(connection, runtime.settings.address_retention_days, window))

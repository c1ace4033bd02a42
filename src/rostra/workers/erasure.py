"""Readers' erasures: personal data removed once the grace period after the request is over."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rostra.actions.reader_data import purge_erasures
from rostra.workers import periodic

if TYPE_CHECKING:
    from rostra.runtime import Runtime


@periodic(every=timedelta(hours=1))
def remove_erased_personal_data(runtime: Runtime) -> int:
    return purge_erasures(runtime.store)

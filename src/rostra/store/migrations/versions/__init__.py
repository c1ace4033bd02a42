"""Migration revisions, applied in order by `rostra.store.migrate`."""

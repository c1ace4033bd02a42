"""Storage: tables, queries and the Alembic migrations shipped inside the package."""

from rostra.store.database import Store

__all__ = ["Store"]

"""The migrations create exactly what store/tables.py describes, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rostra.store.search import SEARCH_OBJECTS
from rostra.store.tables import metadata


def _described_by_tables(name, kind, parent_names) -> bool:
    """Everything but the search index, which lives outside SQLAlchemy's metadata (store/search.py)."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def test_migrated_schema_equals_the_tables_module(database):
    store = database.store()
    try:
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": _described_by_tables})
            differences = compare_metadata(context, metadata)
    finally:
        store.close()
    assert differences == []

"""The migrations create exactly what store/tables.py describes, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rostra.store.tables import metadata


def test_migrated_schema_equals_the_tables_module(database):
    store = database.store()
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        store.close()
    assert differences == []

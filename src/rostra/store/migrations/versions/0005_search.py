"""Text search through an index: an FTS5 trigram table kept in step by triggers (SQLite), a pg_trgm
GIN index (PostgreSQL); see rostra.store.search.

Revision ID: 0005_search
Revises: 0004_dashboard
Create Date: 2026-12-02
"""

from alembic import op

revision = "0005_search"
down_revision = "0004_dashboard"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration keeps what it did even when the module changes.
SEARCH_TABLE = "comments_search"
TRIGRAM_INDEX = "ix_comments_body_markdown_trgm"
TRIGGERS = {
    "insert": f"""AFTER INSERT ON comments BEGIN
        INSERT INTO {SEARCH_TABLE}(rowid, body_markdown) VALUES (new.id, new.body_markdown); END""",
    "delete": f"""AFTER DELETE ON comments BEGIN
        INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, body_markdown) VALUES ('delete', old.id, old.body_markdown);
        END""",
    "update": f"""AFTER UPDATE OF body_markdown ON comments BEGIN
        INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, body_markdown) VALUES ('delete', old.id, old.body_markdown);
        INSERT INTO {SEARCH_TABLE}(rowid, body_markdown) VALUES (new.id, new.body_markdown); END""",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(body_markdown, content='comments', "
                   "content_rowid='id', tokenize='trigram')")
        for event, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {SEARCH_TABLE}_{event} {body}")
        op.execute(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')")
        return
    # pg_trgm is a trusted extension: the database's owner may create it. Kept in `public` (or
    # wherever it already is), not in the first schema of the search path, which may come and go.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema = op.get_bind().exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").scalar_one()
    op.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON comments USING gin (body_markdown {schema}.gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in TRIGGERS:
            op.execute(f"DROP TRIGGER {SEARCH_TABLE}_{event}")
        op.execute(f"DROP TABLE {SEARCH_TABLE}")
        return
    op.execute(f"DROP INDEX {TRIGRAM_INDEX}")  # the extension stays: other databases' objects may use it

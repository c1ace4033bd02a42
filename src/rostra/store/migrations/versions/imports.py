"""Imports and exports: the source and source id of imported comments and authors, the engine's
would-be status of imported comments, a row per import run, the instance's name in exports, and
when a reader asked for erasure and when their personal data was removed.

Revision ID: imports
Revises: 0002_runtime
Create Date: 2026-12-02
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "imports"
down_revision = "0002_runtime"
branch_labels = None
depends_on = None

INSTANCE_ID_CHARS = 12


def upgrade() -> None:
    # Plain ADD COLUMN and unique indexes rather than constraints: SQLite then needs no table rebuild.
    for table in ("comments", "authors"):
        op.add_column(table, sa.Column("source", sa.String(40)))
        op.add_column(table, sa.Column("external_id", sa.String(200)))
        op.create_index(f"ix_{table}_source_external_id", table, ["source", "external_id"], unique=True)
    op.add_column("comments", sa.Column("import_run_id", sa.Integer))
    op.add_column("comments", sa.Column("import_engine_status", sa.String(16)))
    op.create_index("ix_comments_import_run_id", "comments", ["import_run_id"])
    op.create_index("ix_comments_import_engine_status", "comments", ["import_engine_status"])
    op.create_index("ix_authors_email", "authors", ["email"])
    op.add_column("authors", sa.Column("erasure_requested_at", sa.DateTime(timezone=True)))
    op.add_column("authors", sa.Column("erased_at", sa.DateTime(timezone=True)))
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(1000), nullable=False),
        sa.Column("file_bytes", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("imported", sa.Integer, nullable=False),
        sa.Column("already_present", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("disagreements", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_import_runs"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_import_runs_site_id_sites"),
        sa.CheckConstraint("state IN ('running', 'finished', 'stopped', 'failed')", name="ck_import_runs_state"),
    )
    instance = op.create_table(
        "instance",
        sa.Column("id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instance"),
    )
    op.bulk_insert(instance, [{"id": uuid.uuid4().hex[:INSTANCE_ID_CHARS]}])


def downgrade() -> None:
    op.drop_table("instance")
    op.drop_table("import_runs")
    op.drop_index("ix_authors_email", "authors")
    for index in ("ix_comments_import_engine_status", "ix_comments_import_run_id"):
        op.drop_index(index, "comments")
    for table in ("comments", "authors"):
        op.drop_index(f"ix_{table}_source_external_id", table)
        with op.batch_alter_table(table) as batch:
            for column in ("source", "external_id") + (
                ("import_run_id", "import_engine_status") if table == "comments"
                else ("erasure_requested_at", "erased_at")
            ):
                batch.drop_column(column)

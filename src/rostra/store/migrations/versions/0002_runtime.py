"""Per-site settings on the sites row, the events outbox read by live pages and workers, and the
append-only audit log of changes that are not a comment's status (site settings, sanctions, notes).

Revision ID: 0002_runtime
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from rostra.store.migrations.append_only import drop_append_only_function, make_append_only

revision = "0002_runtime"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sites", sa.Column("settings", sa.JSON, nullable=False, server_default="{}"))
    op.add_column("sites", sa.Column("settings_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("story_id", sa.Integer),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE", name="fk_events_site_id_sites"),
    )
    op.create_index("ix_events_site_id_story_id_id", "events", ["site_id", "story_id", "id"])
    op.create_index("ix_events_created_at", "events", ["created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject_type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.Integer),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("note", sa.String(1000)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_audit_log_site_id_sites"),
    )
    op.create_index("ix_audit_log_subject_type_subject_id", "audit_log", ["subject_type", "subject_id"])
    op.create_index("ix_audit_log_site_id_id", "audit_log", ["site_id", "id"])
    make_append_only("audit_log")


def downgrade() -> None:
    op.drop_table("audit_log")
    drop_append_only_function("audit_log")
    op.drop_table("events")
    op.drop_column("sites", "settings_changed_at")
    op.drop_column("sites", "settings")

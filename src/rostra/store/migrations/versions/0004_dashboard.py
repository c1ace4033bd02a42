"""Moderator dashboard: server-side sessions, personal API tokens, admins, queue columns and indexes,
open reports by outcome, per-story pre-moderation, and moderator actions in the moderation log with the state before and after.

Revision ID: 0004_dashboard
Revises: idempotency
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_dashboard"
down_revision = "idempotency"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("accounts", sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _when("created_at"),
        _when("last_seen_at"),
        _when("expires_at"),
        _when("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_sessions_account_id_accounts"),
    )
    op.create_index("ix_sessions_account_id", "sessions", ["account_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
        _when("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_api_tokens_account_id_accounts"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_account_id", "api_tokens", ["account_id"])

    op.add_column("comments", sa.Column("top_score", sa.Float))
    op.add_column("comments", sa.Column("reason_attributes", sa.String(500)))
    op.add_column("comments", sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()))
    # Comments already scored keep their highest score and reason attributes in the new columns.
    if sqlite:
        op.execute(
            "UPDATE comments SET top_score = (SELECT max(value) FROM json_each(comments.moderation_scores)), "
            "reason_attributes = (SELECT ' ' || group_concat(json_extract(value, '$.attribute'), ' ') || ' ' "
            "FROM json_each(comments.moderation_reasons)) WHERE json_valid(moderation_scores)"
        )
    else:
        op.execute(
            "UPDATE comments SET top_score = (SELECT max(value::float) FROM json_each_text(moderation_scores)) "
            "WHERE json_typeof(moderation_scores) = 'object'"
        )
        op.execute(
            "UPDATE comments SET reason_attributes = (SELECT ' ' || string_agg(value->>'attribute', ' ') || ' ' "
            "FROM json_array_elements(moderation_reasons)) WHERE json_typeof(moderation_reasons) = 'array'"
        )
    op.execute("UPDATE comments SET top_score = 0 WHERE top_score IS NULL")
    op.create_index("ix_comments_status_id", "comments", ["status", "id"])
    op.create_index("ix_comments_status_top_score_id", "comments", ["status", "top_score", "id"])

    op.add_column("stories", sa.Column("premoderated", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_reports_outcome_comment_id", "reports", ["outcome", "comment_id"])

    # Plain ADD COLUMNs: the log is append-only, and rebuilding it under SQLite would drop its triggers.
    op.add_column("moderation_log", sa.Column("action", sa.String(32), nullable=False, server_default="status"))
    op.add_column("moderation_log", sa.Column("account_id", sa.Integer))
    op.add_column("moderation_log", sa.Column("before", sa.JSON))
    op.add_column("moderation_log", sa.Column("after", sa.JSON))
    op.create_index("ix_moderation_log_account_id_id", "moderation_log", ["account_id", "id"])
    op.create_index("ix_moderation_log_action_id", "moderation_log", ["action", "id"])


def downgrade() -> None:
    raise NotImplementedError("Rostra migrates forward only; restore a backup to go back")

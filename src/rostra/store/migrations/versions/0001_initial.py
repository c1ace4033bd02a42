"""Initial schema: sites, stories, accounts, authors, comments, reactions, reports, moderation log, API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from rostra.store.migrations.append_only import make_append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

COMMENT_STATUSES = "('pending', 'approved', 'rejected', 'withheld', 'deleted')"
REPORT_REASONS = "('offensive', 'abusive', 'spam', 'off_topic', 'other')"


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("name", name="uq_sites_name"),
    )
    op.create_table(
        "site_origins",
        sa.Column("origin", sa.String(300), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("origin", name="pk_site_origins"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], ondelete="CASCADE", name="fk_site_origins_site_id_sites"
        ),
    )
    op.create_index("ix_site_origins_site_id", "site_origins", ["site_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("url", sa.String(2100), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_stories_site_id_sites"),
        sa.UniqueConstraint("url", name="uq_stories_url"),
    )
    op.create_index("ix_stories_site_id", "stories", ["site_id"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("role", sa.String(16), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
        sa.CheckConstraint("role IN ('reader', 'moderator')", name="ck_accounts_role"),
    )
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer),
        sa.Column("guest_key", sa.String(64)),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_authors"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_authors_account_id_accounts"),
        sa.UniqueConstraint("account_id", name="uq_authors_account_id"),
        sa.UniqueConstraint("guest_key", name="uq_authors_guest_key"),
        sa.CheckConstraint("(account_id IS NULL) <> (guest_key IS NULL)", name="ck_authors_one_identity"),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("body_markdown", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reaction_count", sa.Integer, nullable=False),
        sa.Column("moderation_scores", sa.JSON),
        sa.Column("moderation_reasons", sa.JSON),
        sa.Column("moderation_model", sa.String(100)),
        _when("created_at"),
        _when("edited_at", nullable=True),
        _when("deleted_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], name="fk_comments_story_id_stories"),
        sa.ForeignKeyConstraint(["parent_id"], ["comments.id"], name="fk_comments_parent_id_comments"),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_comments_author_id_authors"),
        sa.CheckConstraint(f"status IN {COMMENT_STATUSES}", name="ck_comments_status"),
    )
    op.create_index("ix_comments_story_id_parent_id_id", "comments", ["story_id", "parent_id", "id"])
    op.create_index(
        "ix_comments_story_id_parent_id_reaction_count_id",
        "comments",
        ["story_id", "parent_id", "reaction_count", "id"],
    )
    op.create_index("ix_comments_parent_id_status", "comments", ["parent_id", "status"])
    op.create_index("ix_comments_story_id_status", "comments", ["story_id", "status"])
    op.create_index("ix_comments_author_id_status", "comments", ["author_id", "status"])
    op.create_index("ix_comments_author_id_id", "comments", ["author_id", "id"])
    op.create_table(
        "reactions",
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("comment_id", "author_id", name="pk_reactions"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_reactions_comment_id_comments"),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_reactions_author_id_authors"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("note", sa.String(1000)),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_reports_comment_id_comments"),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_reports_author_id_authors"),
        sa.UniqueConstraint("comment_id", "author_id", name="uq_reports_comment_id_author_id"),
        sa.CheckConstraint(f"reason IN {REPORT_REASONS}", name="ck_reports_reason"),
    )
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON),
        sa.Column("model", sa.String(100)),
        sa.Column("note", sa.String(1000)),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_log"),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name="fk_moderation_log_comment_id_comments"
        ),
    )
    op.create_index("ix_moderation_log_comment_id", "moderation_log", ["comment_id"])
    make_append_only("moderation_log")
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_prefix", sa.String(8), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        _when("created_at"),
        _when("revoked_at", nullable=True),
        sa.Column("requests_per_minute", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("name", name="uq_api_keys_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def downgrade() -> None:
    for table in ("api_keys", "moderation_log", "reports", "reactions", "comments", "authors",
                  "accounts", "stories", "site_origins", "sites"):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS moderation_log_append_only()")


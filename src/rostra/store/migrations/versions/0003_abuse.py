"""Abuse defences: sanctions, spam-wave clusters and their text fingerprints, link domains seen per
site, stored (hashed and truncated) addresses, browser keys, report outcomes and weights.

Revision ID: 0003_abuse
Revises: imports
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_abuse"
down_revision = "imports"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "spam_clusters",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sample", sa.String(300), nullable=False),
        _when("created_at"),
        sa.Column("resolved_by", sa.String(200)),
        _when("resolved_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_spam_clusters"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_spam_clusters_site_id_sites"),
        sa.CheckConstraint("status IN ('held', 'rejected', 'released')", name="ck_spam_clusters_status"),
    )
    op.create_index("ix_spam_clusters_site_id_status", "spam_clusters", ["site_id", "status"])
    with op.batch_alter_table("authors") as batch:
        batch.add_column(sa.Column("browser_key", sa.String(64)))
        batch.create_index("ix_authors_browser_key", ["browser_key"])
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("address_hash", sa.String(32)))
        batch.add_column(sa.Column("address_network", sa.String(48)))
        batch.add_column(sa.Column("cluster_id", sa.Integer))
        batch.create_foreign_key("fk_comments_cluster_id_spam_clusters", "spam_clusters", ["cluster_id"], ["id"])
        batch.create_index("ix_comments_cluster_id", ["cluster_id"])
        batch.create_index("ix_comments_created_at", ["created_at"])
    with op.batch_alter_table("reactions") as batch:
        batch.add_column(sa.Column("address_hash", sa.String(32)))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("reporter_address", sa.String(32)))
        batch.add_column(sa.Column("weight", sa.Float))
        batch.add_column(sa.Column("outcome", sa.String(16)))
        batch.create_index("ix_reports_author_id_outcome", ["author_id", "outcome"])
    op.create_table(
        "sanctions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author_id", sa.Integer),
        sa.Column("account_id", sa.Integer),
        sa.Column("guest_key", sa.String(64)),
        sa.Column("browser_key", sa.String(64)),
        sa.Column("email", sa.String(254)),
        sa.Column("address_network", sa.String(48)),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _when("created_at"),
        _when("expires_at", nullable=True),
        sa.Column("lifted_by", sa.String(200)),
        _when("lifted_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sanctions"),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_sanctions_author_id_authors"),
        sa.CheckConstraint("kind IN ('ban', 'suspension', 'premoderation')", name="ck_sanctions_kind"),
    )
    op.create_index("ix_sanctions_author_id", "sanctions", ["author_id"])
    op.create_index("ix_sanctions_lifted_at", "sanctions", ["lifted_at"])
    op.create_table(
        "text_bands",
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("band", sa.BigInteger, nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("comment_id", "band", name="pk_text_bands"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_text_bands_comment_id_comments"),
    )
    op.create_index("ix_text_bands_site_id_band", "text_bands", ["site_id", "band"])
    op.create_index("ix_text_bands_created_at", "text_bands", ["created_at"])
    op.create_table(
        "link_domains",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        _when("first_seen_at"),
        sa.PrimaryKeyConstraint("site_id", "domain", name="pk_link_domains"),
    )


def downgrade() -> None:
    for table in ("link_domains", "text_bands", "sanctions"):
        op.drop_table(table)
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_author_id_outcome")
        for column in ("outcome", "weight", "reporter_address"):
            batch.drop_column(column)
    with op.batch_alter_table("reactions") as batch:
        batch.drop_column("address_hash")
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_created_at")
        batch.drop_index("ix_comments_cluster_id")
        batch.drop_constraint("fk_comments_cluster_id_spam_clusters", type_="foreignkey")
        for column in ("cluster_id", "address_network", "address_hash"):
            batch.drop_column(column)
    with op.batch_alter_table("authors") as batch:
        batch.drop_index("ix_authors_browser_key")
        batch.drop_column("browser_key")
    op.drop_table("spam_clusters")

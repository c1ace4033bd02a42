"""Idempotency keys of comment posts: the comment a reader's key created, remembered for a day.

Revision ID: idempotency
Revises: 0003_abuse
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "idempotency"
down_revision = "0003_abuse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", name="pk_idempotency_keys"),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name="fk_idempotency_keys_comment_id_comments"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")

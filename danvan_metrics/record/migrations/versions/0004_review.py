"""Review of uploads under a reporting regime: each upload's review state, who decided, when, and why.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("review", sa.String(16)),
    ("regime_id", sa.String(64)),
    ("reviewed_by", sa.String(64)),
    ("reviewed_at", sa.DateTime),
    ("review_comment", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)

"""Reporting regimes (chế độ báo cáo), each kept as the JSON that defines it.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regimes",
        sa.Column("regime_id", sa.String(64), primary_key=True),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("defined_by", sa.String(64), nullable=False),
        sa.Column("defined_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("regimes")

"""Sign-in sessions in the record, and the secret that signs the sign-in form, shared by every server.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(64), nullable=False, index=True),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_why", sa.String(16)),
        sa.Column("source", sa.Text, nullable=False),
    )
    # Generated here, on the server, never in the repository; a restore brings back its own.
    op.get_bind().execute(
        sa.text("INSERT INTO record_meta (key, value) VALUES ('form_secret', :value)"),
        {"value": secrets.token_hex(32)},
    )


def downgrade() -> None:
    op.execute("DELETE FROM record_meta WHERE key = 'form_secret'")
    op.drop_table("sessions")

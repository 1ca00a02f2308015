"""The first system of record: uploads, their rows and files, the audit trail, accounts, sign-in throttling.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "counter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO counter (id, version) VALUES (1, 0)")
    # A random identity: a read store derived from another record (a restore, a new database) is rebuilt.
    op.get_bind().execute(
        sa.text("INSERT INTO record_meta (key, value) VALUES ('identity', :value)"), {"value": uuid.uuid4().hex}
    )
    op.create_table(
        "changes",
        sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("upload_id", sa.String(64)),
        sa.Column("happened_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "uploads",
        sa.Column("upload_id", sa.String(64), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("archive_path", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("rows_replaced", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("retracted_by", sa.String(64)),
        sa.Column("retracted_at", sa.DateTime),
        sa.Column("choices", sa.Text),
    )
    op.create_table(
        "upload_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "upload_rows",
        sa.Column("obs_id", sa.String(96), primary_key=True),
        sa.Column("upload_id", sa.String(64), sa.ForeignKey("uploads.upload_id"), nullable=False, index=True),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("period_label", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("qualifier", sa.String(8), nullable=False),
        sa.Column("numerator", sa.Float),
        sa.Column("denominator", sa.Float),
        sa.Column("value_text", sa.Text),
        sa.Column("source_quote", sa.Text),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "audit",
        sa.Column(
            "audit_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),  # fmt: skip
        sa.Column("happened_at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("units", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("session_epoch", sa.Integer, nullable=False),
    )
    op.create_table(
        "signin_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("last", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("signin_failures", "accounts", "audit", "upload_rows", "upload_files", "uploads", "changes",
                  "counter", "record_meta"):  # fmt: skip
        op.drop_table(table)

"""The record's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create and change them.

A table's columns change only with a new migration; `tests/test_record.py` checks that the
migrations produce exactly this schema.
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()

# Keys: "identity" (a random id: a read store built from another record is rebuilt), "synthetic".
record_meta = sa.Table(
    "record_meta", METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)  # fmt: skip

# One row: the version every write moves on. Updating it takes the row's lock, so writers on
# PostgreSQL commit in version order and a reader never skips a version committed late.
counter = sa.Table(
    "counter", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)  # fmt: skip

# What each version changed, for read stores to copy: "commit"/"retract" (of upload_id), "audit", "account".
changes = sa.Table(
    "changes", METADATA,
    sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("upload_id", sa.String(64)),
    sa.Column("happened_at", sa.DateTime, nullable=False),
)  # fmt: skip

uploads = sa.Table(
    "uploads", METADATA,
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
    # Review (migration 0004): NULL for an upload no regime covers; else "pending", "approved" or
    # "returned", under `regime_id`, decided by `reviewed_by` at `reviewed_at` (a return says why).
    sa.Column("review", sa.String(16)),
    sa.Column("regime_id", sa.String(64)),
    sa.Column("reviewed_by", sa.String(64)),
    sa.Column("reviewed_at", sa.DateTime),
    sa.Column("review_comment", sa.Text),
)  # fmt: skip

# The archived file itself, byte for byte, so every server can hand it back (the home keeps a copy too).
upload_files = sa.Table(
    "upload_files", METADATA,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)  # fmt: skip

# The figures of each upload, as the read store's `observations` holds them.
upload_rows = sa.Table(
    "upload_rows", METADATA,
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
)  # fmt: skip

audit = sa.Table(
    "audit", METADATA,
    sa.Column("audit_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("happened_at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text),
)  # fmt: skip

accounts = sa.Table(
    "accounts", METADATA,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("units", sa.Text, nullable=False),  # JSON list; empty: every unit
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("session_epoch", sa.Integer, nullable=False),
)  # fmt: skip

# Failed sign-ins per SHA-256 key (source and name; name across sources), never the typed text.
signin_failures = sa.Table(
    "signin_failures", METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("last", sa.DateTime, nullable=False),
)  # fmt: skip

# Sign-in sessions (migration 0002): the cookie holds a random id; the record only its SHA-256.
# A session ends at sign-out, after `idle` minutes unused, at `expires_at`, or when its account's
# password or state changes (its `epoch` no longer matches the account's).
sessions = sa.Table(
    "sessions", METADATA,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("account", sa.String(64), nullable=False, index=True),
    sa.Column("epoch", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("ended_why", sa.String(16)),
    sa.Column("source", sa.Text, nullable=False),
)  # fmt: skip

# Reporting regimes (migration 0003): each as the JSON its file states (`reporting.regimes`), who
# defined it and when. Redefining a regime replaces its row; the audit trail keeps every version.
regimes = sa.Table(
    "regimes", METADATA,
    sa.Column("regime_id", sa.String(64), primary_key=True),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("defined_by", sa.String(64), nullable=False),
    sa.Column("defined_at", sa.DateTime, nullable=False),
)  # fmt: skip

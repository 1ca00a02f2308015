"""The system of record: every write people make — uploads (log, rows, the archived file), retractions,
the audit trail, accounts, sign-in throttling — in one SQL schema (SQLAlchemy Core, Alembic migrations).

SQLite in the state directory by default; PostgreSQL when ``DANVAN_DATABASE_URL`` is set, so several
servers share it. Each write is one transaction that moves the record's version counter on and
logs what changed, which is how every server's read store (`store`) knows what to copy.

Layer 2: imports `core` only.
"""

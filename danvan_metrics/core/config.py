"""Where things live: the shipped data folder and the state directory (``DANVAN_HOME``)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # danvan_metrics/
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
CURATED_DIR = DATA_DIR / "curated"
SOURCES_DIR = DATA_DIR / "sources"

DEFAULT_HOME = PROJECT_DIR / "instance"
# The read store's files (DuckDB, derived: deleting them loses nothing) live in this folder of the home.
READ_DIR_NAME = "read"
# The system of record when no DANVAN_DATABASE_URL is set: a SQLite file in the state directory.
RECORD_FILE_NAME = "record.sqlite3"
# The one DuckDB file of the releases before the system of record; migrated on first start.
LEGACY_DB_FILE_NAME = "danvan.duckdb"


def state_dir() -> Path:
    """The state directory: ``$DANVAN_HOME`` if set, else ``./instance`` in the project."""
    return _home_from(os.environ.get("DANVAN_HOME", "").strip())


@functools.lru_cache(maxsize=16)
def _home_from(raw: str) -> Path:
    # Resolved once per value: every page question asks for the home, and resolving walks the file system.
    return Path(raw).expanduser().resolve() if raw else DEFAULT_HOME


def database_url(home: Path) -> str:
    """The system of record: ``$DANVAN_DATABASE_URL`` (``postgresql+psycopg://…``), else SQLite in ``home``."""
    raw = os.environ.get("DANVAN_DATABASE_URL", "").strip()
    return raw or f"sqlite:///{home / RECORD_FILE_NAME}"


def refresh_seconds() -> float:
    """How often a server checks the record for others' writes (``DANVAN_REFRESH_MS``, default 250 ms)."""
    return _env_number("DANVAN_REFRESH_MS", 250) / 1000


def lock_timeout_seconds() -> float:
    """How long a process waits for another to release the store (``DANVAN_LOCK_TIMEOUT``)."""
    try:
        return float(os.environ.get("DANVAN_LOCK_TIMEOUT", "30"))
    except ValueError:
        return 30.0


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def max_upload_bytes() -> int:
    """The largest file an upload may be (``DANVAN_MAX_UPLOAD_MB``, default 20 MB)."""
    return int(_env_number("DANVAN_MAX_UPLOAD_MB", 20) * 1_000_000)


def max_upload_rows() -> int:
    """The most data rows one upload may hold (``DANVAN_MAX_UPLOAD_ROWS``, default 100 000)."""
    return int(_env_number("DANVAN_MAX_UPLOAD_ROWS", 100_000))


def max_failed_sign_ins() -> int:
    """Failures from one source for one name before attempts must wait (``DANVAN_MAX_FAILED_SIGNINS``, default 5)."""
    return int(_env_number("DANVAN_MAX_FAILED_SIGNINS", 5))


def lockout_minutes() -> float:
    """The longest a source must wait between throttled sign-in attempts (``DANVAN_LOCKOUT_MINUTES``, default 15)."""
    return _env_number("DANVAN_LOCKOUT_MINUTES", 15)


def session_minutes() -> float:
    """Inactivity after which a signed-in session ends (``DANVAN_SESSION_MINUTES``, default 30)."""
    return _env_number("DANVAN_SESSION_MINUTES", 30)


def session_max_hours() -> float:
    """The longest a sign-in lasts, however active (``DANVAN_SESSION_MAX_HOURS``, default 12)."""
    return _env_number("DANVAN_SESSION_MAX_HOURS", 12)


def require_sign_in() -> bool:
    """Whether viewing needs sign-in too (``DANVAN_REQUIRE_SIGN_IN=1``); by default anyone may look."""
    return os.environ.get("DANVAN_REQUIRE_SIGN_IN", "").strip().lower() in {"1", "true", "yes", "on"}


def curated_dir() -> Path:
    """The curated folder the store loads: ``$DANVAN_CURATED_DIR`` (a synthetic folder), else data/curated."""
    raw = os.environ.get("DANVAN_CURATED_DIR", "").strip()
    return Path(raw).expanduser().resolve() if raw else CURATED_DIR


def demo_mode() -> bool:
    """Whether the app shows synthetic sample data (``DANVAN_DEMO=1``): every page and chart says so."""
    return os.environ.get("DANVAN_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}


def smtp_url() -> str | None:
    """The organisation's mail server for deadline reminders (``DANVAN_SMTP_URL``,
    ``smtp://user:password@host:587?starttls=1`` or ``smtps://…:465``); None: no mail is ever sent."""
    return os.environ.get("DANVAN_SMTP_URL", "").strip() or None


def smtp_sender() -> str:
    """The From address of reminders (``DANVAN_SMTP_FROM``)."""
    return os.environ.get("DANVAN_SMTP_FROM", "").strip() or "danvan@localhost"

"""Where things live: the shipped data folder and the state directory (``DANVAN_HOME``)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
CURATED_DIR = DATA_DIR / "curated"
SOURCES_DIR = DATA_DIR / "sources"

DEFAULT_HOME = PROJECT_DIR / "instance"
DB_FILE_NAME = "danvan.duckdb"


def state_dir() -> Path:
    """The state directory: ``$DANVAN_HOME`` if set, else ``./instance`` in the project."""
    raw = os.environ.get("DANVAN_HOME", "").strip()
    return Path(raw).expanduser().resolve() if raw else DEFAULT_HOME


def lock_timeout_seconds() -> float:
    """How long a process waits for another to release the store (``DANVAN_LOCK_TIMEOUT``)."""
    try:
        return float(os.environ.get("DANVAN_LOCK_TIMEOUT", "30"))
    except ValueError:
        return 30.0

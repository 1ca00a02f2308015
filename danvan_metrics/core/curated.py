"""Reading the curated CSVs: raw text for the checker, typed frames for the store.

Types come from `model`, never from sniffing; empty cells become missing values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from danvan_metrics.core.model import CURATED_FILES

_PANDAS_TYPES: dict[str, str] = {
    "VARCHAR": "str",
    "DOUBLE": "Float64",
    "INTEGER": "Int64",
}


def read_raw(path: Path) -> pd.DataFrame:
    """Every cell as the exact text in the file (no NA conversion, no trimming)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


def to_typed(raw: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Convert a raw frame to the declared types; empty text becomes missing.

    Raises:
        ValueError: a cell does not parse as its column's type.
    """
    out: dict[str, pd.Series] = {}
    for name, sql_type in columns.items():
        text = raw[name].astype("str")
        empty = text.str.strip() == ""
        if sql_type == "DATE":
            parsed = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="raise")
            out[name] = parsed.dt.date.astype("object").where(~empty, None)
        elif sql_type in ("DOUBLE", "INTEGER"):
            numbers = pd.to_numeric(text.where(~empty), errors="raise")
            out[name] = numbers.astype(_PANDAS_TYPES[sql_type])
        else:
            out[name] = text.where(~empty, None)
    return pd.DataFrame(out)


def read_typed(directory: Path, file_name: str) -> pd.DataFrame:
    """One curated file with the model's column types."""
    return to_typed(read_raw(directory / file_name), CURATED_FILES[file_name])


def fingerprint(directory: Path, extra: str = "") -> str:
    """SHA-256 over the curated files' bytes: the store rebuilds when it changes.

    A synthetic folder holds ``observations.parquet`` instead of ``observations.csv``.
    """
    digest = hashlib.sha256(extra.encode())
    for name in sorted(CURATED_FILES):
        path = directory / name
        if name == "observations.csv" and not path.is_file() and (directory / "observations.parquet").is_file():
            path = directory / "observations.parquet"
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()

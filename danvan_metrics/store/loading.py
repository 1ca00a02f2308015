"""Curated data into a read store: the four curated files (or a synthetic folder's Parquet) and the registry."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from danvan_metrics.core import curated
from danvan_metrics.core.model import (
    METRIC_COLUMNS,
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    UNIT_COLUMNS,
)
from danvan_metrics.registry import units as registry

# A synthetic folder (see `synth`) holds its observations as Parquet and this marker file.
PARQUET_OBSERVATIONS = "observations.parquet"
SYNTHETIC_MARKER = "SYNTHETIC.json"


def read_curated_frames(directory: Path, observations: bool = True) -> dict[str, pd.DataFrame]:
    """The four curated files as typed frames, observations with their stable ids.

    With ``observations=False`` (a synthetic folder, whose figures DuckDB reads from Parquet)
    the observations are left out.
    """
    if not observations:
        frames = {name: curated.read_typed(directory, f"{name}.csv") for name in ("units", "metrics", "sources")}
        assert list(frames["units"].columns) == list(UNIT_COLUMNS)
        return frames
    return _with_observations(directory)


def _with_observations(directory: Path) -> dict[str, pd.DataFrame]:
    observations = curated.read_typed(directory, "observations.csv")
    # Stable id: the source and the line in the file (line 1 is the header).
    lines = pd.Series(range(2, len(observations) + 2), index=observations.index).astype("str")
    observations.insert(0, "obs_id", observations["source_id"] + "#" + lines)
    frames = {
        "units": curated.read_typed(directory, "units.csv"),
        "metrics": curated.read_typed(directory, "metrics.csv"),
        "sources": curated.read_typed(directory, "sources.csv"),
        "observations": observations,
    }
    expected = {
        "units": list(UNIT_COLUMNS),
        "metrics": list(METRIC_COLUMNS),
        "sources": list(SOURCE_COLUMNS),
        "observations": ["obs_id", *OBSERVATION_COLUMNS],
    }
    for name, frame in frames.items():
        assert list(frame.columns) == expected[name], f"{name}: columns out of order"
    return frames


def parquet_observations(conn: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    """A synthetic folder's observations, read by DuckDB with the model's types and stable ids.

    The id is the source and the row's place in the file (as a CSV line number would be).
    """
    columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in OBSERVATION_COLUMNS.items())
    relation = conn.read_parquet(str(path), file_row_number=True)
    return relation.select(f"source_id || '#' || CAST(file_row_number + 2 AS VARCHAR) AS obs_id, {columns}")


def with_registry(frames: dict[str, pd.DataFrame], directory: Path) -> dict[str, pd.DataFrame]:
    """The curated frames with the registry's units added (curated rows win) and its links.

    A folder without a registry (a test's copy of the curated data) adds nothing.
    """
    units = registry.read_units(directory)
    mine = frames["units"]
    merged = pd.concat([units[~units["unit_id"].isin(mine["unit_id"])], mine], ignore_index=True)
    return {**frames, "units": merged, "unit_links": registry.read_links(directory)}

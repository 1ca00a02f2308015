"""Writing a synthetic folder: the curated files, a copy of the registry, the late upload files, the marker.

    OUT/curated/   units.csv, metrics.csv, sources.csv (CSV) and observations.parquet,
                   plus SYNTHETIC.json (the marker the store refuses to mix with real data)
    OUT/registry/  a copy of data/registry (units before and after the 2025 reform, links)
    OUT/late/      quarterly upload files in the template's format: the figures that came late

The same figures give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from danvan_metrics.demo.figures import SOURCE_ID
from danvan_metrics.ingest.table import TEMPLATE_COLUMNS
from danvan_metrics.registry import units as registry
from danvan_metrics.store.connection import PARQUET_OBSERVATIONS, SYNTHETIC_MARKER

SOURCE_TITLE = "DỮ LIỆU MẪU — số liệu tạo tự động, không phải số liệu thật"
CURATED, REGISTRY, LATE = "curated", "registry", "late"


def empty_folders(out: Path) -> None:
    """``out``'s ``curated``, ``registry`` and ``late`` sub-folders, emptied (or created)."""
    for name in (CURATED, REGISTRY, LATE):
        shutil.rmtree(out / name, ignore_errors=True)
        (out / name).mkdir(parents=True)


def write_curated(
    curated_dir: Path, real_dir: Path, metric_table: pd.DataFrame, table: pa.Table, published: dt.date
) -> None:
    """The real units, the catalog, the one synthetic source and the figures (parquet) into ``curated_dir``."""
    shutil.copy2(real_dir / "units.csv", curated_dir / "units.csv")
    metric_table.to_csv(curated_dir / "metrics.csv", index=False, lineterminator="\n")
    pd.DataFrame(
        [
            {
                "source_id": SOURCE_ID,
                "title": SOURCE_TITLE,
                "publisher": "danvan — bộ tạo dữ liệu mẫu",
                "published": published.isoformat(),
                "doc_kind": "dữ liệu mẫu",
                "unit_id": "",
                "file": f"{CURATED}/{SYNTHETIC_MARKER}",
                "author": "danvan synth",
            }
        ]
    ).to_csv(curated_dir / "sources.csv", index=False, lineterminator="\n")
    pq.write_table(table, curated_dir / PARQUET_OBSERVATIONS, compression="zstd", row_group_size=122_880)


def copy_registry(registry_dir: Path, to: Path) -> None:
    """The registry's files (units before and after the reform, links), copied unchanged."""
    for name in registry.REGISTRY_FILES:
        shutil.copy2(registry_dir / name, to / name)


def write_late(rows: pd.DataFrame, folder: Path, last: tuple[int, int], per_file: int) -> list[Path]:
    """Late rows as ';'-separated UTF-8 CSV files (with BOM) of at most ``per_file`` rows."""
    year, quarter = last
    files: list[Path] = []
    for index, start in enumerate(range(0, len(rows), per_file), start=1):
        path = folder / f"du-lieu-mau_quy-{quarter}-{year}_nop-muon-{index:02d}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(TEMPLATE_COLUMNS)
        writer.writerows(rows.iloc[start : start + per_file].itertuples(index=False, name=None))
        path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
        files.append(path)
    return files


def write_marker(curated_dir: Path, marker: dict[str, Any]) -> None:
    """SYNTHETIC.json: what was generated, and the mark the store refuses to mix with real data."""
    (curated_dir / SYNTHETIC_MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n", "utf-8")


def read_marker(out: Path) -> dict[str, Any]:
    """The marker of a folder written by `synth.generate`."""
    marker: dict[str, Any] = json.loads((out / CURATED / SYNTHETIC_MARKER).read_text("utf-8"))
    return marker

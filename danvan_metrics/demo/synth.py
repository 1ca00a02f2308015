"""Synthetic figures for the demo and the benchmark: generated, labelled, never mixed with real ones.

`generate` picks the units, metrics and quarters of a `Plan`, has `figures` draw the figures and
`write` lay out a self-contained folder (curated files, a registry copy, late upload files). Every
figure has the source ``synthetic_demo`` titled "DỮ LIỆU MẪU …" and a quote saying it is not real.

`load` builds a store from such a folder in a separate state directory and commits the late
files through the normal upload path (`uploads.prepare`, then `writes.commit_upload`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from danvan_metrics.core import config
from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.demo.figures import SOURCE_ID, generate_figures
from danvan_metrics.demo.write import (
    CURATED,
    LATE,
    REGISTRY,
    SOURCE_TITLE,
    copy_registry,
    empty_folders,
    read_marker,
    write_curated,
    write_late,
    write_marker,
)
from danvan_metrics.figures.analysis import KEY_METRICS
from danvan_metrics.ingest.periods import period_of
from danvan_metrics.registry import units as registry
from danvan_metrics.store.connection import Store

UPLOADER = "synthetic_demo"
EXTRA_CATEGORY = "Chỉ tiêu mẫu (dữ liệu mẫu)"
EXTRA_PREFIX = "synthetic_extra_"
DEMO_QUARTERS = 12


@dataclass(frozen=True, slots=True)
class Plan:
    """What to generate.

    Attributes:
        communes: post-reform communes (national mode), spread over every province; at most 3,321.
        metrics: metrics with figures; beyond the catalog's 31, extra ids ``synthetic_extra_NN``
            copy the shapes of real ones and are named and categorised as sample metrics.
        quarters: quarters of figures, ending with ``last_quarter``.
        demo: the seed units of data/curated and their post-reform successors, each only while it
            existed, with the key metrics (``communes`` and ``metrics`` are then ignored).
        seed: the random seed; the same plan gives the same bytes.
        last_quarter: (year, quarter) of the latest figures; default: the last complete quarter.
        late_share: share of units whose latest quarter arrives late, as upload files.
        revised_share: share of the quarter before's figures re-sent with a correction.
        rows_per_file: the most rows one late upload file holds.
        provinces: also every province, each only while it existed (the 63 until 30/06/2025, the 34
            from 01/07/2025), as a province office would report its own figures (for the maps).
    """

    communes: int = 3321
    metrics: int = 60
    quarters: int = 40
    demo: bool = False
    seed: int = 20250701
    last_quarter: tuple[int, int] | None = None
    late_share: float = 0.2
    revised_share: float = 0.005
    rows_per_file: int = 10_000
    provinces: bool = False


@dataclass(slots=True)
class Written:
    """What `generate` wrote."""

    out: Path
    units: int
    metrics: int
    quarters: list[str]
    rows: int
    late_rows: int
    late_files: list[Path] = field(default_factory=list)

    @property
    def curated_dir(self) -> Path:
        return self.out / CURATED

    @property
    def registry_dir(self) -> Path:
        return self.out / REGISTRY


def last_complete_quarter(today: dt.date) -> tuple[int, int]:
    """The latest quarter that has ended before ``today``."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


def quarter_list(last: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """``count`` quarters as (year, quarter), oldest first, ending with ``last``."""
    year, quarter = last
    out: list[tuple[int, int]] = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return out[::-1]


def catalog(real: pd.DataFrame, count: int) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """The metric catalog to load, the ids that get figures, and the real metric each copies.

    The catalog always holds every real metric; with ``count`` above their number, extra
    sample metrics are added, each copying a real metric's kind, unit and parts.

    Returns:
        The catalog (metrics.csv rows, as text), the ids with figures (key metrics first), and
        metric id → the real metric whose shape its figures follow.
    """
    real = real.astype("str")
    ordered = [m for m in KEY_METRICS if m in set(real["metric_id"])]
    ordered += [m for m in real["metric_id"] if m not in ordered]
    models = {m: m for m in ordered}
    if count <= len(ordered):
        return real, ordered[:count], models
    extras = []
    for index in range(count - len(ordered)):
        model = real.loc[real["metric_id"] == ordered[index % len(ordered)]].iloc[0].to_dict()
        number = f"{index + 1:02d}"
        extras.append(
            model
            | {
                "metric_id": f"{EXTRA_PREFIX}{number}",
                "name_vi": f"Chỉ tiêu mẫu {number} (dạng “{model['name_vi']}”)",
                "name_en": f"Sample metric {number} (shaped like {model['name_en']})",
                "category": EXTRA_CATEGORY,
                "description": f"DỮ LIỆU MẪU: chỉ tiêu không có thật, sinh theo dạng của “{model['name_vi']}”.",
            }
        )
        models[f"{EXTRA_PREFIX}{number}"] = str(model["metric_id"])
    frame = pd.concat([real, pd.DataFrame(extras, columns=real.columns)], ignore_index=True)
    return frame, ordered + [e["metric_id"] for e in extras], models


def national_units(units: pd.DataFrame, count: int) -> pd.DataFrame:
    """``count`` post-reform communes spread evenly over the list (so every province appears)."""
    communes = units[(units["level"] == "commune") & (units["unit_id"].str.startswith("post-"))]
    communes = communes.sort_values("unit_id", ignore_index=True)
    if count < len(communes):
        picks = np.linspace(0, len(communes) - 1, num=max(count, 1)).round().astype(int)
        communes = communes.iloc[np.unique(picks)].reset_index(drop=True)
    return communes


def demo_units(curated_units: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """The seed districts of data/curated and the post-reform communes they became."""
    seeds = curated_units.loc[curated_units["level"] == "district", "unit_id"]
    successors = links.loc[links["old_id"].isin(seeds), "new_id"].unique()
    picked = units[units["unit_id"].isin(set(seeds) | set(successors))]
    return picked.sort_values("unit_id", ignore_index=True)


def generate(plan: Plan, out: Path, data_dir: Path | None = None, today: dt.date | None = None) -> Written:
    """Write a synthetic folder (curated files, a registry copy, late upload files) to ``out``.

    Args:
        plan: sizes and shape of the data.
        out: the folder to write; its ``curated``, ``registry`` and ``late`` sub-folders are replaced.
        data_dir: the project's data folder (curated catalog, registry); default: the shipped one.
        today: the day the latest complete quarter is counted from (for reproducible output).
    """
    data_dir = data_dir or config.DATA_DIR
    registry_dir = data_dir / "registry"
    units_all = registry.read_units(registry_dir)
    real_units = pd.read_csv(data_dir / "curated" / "units.csv", dtype=str, keep_default_na=False)
    metric_table, metric_ids, models = catalog(
        pd.read_csv(data_dir / "curated" / "metrics.csv", dtype=str, keep_default_na=False),
        len(KEY_METRICS) if plan.demo else plan.metrics,
    )
    if plan.demo:
        units = demo_units(real_units, units_all, registry.read_links(registry_dir))
    else:
        units = national_units(units_all, plan.communes)
    if plan.provinces:
        provinces = units_all[units_all["level"] == "province"].sort_values("unit_id", ignore_index=True)
        units = pd.concat([provinces, units], ignore_index=True)
    last = plan.last_quarter or last_complete_quarter(today or dt.date.today())
    quarters = quarter_list(last, DEMO_QUARTERS if plan.demo else plan.quarters)
    rng = np.random.default_rng(plan.seed)
    table, late = generate_figures(plan, units, metric_table, sorted(metric_ids), models, quarters, rng)

    empty_folders(out)
    write_curated(out / CURATED, data_dir / "curated", metric_table, table, published=period_of(*last)[1])
    copy_registry(registry_dir, out / REGISTRY)
    files = write_late(late, out / LATE, quarters[-1], plan.rows_per_file)
    labels = [period_of(y, q)[2] for y, q in quarters]
    marker = {
        "what": SOURCE_TITLE,
        "source_id": SOURCE_ID,
        "plan": asdict(plan) | {"last_quarter": list(last)},
        "units": len(units),
        "metrics_with_figures": len(metric_ids),
        "quarters": labels,
        "rows": table.num_rows,
        "late_rows": len(late),
        "backdated": not plan.demo and period_of(*quarters[0])[0] < REFORM_DAY,
    }
    write_marker(out / CURATED, marker)
    return Written(out, len(units), len(metric_ids), labels, table.num_rows, len(late), files)


def store_for(out: Path, home: Path) -> Store:
    """The store in ``home`` over a synthetic folder (not yet built)."""
    return Store(home, curated_dir=out / CURATED, registry_dir=out / REGISTRY)


def load(out: Path, home: Path, *, late: bool = True, skip: Sequence[Path] = ()) -> tuple[Store, list[str]]:
    """Build the store in ``home`` from a synthetic folder and commit its late upload files.

    Files already committed (same bytes) are skipped, so loading twice changes nothing.

    Args:
        out: a folder written by `generate`.
        home: a state directory of its own; never the real one (the store refuses to mix).
        late: commit the late upload files too.
        skip: late files to leave out (the benchmark ingests one itself).

    Returns:
        The store and the ids of the uploads committed now.

    Raises:
        ValueError: ``home`` is the default state directory, or a late file is rejected.
    """
    from danvan_metrics.services import uploads, writes
    from danvan_metrics.store.resolving import resolver_for

    if home.resolve() == config.DEFAULT_HOME.resolve():
        raise ValueError(f"Không nạp dữ liệu mẫu vào thư mục số liệu thật {home}: hãy chọn --home khác.")
    store = store_for(out, home)
    store.ensure_current()
    committed: list[str] = []
    if not late:
        return store, committed
    skipped = {p.resolve() for p in skip}
    files = sorted(p for p in (out / LATE).glob("*.csv") if p.resolve() not in skipped)
    resolver = resolver_for(store) if files else None
    for path in files:
        data = path.read_bytes()
        assert resolver is not None
        preview = uploads.prepare(store, data, path.name, resolver, today=upload_day(out))
        if preview.duplicate_of is not None:
            continue
        if not preview.ok:
            first = preview.errors[0].describe(path.name) if preview.errors else "không có dòng nào"
            raise ValueError(f"Tệp mẫu nộp muộn bị từ chối: {first}")
        committed.append(
            writes.commit_upload(store, writes.Operator(UPLOADER, prefix=""), preview, data, channel="dữ liệu mẫu")
        )
    return store, committed


def upload_day(out: Path) -> dt.date:
    """The day after the synthetic folder's latest quarter ends: when its late files are "uploaded"."""
    year, quarter = read_marker(out)["plan"]["last_quarter"]
    return max(dt.date.today(), period_of(year, quarter)[1] + dt.timedelta(days=1))

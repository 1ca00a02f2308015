"""Synthetic figures for the demo and the benchmark: generated, labelled, never mixed with real ones.

`generate` writes a self-contained folder::

    OUT/curated/   units.csv, metrics.csv, sources.csv (CSV) and observations.parquet,
                   plus SYNTHETIC.json (the marker the store refuses to mix with real data)
    OUT/registry/  a copy of data/registry (units before and after the 2025 reform, links)
    OUT/late/      quarterly upload files in the template's format: the figures that came late

Every figure has the source ``synthetic_demo`` titled "DỮ LIỆU MẪU …" and a quote saying it is
not real. Shapes follow real reporting: rates from numerator and denominator (a quarter with no
case has no rate), rates without parts where documents state only a percentage, counts with
seasons and growth, stocks that rarely change, bounds ("trên 650") and estimates, units that
never report a metric, missing quarters, and a latest quarter that part of the units upload late
(with a few revisions of the quarter before).

`load` builds a store from such a folder in a separate state directory and commits the late
files through the normal upload path (`uploads.prepare` / `uploads.commit`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from danvan_metrics.core import config
from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.model import MetricKind
from danvan_metrics.figures.analysis import KEY_METRICS
from danvan_metrics.ingest.read import TEMPLATE_COLUMNS
from danvan_metrics.ingest.validate import period_of
from danvan_metrics.registry import units as registry
from danvan_metrics.store.connection import PARQUET_OBSERVATIONS, SYNTHETIC_MARKER, Store

SOURCE_ID = "synthetic_demo"
SOURCE_TITLE = "DỮ LIỆU MẪU — số liệu tạo tự động, không phải số liệu thật"
QUOTE = "DỮ LIỆU MẪU (tạo tự động) — không phải số liệu thật"
BACKDATED_NOTE = (
    "Dữ liệu mẫu: chuỗi lùi về trước 01/07/2025 cho xã, phường mới (khi đó chưa tồn tại) — chỉ để đo hiệu năng."
)
LATE_NOTE = "DỮ LIỆU MẪU — nộp muộn"
REVISED_NOTE = "DỮ LIỆU MẪU — sửa số liệu đã nộp"
UPLOADER = "synthetic_demo"
EXTRA_CATEGORY = "Chỉ tiêu mẫu (dữ liệu mẫu)"
EXTRA_PREFIX = "synthetic_extra_"
CURATED, REGISTRY, LATE = "curated", "registry", "late"
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


@dataclass(frozen=True, slots=True)
class Shape:
    """How one metric's figures look for a commune in one quarter.

    ``base`` is the mean count, amount or stock level, or a rate's mean denominator; ``share``
    is a rate's mean; ``season`` the amplitude of the yearly cycle; ``growth`` per quarter.
    """

    base: float
    share: float = 0.9
    season: float = 0.15
    growth: float = 0.005


SHAPES: dict[str, Shape] = {
    "complaints_resolved_rate": Shape(6, 0.88),
    "denunciations_resolved_rate": Shape(2, 0.85),
    "mediation_success_rate": Shape(5, 0.8),
    "citizen_receptions": Shape(40),
    "hotline_feedback": Shape(15, growth=0.02),
    "poor_household_loans": Shape(12, growth=-0.01),
    "poor_household_loan_amount": Shape(600, growth=0.0),
    "charity_houses": Shape(0.6, season=0.5),
    "charity_house_amount": Shape(40, season=0.5),
    "health_cards_poor": Shape(30, season=0.6, growth=-0.01),
    "health_cards_near_poor": Shape(25, season=0.6),
    "propaganda_sessions": Shape(8),
    "propaganda_attendance": Shape(600),
    "legal_access_wards": Shape(4, 0.85, season=0.0),
    "units_with_fast_internet": Shape(0, 0.93, season=0.0, growth=0.03),
    "staff_with_computers": Shape(0, 0.95, season=0.0, growth=0.03),
    "staff_with_official_email": Shape(0, 0.9, season=0.0, growth=0.04),
    "documents_sent_online": Shape(0, 0.85, season=0.0, growth=0.05),
}
DEFAULT_SHAPES: dict[str, Shape] = {
    MetricKind.COUNT: Shape(10),
    MetricKind.AMOUNT: Shape(300),
    MetricKind.STOCK: Shape(12, season=0.0),
    MetricKind.RATE: Shape(20, 0.9),
}
SIZE_BY_KIND = {"phường": 1.3, "xã": 1.0, "đặc khu": 0.5}
DISTRICT_SIZE = 8.0


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
    last = plan.last_quarter or last_complete_quarter(today or dt.date.today())
    quarters = quarter_list(last, DEMO_QUARTERS if plan.demo else plan.quarters)
    rng = np.random.default_rng(plan.seed)
    table, late = _figures(plan, units, metric_table, sorted(metric_ids), models, quarters, rng)

    for name in (CURATED, REGISTRY, LATE):
        shutil.rmtree(out / name, ignore_errors=True)
        (out / name).mkdir(parents=True)
    curated_dir = out / CURATED
    shutil.copy2(data_dir / "curated" / "units.csv", curated_dir / "units.csv")
    metric_table.to_csv(curated_dir / "metrics.csv", index=False, lineterminator="\n")
    published = period_of(*last)[1]
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
    for name in registry.REGISTRY_FILES:
        shutil.copy2(registry_dir / name, out / REGISTRY / name)
    files = _write_late(late, out / LATE, quarters[-1], plan.rows_per_file)
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
    (curated_dir / SYNTHETIC_MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return Written(out, len(units), len(metric_ids), labels, table.num_rows, len(late), files)


def _figures(
    plan: Plan,
    units: pd.DataFrame,
    metric_table: pd.DataFrame,
    metric_ids: Sequence[str],
    models: dict[str, str],
    quarters: Sequence[tuple[int, int]],
    rng: np.random.Generator,
) -> tuple[pa.Table, pd.DataFrame]:
    """Every figure as an Arrow table sorted by metric, period and unit; and the late ones."""
    n_units, n_quarters = len(units), len(quarters)
    periods = [period_of(y, q) for y, q in quarters]
    starts = np.array([p[0] for p in periods], dtype="datetime64[D]")
    ends = np.array([p[1] for p in periods], dtype="datetime64[D]")
    # Who existed when: a unit reports only while it exists, except in the national (backdated) set.
    valid_from = pd.to_datetime(units["valid_from"]).to_numpy(dtype="datetime64[D]")
    valid_to = pd.to_datetime(units["valid_to"]).to_numpy(dtype="datetime64[D]")
    exists = np.ones((n_quarters, n_units), dtype=bool)
    if plan.demo:
        exists &= np.isnat(valid_from)[None, :] | (valid_from[None, :] <= starts[:, None])
        exists &= np.isnat(valid_to)[None, :] | (valid_to[None, :] >= ends[:, None])
    backdated = np.full(n_quarters, not plan.demo) & (ends < np.datetime64(REFORM_DAY))
    size = rng.lognormal(0.0, 0.6, n_units) * np.array(
        [DISTRICT_SIZE if level == "district" else SIZE_BY_KIND.get(kind, 1.0)
         for level, kind in zip(units["level"], units["kind"], strict=True)]
    )  # fmt: skip
    reporting = rng.beta(40, 1.5, n_units)  # each unit's habit of reporting
    late_units = rng.random(n_units) < plan.late_share
    quality = rng.normal(0.0, 0.5, n_units)  # rates: some units do better than others
    drift = rng.normal(0.02, 0.02, n_units)
    t = np.arange(n_quarters, dtype=float)[:, None]
    season_phase = np.array([np.sin(2 * np.pi * (q - 1) / 4) for _, q in quarters])[:, None]
    metrics = metric_table.set_index("metric_id")

    parts: list[dict[str, np.ndarray]] = []
    late_parts: list[pd.DataFrame] = []
    for metric_index, metric_id in enumerate(metric_ids):
        row = metrics.loc[metric_id]
        kind = MetricKind(row["kind"])
        shape = SHAPES.get(models.get(metric_id, metric_id), DEFAULT_SHAPES[kind])
        decimals = int(row["decimals"] or 0)
        level = (1 + shape.season * season_phase) * (1 + shape.growth) ** t * size[None, :]
        numerator = denominator = None
        qualifier = np.zeros((n_quarters, n_units), dtype=np.int8)  # index into QUALIFIER_CODES
        if kind is MetricKind.RATE:
            logit = np.log(shape.share / (1 - shape.share)) + quality[None, :] + drift[None, :] * (t - n_quarters)
            share = 1 / (1 + np.exp(-(logit + rng.normal(0, 0.3, (n_quarters, n_units)))))
            if shape.base > 0 and str(row["denominator_label"]).strip():
                denominator = rng.poisson(shape.base * level).astype(float)
                numerator = rng.binomial(denominator.astype(np.int64), share).astype(float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    value = np.round(100 * numerator / denominator, decimals)
            else:
                value = np.clip(np.round(100 * share, decimals), 0, 100)
                qualifier[rng.random(value.shape) < 0.03] = 1  # "đạt trên 95%": a lower bound
        elif kind is MetricKind.STOCK:
            start = np.round(shape.base * size)
            steps = rng.choice([-1, 0, 1], p=[0.03, 0.94, 0.03], size=(n_quarters, n_units))
            value = np.clip(start[None, :] + np.cumsum(steps, axis=0), 0, None).astype(float)
        elif kind is MetricKind.AMOUNT:
            value = np.round(rng.gamma(2.0, shape.base * level / 2.0), decimals)
        else:
            value = rng.poisson(shape.base * level).astype(float)
        if kind in (MetricKind.COUNT, MetricKind.AMOUNT):
            draw = rng.random(value.shape)
            qualifier[draw < 0.02] = 2  # "trên 650 lượt"
            qualifier[(draw >= 0.02) & (draw < 0.03)] = 3  # "ước đạt"
        present = exists & (rng.random((n_quarters, n_units)) < reporting[None, :])
        present &= (rng.random(n_units) >= 0.03)[None, :]  # a few units never report this metric
        present &= np.isfinite(value)  # a quarter with no case has no rate
        late = np.zeros_like(present)
        late[-1, :] = present[-1, :] & late_units
        revised = np.zeros_like(present)
        if n_quarters > 1:
            revised[-2, :] = present[-2, :] & (rng.random(n_units) < plan.revised_share)
        late_parts.append(
            _late_rows(units, metric_id, kind, quarters, late, revised, value, numerator, denominator, decimals, rng)
        )
        keep = present & ~late
        q_index, u_index = np.nonzero(keep)  # row-major: by quarter, then unit (units are sorted)
        parts.append(
            {
                "metric": np.full(len(q_index), metric_index, dtype=np.int32),
                "quarter": q_index.astype(np.int32),
                "unit": u_index.astype(np.int32),
                "value": value[keep],
                "qualifier": qualifier[keep],
                "numerator": numerator[keep] if numerator is not None else np.full(len(q_index), np.nan),
                "denominator": denominator[keep] if denominator is not None else np.full(len(q_index), np.nan),
            }
        )
    columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    table = _arrow_table(columns, units, metric_ids, periods, backdated)
    late_frame = pd.concat(late_parts, ignore_index=True) if late_parts else pd.DataFrame(columns=TEMPLATE_COLUMNS)
    return table, late_frame


QUALIFIER_CODES = ("=", ">=", ">", "~")


def _arrow_table(
    columns: dict[str, np.ndarray],
    units: pd.DataFrame,
    metric_ids: Sequence[str],
    periods: Sequence[tuple[dt.date, dt.date, str]],
    backdated: np.ndarray,
) -> pa.Table:
    """The observations in the curated model's columns; repeated texts dictionary-encoded."""
    n = len(columns["value"])
    quarter = columns["quarter"]

    def coded(indices: np.ndarray, values: Sequence[str | None]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values, pa.string()))

    def optional(values: np.ndarray) -> pa.Array:
        return pa.array(values, pa.float64(), mask=np.isnan(values))

    note_index = np.where(backdated[quarter], 0, -1).astype(np.int32)
    return pa.table(
        {
            "unit_id": coded(columns["unit"], list(units["unit_id"])),
            "metric_id": coded(columns["metric"], list(metric_ids)),
            "period_start": pa.array(np.array([p[0] for p in periods], dtype="datetime64[D]")[quarter]),
            "period_end": pa.array(np.array([p[1] for p in periods], dtype="datetime64[D]")[quarter]),
            "period_label": coded(quarter, [p[2] for p in periods]),
            "value": pa.array(columns["value"], pa.float64()),
            "qualifier": coded(columns["qualifier"].astype(np.int32), list(QUALIFIER_CODES)),
            "numerator": optional(columns["numerator"]),
            "denominator": optional(columns["denominator"]),
            "value_text": pa.nulls(n, pa.string()),
            "source_id": coded(np.zeros(n, dtype=np.int32), [SOURCE_ID]),
            "source_quote": coded(np.zeros(n, dtype=np.int32), [QUOTE]),
            "note": pa.DictionaryArray.from_arrays(
                pa.array(note_index, pa.int32(), mask=note_index < 0), pa.array([BACKDATED_NOTE], pa.string())
            ),
        }
    )


def _late_rows(
    units: pd.DataFrame,
    metric_id: str,
    kind: MetricKind,
    quarters: Sequence[tuple[int, int]],
    late: np.ndarray,
    revised: np.ndarray,
    value: np.ndarray,
    numerator: np.ndarray | None,
    denominator: np.ndarray | None,
    decimals: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Template rows for the figures that arrive late, and corrections of the quarter before."""
    rows: list[dict[str, str]] = []
    for mask, note in ((late, LATE_NOTE), (revised, REVISED_NOTE)):
        for q_index, u_index in zip(*np.nonzero(mask), strict=True):
            year, quarter = quarters[q_index]
            v = float(value[q_index, u_index])
            num = den = None
            if numerator is not None and denominator is not None:
                num, den = float(numerator[q_index, u_index]), float(denominator[q_index, u_index])
                if note == REVISED_NOTE and num < den:
                    num += 1  # one more case settled than first reported
                v = round(100 * num / den, decimals)
            elif note == REVISED_NOTE:
                v = round(v * float(rng.uniform(0.9, 1.1)), decimals)
                v = min(v, 100.0) if kind is MetricKind.RATE else v
            rows.append(
                {
                    "ma_don_vi": str(units["unit_id"].iloc[u_index]),
                    "ten_don_vi": "",
                    "nam": str(year),
                    "quy": str(quarter),
                    "ma_chi_tieu": metric_id,
                    "gia_tri": _vietnamese(v, decimals),
                    "tu_so": "" if num is None else _vietnamese(num, 0),
                    "mau_so": "" if den is None else _vietnamese(den, 0),
                    "ghi_chu": note,
                }
            )
    return pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))


def _vietnamese(value: float, decimals: int) -> str:
    """A number as staff type it in Vietnamese Excel: decimal comma, no thousands separator."""
    return f"{value:.{decimals}f}".replace(".", ",")


def _write_late(rows: pd.DataFrame, folder: Path, last: tuple[int, int], per_file: int) -> list[Path]:
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
    marker = json.loads((out / CURATED / SYNTHETIC_MARKER).read_text("utf-8"))
    year, quarter = marker["plan"]["last_quarter"]
    return max(dt.date.today(), period_of(year, quarter)[1] + dt.timedelta(days=1))

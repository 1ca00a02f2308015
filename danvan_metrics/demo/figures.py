"""The synthetic figures themselves: shaped like real reporting, each labelled as not real.

Rates from numerator and denominator (a quarter with no case has no rate), rates without parts
where documents state only a percentage, counts with seasons and growth, stocks that rarely
change, bounds ("trên 650") and estimates, units that never report a metric, missing quarters,
and a latest quarter that part of the units send late (with a few revisions of the quarter before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.model import MetricKind
from danvan_metrics.ingest.periods import period_of
from danvan_metrics.ingest.table import TEMPLATE_COLUMNS

if TYPE_CHECKING:
    from danvan_metrics.demo.synth import Plan

SOURCE_ID = "synthetic_demo"
QUOTE = "DỮ LIỆU MẪU (tạo tự động) — không phải số liệu thật"
BACKDATED_NOTE = (
    "Dữ liệu mẫu: chuỗi lùi về trước 01/07/2025 cho xã, phường mới (khi đó chưa tồn tại) — chỉ để đo hiệu năng."
)
LATE_NOTE = "DỮ LIỆU MẪU — nộp muộn"
REVISED_NOTE = "DỮ LIỆU MẪU — sửa số liệu đã nộp"


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


def generate_figures(
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
    checked = np.full(n_units, plan.demo) | (units["level"].to_numpy() == "province")  # provinces: never backdated
    exists &= ~checked[None, :] | np.isnat(valid_from)[None, :] | (valid_from[None, :] <= starts[:, None])
    exists &= ~checked[None, :] | np.isnat(valid_to)[None, :] | (valid_to[None, :] >= ends[:, None])
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

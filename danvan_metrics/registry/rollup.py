"""Roll figures of communes (or districts) up to their province, inside one era of the 2025 reform.

The rules are those of `queries.aggregate`, applied across space instead of time: counts
and amounts add up; a rate is Σ numerator / Σ denominator, never a mean of percentages, and
a rate with a part missing is not rolled up (``reason`` says why). Stocks measured on the
same date add up across units too. A province missing some of its communes gets the sum of
those that reported, marked "≥" and explained in ``note``.

Nothing crosses the 1 July 2025 boundary unless asked: a pre-reform commune rolls up to its
pre-reform province. With ``across_reform=True`` a pre-reform province is carried into the
post-reform province it wholly became (an undisputed ``full`` link), and ``note`` says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from danvan_metrics.core.dates import REFORM_DAY, to_date
from danvan_metrics.core.kinds import combine_qualifiers, finish_aggregate  # same rules as over time
from danvan_metrics.core.model import MetricKind, Qualifier

BEFORE, AFTER = "before", "after"
LEVEL_DEPTH = {"province": 0, "district": 1, "commune": 2}

NOTE_PARTIAL = "Chỉ gồm {k}/{n} đơn vị có số liệu: tổng thực tế có thể lớn hơn."
NOTE_PARTIAL_RATE = "Tỷ lệ chỉ tính trên {k}/{n} đơn vị có số liệu."
NOTE_ACROSS = "Gộp qua mốc 01/07/2025: số liệu của {old} (trước sắp xếp) được cộng vào {new}."
REASON_NO_SUCCESSOR = "Không gộp qua mốc 01/07/2025: {old} không sáp nhập trọn vẹn, không tranh chấp vào một tỉnh mới."
REASON_MIXED_ERAS = "Không gộp: có cả số liệu trước và sau 01/07/2025 cho cùng một địa bàn."


@dataclass(frozen=True, slots=True)
class _Unit:
    name: str
    level: str
    parent_id: str | None
    era: str


def rollup(
    figures: pd.DataFrame,
    units: pd.DataFrame,
    kind: MetricKind,
    *,
    to_level: str = "province",
    links: pd.DataFrame | None = None,
    across_reform: bool = False,
) -> pd.DataFrame:
    """Figures of one metric and one period, summed (or pooled) into their ``to_level`` ancestors.

    Args:
        figures: one row per unit: ``unit_id``, ``value``, and as available ``qualifier``,
            ``numerator``, ``denominator``, ``period_start``, ``period_end``, ``period_label``.
            All units must be of one level, below ``to_level``.
        units: the registry (``unit_id``, ``name``, ``level``, ``parent_id``, ``valid_from``, ``valid_to``).
        kind: the metric's kind (count, amount, rate, stock).
        to_level: "province" (default) or "district" (pre-reform only: districts ended with it).
        links: the registry's successor links; needed only with ``across_reform``.
        across_reform: carry pre-reform provinces into the post-reform province they wholly became.

    Returns:
        One row per target unit: ``unit_id``, ``unit_name``, ``level``, ``era``, ``value``,
        ``qualifier``, ``numerator``, ``denominator`` (rates), ``n_figures``, ``n_expected``,
        ``complete``, ``parts`` (the unit ids summed), ``period_start``, ``period_end``,
        ``period_labels``, ``reason`` (why no value) and ``note`` (what the reader must know).

    Raises:
        ValueError: unknown units, mixed levels or periods, or no ``to_level`` ancestor.
    """
    registry = _registry(units)
    _check(figures, registry, to_level)
    rows = figures.reset_index(drop=True)
    targets = [_ancestor(registry, str(u), to_level) for u in rows["unit_id"]]
    notes: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, str] = {}
    if across_reform and to_level == "province":
        targets = _carry_over(targets, registry, links, notes, reasons)
    rows = rows.assign(target=targets)
    frame = _grouped(rows, registry)
    out = finish_aggregate(frame, kind, across_units=True)  # stocks of one date add up across units
    base = _expected(registry, _level_of(registry, rows), to_level)
    predecessors = _predecessors(links) if across_reform else {}
    part_eras = rows.groupby("target")["unit_id"].agg(lambda ids: {registry[str(u)].era for u in ids})
    expected = {
        target: base.get(target, 0)
        if eras == {registry[target].era}
        else sum(base.get(old, 0) for old in predecessors.get(target, []))
        for target, eras in part_eras.items()
    }
    out.insert(2, "level", to_level)
    out.insert(3, "era", [registry[t].era for t in out["unit_id"]])
    out["n_expected"] = [expected.get(t, 0) for t in out["unit_id"]]
    out["complete"] = out["n_figures"] == out["n_expected"]
    out["parts"] = frame["parts"].to_list()
    for i, row in out.iterrows():
        target = str(row["unit_id"])
        if target in reasons:
            out.at[i, "value"] = pd.NA
            out.at[i, "reason"] = reasons[target]
        if not row["complete"]:
            k, n = int(row["n_figures"]), int(row["n_expected"])
            if kind is MetricKind.RATE:
                notes[target].append(NOTE_PARTIAL_RATE.format(k=k, n=n))
            else:
                notes[target].append(NOTE_PARTIAL.format(k=k, n=n))
                out.at[i, "qualifier"] = combine_qualifiers([str(row["qualifier"]), Qualifier.GE.value])
    out["note"] = pd.array([" ".join(notes[str(t)]) or None for t in out["unit_id"]], dtype="str")
    order = out["era"].map({BEFORE: 0, AFTER: 1})
    return (
        out.assign(_order=order)
        .sort_values(["_order", "unit_name", "unit_id"], ignore_index=True)
        .drop(columns="_order")
    )


def _registry(units: pd.DataFrame) -> dict[str, _Unit]:
    found: dict[str, _Unit] = {}
    columns = (units[c].to_list() for c in ("unit_id", "name", "level", "parent_id", "valid_from"))
    for unit_id, name, level, parent, start in zip(*columns, strict=True):
        begins = to_date(start)
        era = AFTER if begins is not None and begins >= REFORM_DAY else BEFORE
        found[str(unit_id)] = _Unit(str(name), str(level), None if pd.isna(parent) else str(parent), era)
    return found


def _check(figures: pd.DataFrame, registry: dict[str, _Unit], to_level: str) -> None:
    unknown = sorted({str(u) for u in figures["unit_id"]} - set(registry))
    if unknown:
        raise ValueError(f"unknown units: {', '.join(unknown[:5])}")
    levels = {registry[str(u)].level for u in figures["unit_id"]}
    if len(levels) > 1:
        raise ValueError(f"figures mix levels ({', '.join(sorted(levels))}): a sum would count places twice")
    if levels and LEVEL_DEPTH[levels.pop()] <= LEVEL_DEPTH[to_level]:
        raise ValueError(f"figures must lie below the {to_level} level")
    if {"period_start", "period_end"} <= set(figures.columns):
        if len(figures[["period_start", "period_end"]].drop_duplicates()) > 1:
            raise ValueError("figures of one period only: roll up each period separately")
    if figures["unit_id"].duplicated().any():
        raise ValueError("one figure per unit")


def _ancestor(registry: dict[str, _Unit], unit_id: str, level: str) -> str:
    current: str | None = unit_id
    while current is not None and registry[current].level != level:
        current = registry[current].parent_id
        if current is not None and current not in registry:
            current = None
    if current is None:
        raise ValueError(f"{unit_id} has no {level} above it (after the reform there are no districts)")
    return current


def _level_of(registry: dict[str, _Unit], rows: pd.DataFrame) -> str:
    return registry[str(rows["unit_id"].iloc[0])].level if len(rows) else "commune"


def _successors(links: pd.DataFrame | None) -> dict[str, list[tuple[str, str, bool]]]:
    found: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    if links is not None:
        columns = (links[c].to_list() for c in ("old_id", "new_id", "kind", "disputed"))
        for old, new, kind, disputed in zip(*columns, strict=True):
            found[str(old)].append((str(new), str(kind), bool(disputed)))
    return found


def _carry_over(
    targets: list[str],
    registry: dict[str, _Unit],
    links: pd.DataFrame | None,
    notes: dict[str, list[str]],
    reasons: dict[str, str],
) -> list[str]:
    successors = _successors(links)
    carried: list[str] = []
    eras: dict[str, set[str]] = defaultdict(set)
    for target in targets:
        unit = registry[target]
        new = target
        if unit.era == BEFORE:
            options = successors.get(target, [])
            if len(options) == 1 and options[0][1] == "full" and not options[0][2]:
                new = options[0][0]
                note = NOTE_ACROSS.format(old=unit.name, new=registry[new].name)
                if note not in notes[new]:
                    notes[new].append(note)
            else:
                reasons[target] = REASON_NO_SUCCESSOR.format(old=unit.name)
        eras[new].add(unit.era)
        carried.append(new)
    for target, seen in eras.items():
        if len(seen) > 1:
            reasons[target] = REASON_MIXED_ERAS
    return carried


def _grouped(rows: pd.DataFrame, registry: dict[str, _Unit]) -> pd.DataFrame:
    """The per-target sums in the shape `kinds.finish_aggregate` reads."""

    def column(name: str, default: Any) -> pd.Series:
        return rows[name] if name in rows.columns else pd.Series([default] * len(rows), index=rows.index)

    work = pd.DataFrame(
        {
            "target": rows["target"],
            "unit": rows["unit_id"].astype("str"),
            "value": pd.to_numeric(column("value", None), errors="raise").astype("Float64"),
            "numerator": pd.to_numeric(column("numerator", None), errors="raise").astype("Float64"),
            "denominator": pd.to_numeric(column("denominator", None), errors="raise").astype("Float64"),
            "qualifier": column("qualifier", "=").fillna("=").astype("str"),
            "label": column("period_label", None),
            "start": column("period_start", None),
            "end": column("period_end", None),
        }
    )
    records = []
    for target, group in work.groupby("target", sort=True):
        records.append(
            {
                "unit_id": target,
                "unit_name": registry[str(target)].name,
                "n_figures": len(group),
                "n_numerators": int(group["numerator"].notna().sum()),
                "n_denominators": int(group["denominator"].notna().sum()),
                "numerator": group["numerator"].sum(),
                "denominator": group["denominator"].sum(),
                "value_sum": group["value"].sum(),
                "value_latest": None,
                "qualifiers": group["qualifier"].to_list(),
                "period_labels": sorted({str(v) for v in group["label"].dropna()}),
                "period_start": group["start"].iloc[0],
                "period_end": group["end"].iloc[0],
                "parts": sorted(group["unit"]),
            }
        )
    columns = ["unit_id", "unit_name", "n_figures", "n_numerators", "n_denominators", "numerator", "denominator"]
    columns += ["value_sum", "value_latest", "qualifiers", "period_labels", "period_start", "period_end", "parts"]
    return pd.DataFrame(records, columns=columns)


def _expected(registry: dict[str, _Unit], level: str, to_level: str) -> dict[str, int]:
    """How many units of ``level`` lie in each ``to_level`` unit."""
    counts: dict[str, int] = defaultdict(int)
    for unit_id, unit in registry.items():
        if unit.level == level:
            try:
                counts[_ancestor(registry, unit_id, to_level)] += 1
            except ValueError:
                continue
    return counts


def _predecessors(links: pd.DataFrame | None) -> dict[str, list[str]]:
    """New unit → the old units that wholly and undisputedly became part of it."""
    found: dict[str, list[str]] = defaultdict(list)
    for old, options in _successors(links).items():
        if len(options) == 1 and options[0][1] == "full" and not options[0][2]:
            found[options[0][0]].append(old)
    return found

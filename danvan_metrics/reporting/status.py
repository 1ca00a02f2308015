"""Who has reported what for a cycle: one status per reporting unit.

- chưa nộp: nothing sent yet (``overdue`` once the deadline has passed);
- thiếu chỉ tiêu: some of the regime's metrics sent, not all (``missing_metrics`` says which);
- đúng hạn: every metric sent by the deadline;
- muộn: every metric sent, the last after the deadline (``days_late``: calendar days after the deadline's day);
- under review (an upload a regime covers waits for a reviewer): chờ duyệt while any metric's latest
  upload waits, đã duyệt once every metric's is approved, trả lại when a reviewer returned one (with
  ``review_comment``; the unit sends a corrected file). These keep ``days_late``: "đã duyệt · muộn 2 ngày".

A unit's report is complete when its last missing metric arrives: ``submitted_at`` is that moment
(for a partial report, when its latest metric arrived). Upload times are the server's local time
(as the record keeps them); the deadline is compared in Asia/Ho_Chi_Minh time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from danvan_metrics.core.formats import format_date, is_missing
from danvan_metrics.reporting.cycles import VIETNAM, Cycle
from danvan_metrics.reporting.regimes import Regime


class Status(StrEnum):
    MISSING = "missing"
    ON_TIME = "on_time"
    LATE = "late"
    PARTIAL = "partial"
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


STATUS_LABELS = {
    Status.MISSING: "chưa nộp",
    Status.ON_TIME: "đúng hạn",
    Status.LATE: "muộn",
    Status.PARTIAL: "thiếu chỉ tiêu",
    Status.PENDING: "chờ duyệt",
    Status.APPROVED: "đã duyệt",
    Status.RETURNED: "trả lại",
}
REVIEWED = (Status.PENDING, Status.APPROVED, Status.RETURNED)
NOT_DUE_MARK = "(hạn "  # "chưa nộp (hạn 20/12/2026)": a report not yet due
FOLLOW_UP = (Status.MISSING, Status.PARTIAL, Status.LATE, Status.RETURNED)  # the units a follow-up list names
OWED = (Status.MISSING, Status.PARTIAL, Status.RETURNED)  # what an editor still has to send


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One reporting unit's status for one cycle."""

    unit_id: str
    unit_name: str
    province_id: str | None
    province_name: str | None
    cycle: str
    status: Status
    missing_metrics: tuple[str, ...]
    submitted_at: dt.datetime | None  # aware, Asia/Ho_Chi_Minh
    deadline: dt.datetime
    days_late: int
    overdue: bool  # the deadline has passed and the report is not complete
    review_comment: str | None = None  # why a reviewer returned it

    def as_json(self) -> dict[str, object]:
        """The object ``cycles status --json`` prints for this unit."""
        return {
            "unit_id": self.unit_id, "unit_name": self.unit_name, "province_id": self.province_id,
            "cycle": self.cycle, "status": str(self.status), "status_label": label(self),
            "missing_metrics": list(self.missing_metrics),
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "deadline": self.deadline.isoformat(), "days_late": self.days_late, "overdue": self.overdue,
            "review_comment": self.review_comment,
        }  # fmt: skip


def label(status: UnitStatus) -> str:
    """ "muộn 3 ngày", "chưa nộp (quá hạn 5 ngày)", "thiếu chỉ tiêu (2/3)" — what a person reads."""
    text = STATUS_LABELS[status.status]
    if status.status in REVIEWED:
        late = f" · muộn {status.days_late} ngày" if status.days_late and status.submitted_at else ""
        return text + late
    if status.status is Status.LATE:
        return f"{text} {status.days_late} ngày"
    if status.overdue and status.days_late:
        return f"{text} (quá hạn {status.days_late} ngày)"
    if status.status in (Status.MISSING, Status.PARTIAL):  # not due yet
        return f"{text} {NOT_DUE_MARK}{format_date(status.deadline)})"
    return text


def _local_to_vietnam(moment: dt.datetime) -> dt.datetime:
    """An upload time as the record keeps it (the server's local time, naive) in Asia/Ho_Chi_Minh."""
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(VIETNAM)


def _days_after(moment: dt.datetime, deadline: dt.datetime) -> int:
    """Calendar days from the deadline's day to ``moment``'s, in Vietnam: sent on the 22nd for the 20th is 2."""
    return max(0, (moment.astimezone(VIETNAM).date() - deadline.astimezone(VIETNAM).date()).days)


def statuses(
    regime: Regime, cycle: Cycle, units: pd.DataFrame, sent: pd.DataFrame, now: dt.datetime
) -> list[UnitStatus]:
    """Every reporting unit's status for ``cycle``.

    Args:
        regime: the regime (its metrics).
        cycle: the cycle.
        units: `reporting_queries.reporting_units` (unit_id, unit_name, province_id, province_name).
        sent: `reporting_queries.submissions` for these units and the cycle (unit_id, metric_id, first_at,
            and, when present, review and review_comment: those of the latest upload of the metric).
        now: the moment to judge "overdue" at (aware).
    """
    firsts: dict[str, dict[str, dt.datetime]] = {}
    reviews: dict[str, dict[str, tuple[str, str]]] = {}
    has_review = "review" in sent.columns
    for item in sent.itertuples(index=False):
        unit, metric = str(item.unit_id), str(item.metric_id)
        firsts.setdefault(unit, {})[metric] = _local_to_vietnam(pd.Timestamp(item.first_at).to_pydatetime())
        if has_review:
            reviews.setdefault(unit, {})[metric] = (_text(item.review) or "", _text(item.review_comment) or "")
    found: list[UnitStatus] = []
    for row in units.itertuples(index=False):
        got = firsts.get(str(row.unit_id), {})
        missing = tuple(m for m in regime.metrics if m not in got)
        submitted = max(got.values()) if got else None
        status = _status(got, missing, reviews.get(str(row.unit_id), {}), submitted, cycle)
        comment = next((c for r, c in reviews.get(str(row.unit_id), {}).values() if r == "returned" and c), None)
        overdue = (bool(missing) or status is Status.RETURNED) and now > cycle.deadline
        late = _days_after(submitted, cycle.deadline) if submitted and not missing else 0
        days = late if status is Status.LATE or (status in REVIEWED and late) else (
            _days_after(now, cycle.deadline) if overdue else 0)  # fmt: skip
        found.append(
            UnitStatus(
                str(row.unit_id),
                str(row.unit_name),
                _text(row.province_id),
                _text(row.province_name),
                cycle.key,
                status,
                missing,
                submitted,
                cycle.deadline,
                days,
                overdue,
                comment if status is Status.RETURNED else None,
            )  # fmt: skip
        )
    return found


def _status(
    got: dict[str, dt.datetime],
    missing: tuple[str, ...],
    reviews: dict[str, tuple[str, str]],
    submitted: dt.datetime | None,
    cycle: Cycle,
) -> Status:
    """One unit's status from what it sent (``got``: first time per metric) and each metric's latest review."""
    states = {state for state, _ in reviews.values()}
    if not got:
        return Status.MISSING
    if "returned" in states:
        return Status.RETURNED
    if missing:
        return Status.PARTIAL
    if "pending" in states:
        return Status.PENDING
    if states == {"approved"}:
        return Status.APPROVED
    return Status.LATE if submitted is not None and submitted > cycle.deadline else Status.ON_TIME


def _text(value: object) -> str | None:
    return None if is_missing(value) else str(value)


def counts(found: list[UnitStatus]) -> dict[Status, int]:
    """How many units have each status (every status present, zero where none)."""
    tally = dict.fromkeys(Status, 0)
    for item in found:
        tally[item.status] += 1
    return tally

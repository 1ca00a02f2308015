"""A half-yearly regime (báo cáo 6 tháng): its cycles and Decree 09 cut-off, a file that says
"6 tháng đầu năm", the template pre-filled with it, and what a wrong half-year cell is told."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from danvan_metrics.export.template import template_xlsx
from danvan_metrics.ingest.periods import previous_period
from danvan_metrics.reporting import book
from danvan_metrics.reporting.cycles import cycles, find_cycle
from danvan_metrics.reporting.regimes import Frequency, Regime, RegimeError, parse_regime
from danvan_metrics.reporting.status import Status
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from danvan_metrics.ui import reporting as ui_reporting
from tests.fixtures import commit_as

WARD, METRIC = "post-c00004", "citizen_receptions"  # Phường Ba Đình
HALF = Regime(
    regime_id="sau-thang", name="Báo cáo 6 tháng thử", legal_basis="Quyết định thử",
    legal_basis_date=dt.date(2025, 7, 1), metrics=(METRIC,), frequency=Frequency.HALF_YEARLY,
    first_period="2025-H2", deadline_days=6, units=(WARD,),
)  # fmt: skip


def test_half_year_cycles_follow_decree_09_from_the_15th_of_the_month_before() -> None:
    first = find_cycle(HALF, "2026-H1")
    assert first.label == "6 tháng đầu năm 2026"
    assert (first.data_start, first.data_end) == (dt.date(2025, 12, 15), dt.date(2026, 6, 14))
    assert first.deadline.date() == dt.date(2026, 6, 20)
    assert first.data_label == "số liệu 15/12/2025–14/06/2026"
    assert [c.key for c in cycles(HALF, dt.date(2026, 12, 6))] == ["2026-H2", "2026-H1", "2025-H2"]
    with pytest.raises(ValueError):
        find_cycle(HALF, "2026-Q1")  # not a period of a half-yearly regime
    assert previous_period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))


def test_a_regime_file_names_half_yearly_and_a_wrong_first_period_gets_an_example() -> None:
    data = json.loads(HALF.to_json())
    assert parse_regime(json.dumps(data), "che-do.json", None, None).frequency is Frequency.HALF_YEARLY
    with pytest.raises(RegimeError, match="“first_period” “2026-Q1” không phải một kỳ 6 tháng, ví dụ 2026-H1"):
        parse_regime(json.dumps({**data, "first_period": "2026-Q1"}), "che-do.json", None, None)


def test_a_file_saying_6_thang_dau_nam_is_stored_over_the_cut_off_and_waits_for_review(real_store: Store) -> None:
    writes.define_regime(real_store, writes.Operator("root"), HALF)
    data = f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n{WARD},2026,6 tháng đầu năm,{METRIC},812\n".encode()
    preview = uploads.prepare(real_store, data, "sau-thang.csv", resolver_for(real_store))
    assert preview.ok, preview.errors
    [row] = preview.validation.rows
    assert row.period_label == "6 tháng đầu năm 2026 (số liệu 15/12/2025–14/06/2026)"
    assert (row.period_start, row.period_end) == (dt.date(2025, 12, 15), dt.date(2026, 6, 14))
    commit_as(real_store, preview, data, "xa.ba.dinh")
    [status] = book.cycle_status(real_store, HALF, find_cycle(HALF, "2026-H1"))
    assert status.status is Status.PENDING and status.days_late > 0  # sent in December for a June deadline
    assert not queries.review_uploads(real_store).empty


def test_the_prefilled_template_says_which_half_and_a_wrong_cell_is_named(real_store: Store) -> None:
    writes.define_regime(real_store, writes.Operator("root"), HALF)
    owed = [d for d in book.due_for(real_store, {WARD}) if d.cycle.key == "2026-H1"]
    assert [d.status.status for d in owed] == [Status.MISSING]
    workbook = template_xlsx(queries.units(real_store), queries.metrics(real_store),
                             prefill=ui_reporting.prefill_rows(owed))  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Số liệu"]
    [filled] = [[c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert str(filled[0]).startswith(WARD) and (filled[2], filled[3]) == (2026, "6 tháng đầu năm")
    assert any("6 tháng đầu năm" in str(v.formula1) for v in sheet.data_validations.dataValidation)  # in the list
    bad = f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n{WARD},2026,nửa năm,{METRIC},812\n".encode()
    preview = uploads.prepare(real_store, bad, "sai.csv", resolver_for(real_store))
    [issue] = preview.errors
    assert issue.row == 2 and issue.column == "quy" and "“6 tháng đầu năm” hoặc “6 tháng cuối năm”" in issue.message

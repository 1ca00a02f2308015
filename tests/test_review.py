"""Review before a figure counts (#17): uploads under a regime wait, reviewers approve or return them
within their units, and only approved figures are current; the waiting ones are shown only when asked, marked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from danvan_metrics.auth import accounts
from danvan_metrics.cli.main import main as cli_main
from danvan_metrics.core.model import Period
from danvan_metrics.reporting import book
from danvan_metrics.reporting.cycles import find_cycle
from danvan_metrics.reporting.regimes import Frequency, Regime
from danvan_metrics.reporting.status import Status, label
from danvan_metrics.services import review, uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import TEST_PASSWORD

WARDS = ("post-c00004", "post-c00008")  # Ba Đình, Ngọc Hà (Hà Nội, after the reform)
METRIC = "citizen_receptions"
Q3 = Period(dt.date(2025, 6, 15), dt.date(2025, 9, 14))  # Quý 3/2025 under Decree 09's cut-off


def _regime(**changes: object) -> Regime:
    base: dict[str, object] = {
        "regime_id": "thu", "name": "Báo cáo thử", "legal_basis": "Quyết định thử",
        "legal_basis_date": dt.date(2025, 7, 1), "metrics": (METRIC,), "frequency": Frequency.QUARTERLY,
        "first_period": "2025-Q3", "deadline_days": 6, "units": WARDS,
    }  # fmt: skip
    return Regime(**{**base, **changes})  # type: ignore[arg-type]


def _commit(store: Store, editor: str, value: int, unit: str = WARDS[0], name: str = "bao-cao.csv") -> str:
    data = f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n{unit},2025,3,{METRIC},{value}\n".encode()
    preview = uploads.prepare(store, data, name, resolver_for(store))
    assert preview.ok, preview.errors
    return writes.commit_upload(store, editor, preview, data, channel=writes.CHANNEL_CLI)


def _shown(store: Store, *, pending: bool = False) -> dict[str, tuple[float, bool]]:
    frame = queries.compare(store, METRIC, WARDS, Q3, pending=pending)
    return {str(r.unit_id): (float(r.value), bool(r.pending)) for r in frame.itertuples()}


def _people(store: Store) -> None:
    accounts.add("xa", TEST_PASSWORD, "editor", list(WARDS), home=store.home)
    accounts.add("tinh", TEST_PASSWORD, "reviewer", ["post-p01"], home=store.home)  # Hà Nội: its wards
    accounts.add("tinh.khac", TEST_PASSWORD, "reviewer", ["post-p02"], home=store.home)
    writes.define_regime(store, writes.Operator("root"), _regime())


@pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL
def test_returned_then_corrected_then_approved_and_only_then_on_the_chart(real_store: Store) -> None:
    _people(real_store)
    first = _commit(real_store, "xa", 120)
    assert _shown(real_store) == {}  # waiting: not on the chart
    assert _shown(real_store, pending=True) == {WARDS[0]: (120.0, True)}  # unless asked, and marked
    cycle = find_cycle(_regime(), "2025-Q3")
    status = {s.unit_id: s for s in book.cycle_status(real_store, _regime(), cycle)}[WARDS[0]]
    assert status.status is Status.PENDING

    with pytest.raises(writes.WriteRefused, match="ghi rõ lý do"):
        review.review_upload(real_store, "tinh", first, approve=False, comment="  ", channel="thử")
    review.review_upload(real_store, "tinh", first, approve=False, comment="Số tiếp dân lệch sổ", channel="thử")
    returned = {s.unit_id: s for s in book.cycle_status(real_store, _regime(), cycle)}[WARDS[0]]
    assert returned.status is Status.RETURNED and returned.review_comment == "Số tiếp dân lệch sổ"
    assert any(d.status.status is Status.RETURNED for d in book.due_for(real_store, set(WARDS)))  # owed again
    assert _shown(real_store, pending=True) == {}  # a returned figure is shown nowhere

    second = _commit(real_store, "xa", 112, name="bao-cao-sua.csv")
    assert {s.unit_id: s for s in book.cycle_status(real_store, _regime(), cycle)}[WARDS[0]].status is Status.PENDING
    review.review_upload(real_store, "tinh", second, approve=True, channel="thử")
    approved = {s.unit_id: s for s in book.cycle_status(real_store, _regime(), cycle)}[WARDS[0]]
    assert approved.status is Status.APPROVED and label(approved).startswith("đã duyệt · muộn ")
    assert _shown(real_store) == {WARDS[0]: (112.0, False)}
    trail = queries.audit_log(real_store)
    assert list(trail[trail["action"].isin(["approve", "return"])]["action"]) == ["approve", "return"]
    assert trail["detail"].str.contains("Số tiếp dân lệch sổ").any()
    with pytest.raises(uploads.UploadError, match="không chờ duyệt"):
        review.review_upload(real_store, "tinh", second, approve=True, channel="thử")


def test_a_correction_waits_while_the_approved_figure_stays_in_force(real_store: Store) -> None:
    _people(real_store)
    review.review_upload(real_store, "tinh", _commit(real_store, "xa", 120), approve=True, channel="thử")
    correction = _commit(real_store, "xa", 95, name="dinh-chinh.csv")
    assert _shown(real_store) == {WARDS[0]: (120.0, False)}  # the approved one, not the correction
    assert _shown(real_store, pending=True) == {WARDS[0]: (95.0, True)}
    figures = queries.review_figures(real_store, correction)
    assert float(figures.loc[0, "current_value"]) == 120.0  # the reviewer sees what it would replace
    review.review_upload(real_store, "tinh", correction, approve=True, channel="thử")
    assert _shown(real_store) == {WARDS[0]: (95.0, False)}


def test_nobody_reviews_outside_their_units_their_own_upload_or_without_the_role(real_store: Store) -> None:
    _people(real_store)
    accounts.add("quan.tri", TEST_PASSWORD, "admin", home=real_store.home)
    upload = _commit(real_store, "xa", 120)
    for actor, message in (
        ("tinh.khac", "không được duyệt số liệu của post-c00004"),
        ("xa", "Chỉ người duyệt"),
        (writes.Operator("root"), "không làm từ máy chủ"),
    ):
        with pytest.raises(writes.WriteRefused, match=message):
            review.review_upload(real_store, actor, upload, approve=True, channel="thử")
    own = _commit(real_store, "quan.tri", 130, unit=WARDS[1])
    with pytest.raises(writes.WriteRefused, match="tự duyệt"):
        review.review_upload(real_store, "quan.tri", own, approve=True, channel="thử")
    assert _shown(real_store) == {}  # nothing refused changed anything
    assert set(queries.review_uploads(real_store)["upload_id"]) == {upload, own}


def test_a_regime_that_names_its_reviewers_is_reviewed_by_them_only(real_store: Store) -> None:
    _people(real_store)
    accounts.add("tinh.hai", TEST_PASSWORD, "reviewer", ["post-p01"], home=real_store.home)
    writes.define_regime(real_store, writes.Operator("root"), _regime(reviewers=("tinh.hai",)))
    upload = _commit(real_store, "xa", 120)
    with pytest.raises(writes.WriteRefused, match="chỉ do tinh.hai duyệt"):
        review.review_upload(real_store, "tinh", upload, approve=True, channel="thử")
    review.review_upload(real_store, "tinh.hai", upload, approve=True, channel="thử")
    assert _shown(real_store) == {WARDS[0]: (120.0, False)}


def test_an_upload_no_regime_covers_counts_at_once(real_store: Store) -> None:
    _people(real_store)
    accounts.add("khac", TEST_PASSWORD, "editor", home=real_store.home)
    data = f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\npost-c00025,2025,3,{METRIC},40\n".encode()  # not a reporting unit
    preview = uploads.prepare(real_store, data, "ngoai.csv", resolver_for(real_store))
    upload = writes.commit_upload(real_store, "khac", preview, data, channel=writes.CHANNEL_CLI)
    calendar_q3 = Period(dt.date(2025, 7, 1), dt.date(2025, 9, 30))  # not a reporting unit: the calendar quarter
    assert queries.compare(real_store, METRIC, ["post-c00025"], calendar_q3)["value"].tolist() == [40.0]
    assert upload not in set(queries.review_uploads(real_store)["upload_id"])


def test_the_command_line_lists_the_queue_and_approves_or_returns(
    real_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    _people(real_store)
    upload = _commit(real_store, "xa", 120)
    home = ["--home", str(real_store.home)]
    assert cli_main([*home, "review", "list"]) == 0
    assert upload in capsys.readouterr().out
    assert cli_main([*home, "review", "return", upload, "--by", "tinh"]) == 1
    assert "ghi rõ lý do" in capsys.readouterr().err
    assert cli_main([*home, "review", "return", upload, "--by", "tinh", "--comment", "Thiếu số liệu"]) == 0
    assert "Đã trả lại" in capsys.readouterr().out
    assert cli_main([*home, "cycles", "status", "--regime", "thu", "--cycle", "2025-Q3", "--json"]) == 0
    printed = {p["unit_id"]: p for p in json.loads(capsys.readouterr().out)}
    assert printed[WARDS[0]]["status"] == "returned" and printed[WARDS[0]]["review_comment"] == "Thiếu số liệu"


def test_a_waiting_figure_is_marked_chua_duyet_in_the_chart_table_file_and_slide(real_store: Store) -> None:
    from danvan_metrics.export import slides
    from danvan_metrics.export.tables import export_frame
    from danvan_metrics.figures.charts import build_compare_figure, build_trend_figure
    from danvan_metrics.ui.tables import compare_table

    _people(real_store)
    review.review_upload(real_store, "tinh", _commit(real_store, "xa", 120, unit=WARDS[1]), approve=True, channel="t")
    _commit(real_store, "xa", 95)  # Ba Đình's figure waits
    metric = queries.metric(real_store, METRIC)
    frame = queries.compare(real_store, METRIC, WARDS, Q3, pending=True)
    bar = build_compare_figure(frame, metric).data[0]
    waiting = [bool(p) for p in frame.sort_values("value", ascending=False)["pending"]]
    assert [s == "+" for s in bar.marker.pattern.shape] == waiting  # its own fill …
    assert [o < 1 for o in bar.marker.opacity] == waiting  # … faded …
    figure = build_compare_figure(frame, metric)
    assert any("chưa duyệt" in str(a.text) for a in figure.layout.annotations)  # … and named in the figure
    assert [bool(p) for p in frame["pending"]].count(True) == 1
    assert "chưa duyệt" in compare_table(frame, metric, None)["Tình trạng duyệt"].tolist()
    assert export_frame(frame)["Tình trạng duyệt"].tolist().count("chưa duyệt") == 1
    trend = build_trend_figure(queries.trend(real_store, METRIC, WARDS, pending=True), metric)
    assert any(t.name == "Số liệu chưa duyệt" for t in trend.data)  # a legend entry
    slide = slides.compare_slide(real_store, METRIC, list(WARDS), Q3, pending=True)
    assert slide.title.endswith("(có số liệu chưa duyệt)")
    approved_only = queries.compare(real_store, METRIC, WARDS, Q3)
    assert not approved_only["pending"].any() and "Tình trạng duyệt" not in export_frame(approved_only)


def test_a_reviewer_is_reminded_of_what_waits_and_an_editor_of_what_was_returned(real_store: Store) -> None:
    from danvan_metrics.services import reminders

    _people(real_store)
    accounts.add("duyet.thu", TEST_PASSWORD, "reviewer", ["post-p01"], home=real_store.home, email="dt@example.vn")
    upload = _commit(real_store, "xa", 120)
    found = {r.account: r for r in reminders.reminders(real_store)}
    assert "tinh.khac" not in found  # nothing of theirs waits
    mail = reminders.compose(found["duyet.thu"], "danvan@example.vn")
    assert mail["Subject"] == "[danvan] 1 tệp số liệu chờ bạn duyệt"
    assert "bao-cao.csv (xa, " in mail.get_content() and "Phường Ba Đình" in mail.get_content()
    review.review_upload(real_store, "tinh", upload, approve=False, comment="Sai kỳ báo cáo", channel="t")
    found = {r.account: r for r in reminders.reminders(real_store)}
    assert "duyet.thu" not in found  # nothing waits now
    assert "lý do trả lại: Sai kỳ báo cáo" in reminders.compose(found["xa"], "danvan@example.vn").get_content()


def test_a_quarter_under_a_decree_09_regime_is_stored_over_its_cut_off_and_labelled_so(real_store: Store) -> None:
    _people(real_store)
    data = f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n{WARDS[0]},2025,3,{METRIC},120\n".encode()
    preview = uploads.prepare(real_store, data, "q3.csv", resolver_for(real_store))
    assert preview.regime is not None and preview.regime.regime_id == "thu"  # the preview knows it will wait
    [row] = preview.validation.rows
    assert (row.period_start, row.period_end) == (Q3.start, Q3.end)
    assert row.period_label == "Quý 3/2025 (số liệu 15/06/2025–14/09/2025)"
    writes.define_regime(real_store, writes.Operator("root"), _regime(regime_id="lich", cutoff="calendar",
                                                                    metrics=("complaints_resolved_rate",)))  # fmt: skip
    other = b"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\npost-c00004,2025,3,complaints_resolved_rate,90\n"
    [calendar] = uploads.prepare(real_store, other, "q3b.csv", resolver_for(real_store)).validation.rows
    assert (calendar.period_start, calendar.period_end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))


def test_the_reviewer_reads_figures_in_vietnamese_format_and_a_qualifier_as_written() -> None:
    import pandas as pd

    from danvan_metrics.reporting import review_views

    base = {"unit_name": "Phường A", "metric_name": "Lượt tiếp công dân", "period_label": "Quý 3/2026",
            "unit_of_measure": "lượt", "decimals": 0, "current_value": None, "previous_value": 1200.0,
            "previous_period": "Quý 2/2026", "peer_median": None, "n_peers": 0}  # fmt: skip
    figures = pd.DataFrame([{**base, "value": 4567.0, "value_text": "4567"},
                            {**base, "value": 40.0, "value_text": "khoảng 40"},
                            {**base, "value": 650.0, "value_text": "> 650", "qualifier": ">"}])  # fmt: skip
    table = review_views.figures_table(figures)
    assert list(table["Số liệu gửi"]) == ["4.567 lượt", "khoảng 40 (40 lượt)", "> 650 lượt"]
    assert list(table["Kỳ trước"]) == ["1.200 lượt (Quý 2/2026)"] * 3
    assert table["Cần xem lại"].iloc[0] == "tăng 281% so với kỳ trước"

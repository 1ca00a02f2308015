"""Tình hình nộp báo cáo under AppTest: who has reported for a cycle, filtered from the URL, and the regime loader."""

from __future__ import annotations

from pathlib import Path

from danvan_metrics.auth import accounts
from danvan_metrics.reporting import book
from danvan_metrics.services import uploads, writes
from danvan_metrics.store.connection import open_store
from danvan_metrics.store.resolving import resolver_for
from tests.apptest_helpers import open_app, page_text, signed_in, table_text
from tests.fixtures import TEST_PASSWORD, commit_as

PAGE = "pages/reporting_status.py"
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "che-do-bao-cao-MAU.json"


def _sample_quarter() -> None:
    """The sample regime, and Ba Đình's full report and Ngọc Hà's half of one for Quý 3/2025 (sent today: late)."""
    store = open_store()
    writes.define_regime(store, writes.Operator("root"), book.read_regime_file(store, SAMPLE.read_bytes(), SAMPLE.name))
    data = (b"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"
            b"post-c00004,2025,3,complaints_resolved_rate,90\npost-c00004,2025,3,citizen_receptions,45\n"
            b"post-c00008,2025,3,citizen_receptions,38\n")  # fmt: skip
    preview = uploads.prepare(store, data, "quy-3.csv", resolver_for(store))
    assert preview.ok, preview.errors
    commit_as(store, preview, data)


def _metric(at: object, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)  # type: ignore[attr-defined]


def test_without_a_regime_the_page_says_how_to_add_one_and_a_visitor_sees_no_loader() -> None:
    at = open_app(PAGE)
    assert not at.exception
    assert "Chưa có chế độ báo cáo nào" in page_text(at)
    assert not [e for e in at.expander if "Thêm hoặc sửa" in e.label]


def test_a_cycle_shows_who_reported_late_in_part_or_not_at_all_with_the_follow_up_list() -> None:
    _sample_quarter()
    at = open_app(PAGE, ky="2025-Q3")
    assert not at.exception and not at.error
    text = page_text(at)
    assert "MẪU" in text and "Quý 3/2025" in text and "hạn nộp 20/09/2025 23:59" in text
    assert "số liệu 15/06/2025–14/09/2025" in text  # the Decree 09 cut-off, not the calendar quarter
    assert _metric(at, "Đơn vị phải báo cáo") == "3"
    # Ba Đình's complete report waits for the reviewer (the sample regime is reviewed), late by its days
    assert (_metric(at, "Chờ duyệt"), _metric(at, "Thiếu chỉ tiêu"), _metric(at, "Chưa nộp")) == ("1", "1", "1")
    tables = table_text(at)
    assert "Phường Ba Đình" in tables and "chờ duyệt · muộn " in tables
    assert "Tỷ lệ giải quyết đơn khiếu nại" in tables  # Ngọc Hà's missing metric, by name
    assert [b.proto.label for b in at.get("download_button")] == ["⬇ Tải CSV (Excel)", "⬇ Tải XLSX"]  # the chase list


def test_the_status_filter_and_cycle_come_from_the_link() -> None:
    _sample_quarter()
    at = open_app(PAGE, ky="2025-Q3", trang_thai="missing")
    assert at.multiselect(key="reporting_status").value == ["missing"]
    rows = at.dataframe[0].value
    assert list(rows["Đơn vị"]) == ["Phường Giảng Võ"]
    assert at.selectbox(key="reporting_cycle").value == "2025-Q3"


def test_an_admin_sees_the_regime_loader_an_editor_does_not() -> None:
    _sample_quarter()
    home = open_store().home
    accounts.add("quan.tri", TEST_PASSWORD, "admin", home=home)
    accounts.add("bien.tap", TEST_PASSWORD, "editor", home=home)
    admin = signed_in(PAGE, "quan.tri")
    assert [e for e in admin.expander if "Thêm hoặc sửa chế độ báo cáo" in e.label]
    editor = signed_in(PAGE, "bien.tap")
    assert not [e for e in editor.expander if "Thêm hoặc sửa" in e.label]


def test_an_editor_sees_what_their_units_owe_and_a_prefilled_template_that_uploads_once_filled() -> None:
    import io

    import openpyxl

    from danvan_metrics.export.template import template_xlsx
    from danvan_metrics.reporting.status import Status
    from danvan_metrics.store import queries
    from danvan_metrics.ui import reporting as ui_reporting

    _sample_quarter()
    store = open_store()
    accounts.add("giang.vo", TEST_PASSWORD, "editor", ("post-c00025", "post-c00008"), home=store.home)
    at = signed_in("pages/upload.py", "giang.vo")
    assert not at.exception
    assert "Báo cáo của đơn vị tôi" in page_text(at) and "báo cáo đã quá hạn mà chưa nộp đủ" in page_text(at)
    owed = at.dataframe[0].value
    assert set(owed["Đơn vị"]) == {"Phường Giảng Võ", "Phường Ngọc Hà"}  # only this editor's wards
    q3 = owed[owed["Kỳ"] == "Quý 3/2025"]
    assert "Tỷ lệ giải quyết đơn khiếu nại" in set(q3["Chỉ tiêu còn thiếu"])  # Ngọc Hà's half-sent report
    assert any("điền sẵn" in str(b.proto.label) for b in at.get("download_button"))

    owed_q3 = [d for d in book.due_for(store, {"post-c00025", "post-c00008"}) if d.cycle.key == "2025-Q3"]
    workbook = template_xlsx(queries.units(store), queries.metrics(store), prefill=ui_reporting.prefill_rows(owed_q3))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Số liệu"]
    filled = [[c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert len(filled) == 3  # Giảng Võ's two metrics and Ngọc Hà's one
    for index, _ in enumerate(filled, start=2):
        sheet.cell(row=index, column=6, value=50)  # the editor types the figures in
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    preview = uploads.prepare(store, buffer.getvalue(), "mau-dien-san.xlsx", resolver_for(store))
    assert preview.ok, preview.errors
    commit_as(store, preview, buffer.getvalue(), "giang.vo")
    regime = book.regime(store, "mau-dan-van-quy")
    assert regime is not None
    done = book.cycle_status(store, regime, book.pick_cycle(regime, "2025-Q3"))
    # every ward complete now, all after the deadline, all waiting for the reviewer
    assert {s.status for s in done} == {Status.PENDING} and all(s.days_late > 0 for s in done)


def test_an_editor_whose_ward_is_overdue_is_told_on_every_page() -> None:
    _sample_quarter()
    accounts.add("giang.vo", TEST_PASSWORD, "editor", ("post-c00025",), home=open_store().home)
    at = signed_in("pages/compare.py", "giang.vo")
    assert any("báo cáo của đơn vị bạn quá hạn" in str(w.value) for w in at.sidebar.warning)
    visitor = open_app("pages/compare.py")
    assert not [w for w in visitor.sidebar.warning if "báo cáo của đơn vị bạn" in str(w.value)]


def test_an_admin_defines_a_regime_on_the_page_and_a_wrong_field_is_named_first() -> None:
    import datetime as dt

    accounts.add("quan.tri", TEST_PASSWORD, "admin", home=open_store().home)
    at = signed_in(PAGE, "quan.tri")
    at.text_input(key="rf_id").input("Sai Mã")  # capitals and a space: refused, with the field named
    at.text_input(key="rf_name").input("Báo cáo quý dân vận của tỉnh")
    at.text_input(key="rf_basis").input("Quyết định số 12/QĐ-UBND")
    at.date_input(key="rf_basis_date").set_value(dt.date(2026, 1, 15))
    at.text_input(key="rf_first").input("2026-Q1")
    at.multiselect(key="rf_metrics").set_value(["complaints_resolved_rate", "citizen_receptions"])
    at.selectbox(key="rf_province").set_value("post-p12")  # today's Lai Châu, not the province before 7/2025
    next(b for b in at.button if b.label == "Kiểm tra chế độ báo cáo").click().run()
    shown = [str(e.value).replace("\\", "").replace("\u2060", "") for e in at.error]  # as the Markdown reads
    assert any("“regime_id” chỉ gồm chữ thường không dấu" in text for text in shown), shown
    assert book.regimes(open_store()) == []
    assert at.selectbox(key="rf_province").value == "post-p12", at.selectbox(key="rf_province").value
    at.text_input(key="rf_id").input("dan-van-quy-lai-chau")
    next(b for b in at.button if b.label == "Kiểm tra chế độ báo cáo").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Báo cáo quý dân vận của tỉnh" in str(i.value) for i in at.info)
    at.button(key="regime_commit_form").click().run()
    assert not at.exception
    assert any("Đã thêm chế độ báo cáo “Báo cáo quý dân vận của tỉnh”" in str(s.value) for s in at.success)
    [kept] = book.regimes(open_store())
    assert kept.regime.province == "post-p12" and kept.defined_by == "quan.tri"
    assert _metric(at, "Đơn vị phải báo cáo") == "38"  # Lai Châu's communes and wards after the reform


def test_a_regimes_own_text_is_shown_literally_never_as_markdown_links_or_colours() -> None:
    import datetime as dt

    from danvan_metrics.ui.text import md_text

    name = "Báo cáo [thử](http://example.com) :red[đỏ] **đậm**"
    accounts.add("quan.tri", TEST_PASSWORD, "admin", home=open_store().home)
    at = signed_in(PAGE, "quan.tri")
    at.text_input(key="rf_id").input("thu-markdown")
    at.text_input(key="rf_name").input(name)
    at.text_input(key="rf_basis").input("Quyết định [giả](www.example.com)")
    at.date_input(key="rf_basis_date").set_value(dt.date(2026, 1, 15))
    at.text_input(key="rf_first").input("2026-Q1")
    at.multiselect(key="rf_metrics").set_value(["citizen_receptions"])
    at.multiselect(key="rf_units").set_value(["post-c00004"])
    next(b for b in at.button if b.label == "Kiểm tra chế độ báo cáo").click().run()
    assert any(md_text(name) in str(i.value) for i in at.info), [i.value for i in at.info]
    at.button(key="regime_commit_form").click().run()
    assert any(md_text(name) in str(s.value) for s in at.success)
    assert any(md_text("Quyết định [giả](www.example.com)") in str(c.value) for c in at.caption)


def test_status_cells_are_tinted_by_status_and_a_national_grid_stays_plain() -> None:
    import pandas as pd

    from danvan_metrics.ui import reporting as ui_reporting

    cells = ["chưa nộp (quá hạn 3 ngày)", "đúng hạn", "chưa nộp (hạn 20/12/2026)"]
    frame = pd.DataFrame({"Đơn vị": ["A", "B", "C"], "Quý 1/2026": cells})
    html = ui_reporting.tinted(frame, ["Quý 1/2026"]).to_html()  # type: ignore[union-attr]
    assert "background-color: #f9d9c8" in html and "background-color: #d5ecdf" in html
    assert html.count("#f9d9c8") == 1  # a report not yet due is not flagged as missing
    big = pd.DataFrame({"Đơn vị": ["A"] * 6000, **{f"Quý {q}/2026": ["đúng hạn"] * 6000 for q in range(1, 5)}})
    assert ui_reporting.tinted(big, [f"Quý {q}/2026" for q in range(1, 5)]) is big  # 24,000 cells: not styled

"""Review in a real browser (#17): a ward's report waits, its province's reviewer returns it with a reason,
the ward sends a corrected file, the reviewer approves it, and only then does a leader's chart show it.

Three people, three browser contexts (cookies apart), on the session's shared app: the ward, regime and
accounts here (Phường Tây Hồ, "thu-duyet-tay-ho") are used by no other browser test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import PASSWORD, choose, off_machine, screenshot, sign_in, wait_for_app
from tests.browser.test_actions_browser import download

pytestmark = pytest.mark.browser

WARD = "post-c00103"  # Phường Tây Hồ (Hà Nội)
REGIME_ID = "thu-duyet-tay-ho"
EDITOR, REVIEWER, LEADER = "xa.tay.ho", "duyet.ha.noi", "lanh.dao.ha.noi"
METRIC = "citizen_receptions"
REASON = "Số lượt tiếp dân quý 3 lệch sổ tiếp công dân: đề nghị kiểm tra lại"
FIRST, FIXED = ("tay-ho-quy-3.csv", 4321), ("tay-ho-quy-3-da-sua.csv", 4567)
COMPARE = f"so-sanh?chi_tieu={METRIC}&nhom=custom&don_vi={WARD}&ky=2026-06-15..2026-09-14"


def _people_and_regime(home: Path) -> None:
    """The regime over Tây Hồ's receptions, its editor, Hà Nội's reviewer and a leader (each created once)."""
    from danvan_metrics.auth import accounts
    from danvan_metrics.reporting import book
    from danvan_metrics.reporting.regimes import Frequency, Regime
    from danvan_metrics.services import writes
    from danvan_metrics.store.connection import Store

    store = Store(home)
    if book.regime(store, REGIME_ID) is None:
        regime = Regime(
            regime_id=REGIME_ID, name="Thử duyệt: báo cáo quý của Phường Tây Hồ", legal_basis="Quyết định thử",
            legal_basis_date=dt.date(2026, 6, 1), metrics=(METRIC,), frequency=Frequency.QUARTERLY,
            first_period="2026-Q3", deadline_days=6, units=(WARD,),
        )  # fmt: skip
        writes.define_regime(store, writes.Operator("kiem-thu"), regime)
    for name, role, units in ((EDITOR, "editor", (WARD,)), (REVIEWER, "reviewer", ("post-p01",)),
                              (LEADER, "viewer", ())):  # fmt: skip
        if accounts.get(name, home=home) is None:
            accounts.add(name, PASSWORD, role, units, home=home)


@contextmanager
def _person(browser: Browser, app_url: str, name: str) -> Iterator[Page]:
    """A tab of its own (its own cookies) signed in as ``name``; fails if it asks another host for anything."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
    outside: list[str] = []
    context.on("request", lambda request: outside.append(request.url) if off_machine(request.url) else None)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        sign_in(tab, app_url, name)
        yield tab
    finally:
        context.close()
    assert not outside, f"the page requested other hosts: {sorted(set(outside))[:10]}"


def _log_state(page: Page, folder: Path, file_name: str) -> str:
    """The upload log's "Trạng thái" for ``file_name``, read from the log's XLSX download (the grid is a canvas)."""
    log = page.get_by_test_id("stMain").get_by_test_id("stDownloadButton").filter(has_text="Tải XLSX").last
    rows = list(openpyxl.load_workbook(download(page, log, folder)).active.iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    [state] = [row[header.index("Trạng thái")] for row in rows[1:] if row[header.index("Tệp")] == file_name]
    return str(state)


def _send(page: Page, folder: Path, file_name: str, value: int) -> None:
    path = folder / file_name
    path.write_text(f"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n{WARD},2026,3,{METRIC},{value}\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page.get_by_text(f"Đã ghi 1 số liệu từ tệp {file_name}")).to_be_visible()
    wait_for_app(page)
    assert _log_state(page, folder, file_name) == "chờ duyệt"


def _open_review(page: Page, app_url: str, file_name: str) -> None:
    """The review page with ``file_name`` picked in "Xem và duyệt tệp"."""
    page.goto(f"{app_url}/duyet-so-lieu")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    picker = main.get_by_test_id("stSelectbox").filter(has_text="Xem và duyệt tệp")
    choose(page, picker, file_name)
    expect(picker.get_by_role("combobox")).to_have_value(f"{file_name} · {EDITOR} · Phường Tây Hồ")
    expect(main.get_by_role("button", name="Ghi quyết định")).to_be_visible()


def _decide(page: Page, decision: str, comment: str = "") -> None:
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stRadio").get_by_text(decision).click()
    if comment:
        main.get_by_label("Nhận xét (bắt buộc khi trả lại)").fill(comment)
    main.get_by_role("button", name="Ghi quyết định").click()
    wait_for_app(page)


def _leader_sees(page: Page, app_url: str) -> Locator:
    page.goto(f"{app_url}/{COMPARE}")
    wait_for_app(page)
    return page.get_by_test_id("stMain")


def _leader_sees_it_waiting(page: Page, folder: Path) -> None:
    """The switch shows the waiting figure, marked "chưa duyệt" on the chart and in the downloaded table."""
    main = page.get_by_test_id("stMain")
    main.get_by_text("Hiện cả số liệu chờ duyệt (1 tệp)").click()
    wait_for_app(page)
    assert "cho_duyet=1" in page.url  # the link says so: whoever opens it sees the same
    chart = main.locator(".js-plotly-plot").first
    expect(chart).to_contain_text("4.321")
    expect(chart).to_contain_text("chưa duyệt")
    screenshot(page, "review-pending-compare")
    table = main.get_by_test_id("stDownloadButton").filter(has_text="Tải XLSX").last
    rows = list(openpyxl.load_workbook(download(page, table, folder)).active.iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    [row] = [r for r in rows[1:] if r[header.index("Đơn vị")] == "Phường Tây Hồ"]
    assert row[header.index("Tình trạng duyệt")] == "chưa duyệt", header
    main.get_by_text("Hiện cả số liệu chờ duyệt (1 tệp)").click()  # off again: approved figures only
    wait_for_app(page)
    expect(main).not_to_contain_text("4.321")  # Tây Hồ has no approved figure: the page says where to look
    expect(main).to_contain_text("Có 1 tệp số liệu chờ duyệt: bật “Hiện cả số liệu chờ duyệt” để xem.")


def test_a_returned_report_is_corrected_approved_and_only_then_charted(
    browser: Browser, app_url: str, app_home: Path, tmp_path: Path
) -> None:
    _people_and_regime(app_home)
    with (
        _person(browser, app_url, EDITOR) as ward,
        _person(browser, app_url, REVIEWER) as reviewer,
        _person(browser, app_url, LEADER) as leader,
    ):
        expect(ward.get_by_test_id("stMain")).to_contain_text("Báo cáo của đơn vị tôi")
        _send(ward, tmp_path, *FIRST)
        main = _leader_sees(leader, app_url)
        expect(main).not_to_contain_text("4.321")  # waiting: on no chart, in no table
        _leader_sees_it_waiting(leader, tmp_path)

        _open_review(reviewer, app_url, FIRST[0])
        expect(reviewer.get_by_test_id("stSidebar")).to_contain_text("1 tệp chờ bạn duyệt")
        expect(reviewer.get_by_test_id("stMain")).to_contain_text("1 tệp chờ bạn duyệt")
        _decide(reviewer, "Trả lại để sửa", REASON)
        expect(reviewer.get_by_text(f"Đã trả lại tệp {FIRST[0]} · {EDITOR} · Phường Tây Hồ.")).to_be_visible()
        expect(reviewer.get_by_test_id("stMain")).to_contain_text("Không có tệp nào chờ bạn duyệt")  # it left
        expect(reviewer.get_by_role("button", name="Ghi quyết định")).to_have_count(0)

        ward.goto(f"{app_url}/tai-len")
        wait_for_app(ward)
        returned = ward.get_by_test_id("stAlertContentError").filter(has_text="Bị trả lại")
        expect(returned).to_contain_text("Phường Tây Hồ")
        expect(returned).to_contain_text(REASON)
        assert _log_state(ward, tmp_path, FIRST[0]) == f"trả lại ({REVIEWER}): {REASON}"
        _send(ward, tmp_path, *FIXED)
        expect(_leader_sees(leader, app_url)).not_to_contain_text("4.567")  # the correction waits too

        _open_review(reviewer, app_url, FIXED[0])
        expect(reviewer.get_by_test_id("stMain")).not_to_contain_text(FIRST[0])  # the returned file is not queued
        screenshot(reviewer, "review-page")
        _decide(reviewer, "Duyệt: số liệu được tính")
        expect(reviewer.get_by_text(f"Đã duyệt tệp {FIXED[0]} · {EDITOR} · Phường Tây Hồ.")).to_be_visible()

        main = _leader_sees(leader, app_url)
        expect(main.locator(".js-plotly-plot").first).to_contain_text(re.compile(r"4\.567"))  # Vietnamese format
        expect(main).not_to_contain_text("chưa duyệt")  # approved: nothing marked as pending
        expect(main).not_to_contain_text("4.321")  # the returned figure never counts
        screenshot(leader, "review-approved-compare")
        ward.goto(f"{app_url}/tai-len")
        wait_for_app(ward)
        assert _log_state(ward, tmp_path, FIXED[0]) == f"đã duyệt ({REVIEWER})"
        expect(ward.get_by_test_id("stAlertContentError").filter(has_text="Bị trả lại")).to_have_count(0)

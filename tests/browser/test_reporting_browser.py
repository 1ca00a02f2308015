"""Tình hình nộp báo cáo in a real browser: an admin loads a regime, the chase list downloads and opens."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ensure_account, screenshot, sign_in, wait_for_app
from tests.browser.test_actions_browser import download

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "che-do-bao-cao-MAU.json"


def test_an_admin_loads_a_regime_and_the_missing_list_downloads_and_opens(
    page: Page, app_url: str, app_home: Path, tmp_path: Path
) -> None:
    ensure_account(app_home, "quan.tri.che.do", role="admin")
    sign_in(page, app_url, "quan.tri.che.do")
    page.get_by_test_id("stSidebarNav").get_by_text("Tình hình nộp báo cáo").click()
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    page.get_by_text("Thêm hoặc sửa chế độ báo cáo").click()
    page.get_by_role("tab", name="Từ tệp JSON").click()
    sample = download(page, main.get_by_test_id("stDownloadButton").filter(has_text="Tải tệp mẫu"), tmp_path)
    assert json.loads(sample.read_text(encoding="utf-8"))["regime_id"] == "mau-dan-van-quy"  # the sample to edit

    bad = tmp_path / "sai.json"
    bad.write_text('{"regime_id": "x", "frequency": "monthly"}', encoding="utf-8")
    main.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    expect(main.get_by_text("Tệp sai.json: “frequency” phải là “quarterly”")).to_be_visible()  # file, field named
    expect(main.get_by_role("button", name="Ghi chế độ báo cáo")).to_have_count(0)  # nothing to write

    main.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(SAMPLE))
    expect(main.get_by_text("hằng quý từ 2025-Q3")).to_be_visible()
    main.get_by_role("button", name="Ghi chế độ báo cáo").click()
    expect(main.get_by_text("Đã thêm chế độ báo cáo “[MẪU] Báo cáo quý")).to_be_visible()
    expect(main).to_contain_text("Đơn vị phải báo cáo")

    page.goto(f"{app_url}/tinh-hinh-nop-bao-cao?che_do=mau-dan-van-quy&ky=2025-Q3")
    wait_for_app(page)
    expect(main).to_contain_text("hạn nộp 20/09/2025 23:59")
    expect(main).to_contain_text("số liệu 15/06/2025–14/09/2025")
    screenshot(page, "reporting-status")
    xlsx = download(page, main.get_by_test_id("stDownloadButton").filter(has_text="XLSX"), tmp_path)
    sheet = openpyxl.load_workbook(xlsx).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "Tình trạng" in row)
    listed = {row[header.index("Đơn vị")]: row for row in rows[rows.index(header) + 1 :] if any(row)}
    assert {"Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ"} <= set(listed)
    status = listed["Phường Giảng Võ"][header.index("Tình trạng")]
    assert str(status).startswith("chưa nộp (quá hạn ")
    assert isinstance(listed["Phường Giảng Võ"][header.index("Số ngày muộn/quá hạn")], int)  # a number, sortable


def test_an_editor_downloads_the_template_prefilled_with_what_their_ward_owes(
    page: Page, app_url: str, app_home: Path, tmp_path: Path
) -> None:
    from danvan_metrics.auth import accounts
    from danvan_metrics.reporting import book
    from danvan_metrics.services import writes
    from danvan_metrics.store.connection import Store

    store = Store(app_home)
    if book.regime(store, "mau-dan-van-quy") is None:  # the test above may have loaded it already
        writes.define_regime(store, writes.Operator("kiem-thu"), book.read_regime_file(store, SAMPLE.read_bytes(),
                                                                                      SAMPLE.name))  # fmt: skip
    if accounts.get("phuong.giang.vo", home=app_home) is None:
        accounts.add("phuong.giang.vo", "mat-khau-thu-nghiem-1", "editor", ("post-c00025",), home=app_home)
    sign_in(page, app_url, "phuong.giang.vo")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Báo cáo của đơn vị tôi")
    expect(main).to_contain_text("Phường Giảng Võ")
    screenshot(page, "my-reports")
    template = download(page, main.get_by_test_id("stDownloadButton").filter(has_text="điền sẵn"), tmp_path)
    sheet = openpyxl.load_workbook(template)["Số liệu"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert rows and all(str(row[0]).startswith("post-c00025 · Phường Giảng Võ") for row in rows)
    assert {str(row[4]).split(" · ")[0] for row in rows} == {"complaints_resolved_rate", "citizen_receptions"}
    assert all(row[5] is None for row in rows)  # the figures are left for the ward to fill in


def test_an_admin_defines_a_regime_in_the_form_checks_it_and_writes_it(
    page: Page, app_url: str, app_home: Path
) -> None:
    import re

    ensure_account(app_home, "quan.tri.bieu.mau", role="admin")
    sign_in(page, app_url, "quan.tri.bieu.mau")
    page.goto(f"{app_url}/tinh-hinh-nop-bao-cao")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    page.get_by_text("Thêm hoặc sửa chế độ báo cáo").click()
    page.get_by_role("tab", name="Nhập trên trang").click()
    main.get_by_label("Mã chế độ (regime_id").fill("thu-bieu-mau")
    main.get_by_label("Tên chế độ báo cáo (name)").fill("Báo cáo thử nhập trên trang")
    main.get_by_label("Căn cứ (legal_basis)").fill("Quyết định số 99/QĐ-UBND (thử)")
    main.get_by_label("Kỳ đầu tiên (first_period)").fill("2026-Q1")
    metrics = main.get_by_test_id("stMultiSelect").filter(has_text="Chỉ tiêu phải báo cáo")
    metrics.get_by_role("combobox").click()
    page.keyboard.type("Lượt tiếp công dân")
    page.get_by_role("option").filter(has_text="Lượt tiếp công dân").first.click()
    page.keyboard.press("Escape")
    province = main.get_by_test_id("stSelectbox").filter(has_text="Mọi xã, phường của tỉnh/thành")
    province.get_by_role("combobox").click()
    page.keyboard.type("Lai Châu")
    page.get_by_role("option").filter(has_text=re.compile(r"^Tỉnh Lai Châu$")).click()
    main.get_by_role("button", name="Kiểm tra chế độ báo cáo").click()
    expect(main.get_by_text("Báo cáo thử nhập trên trang · hằng quý từ 2026-Q1")).to_be_visible()
    main.get_by_role("button", name="Ghi chế độ báo cáo").click()
    expect(main.get_by_text("Đã thêm chế độ báo cáo “Báo cáo thử nhập trên trang”")).to_be_visible()
    expect(page).to_have_url(re.compile(r"che_do=thu-bieu-mau"))
    expect(main.get_by_test_id("stMetric").filter(has_text="Đơn vị phải báo cáo")).to_contain_text("38")

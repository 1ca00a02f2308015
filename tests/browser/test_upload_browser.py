"""Sign in and upload in a real browser: preview, commit, see it in the charts, retract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import choose, ensure_account, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "upload_corpus" / "files"


def test_a_visitor_sees_no_uploader(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/tai-len")
    wait_for_app(page)
    expect(page.get_by_text("Chỉ cán bộ được giao")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)


def test_an_editor_uploads_sees_the_figures_and_retracts(page: Page, app_url: str, app_home: Path) -> None:
    ensure_account(app_home, "bien.tap")
    sign_in(page, app_url, "bien.tap")
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(CORPUS / "34_good.xlsx"))
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    expect(page.get_by_text("2 số liệu mới")).to_be_visible()
    screenshot(page, "upload-preview")
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page.get_by_text("Đã ghi 2 số liệu từ tệp 34_good.xlsx")).to_be_visible()
    expect(page.get_by_text("bien.tap").first).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_text("So sánh đơn vị").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Quý 1/2024")  # the new figure is the latest
    screenshot(page, "compare-after-upload")

    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_text("Tôi hiểu").click()
    page.get_by_role("button", name="Rút lại").click()
    expect(page.get_by_text(re.compile(r"^Đã rút lại U\d"))).to_be_visible()  # the message, not the log cell
    page.get_by_test_id("stSidebarNav").get_by_text("So sánh đơn vị").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Nhiệm kỳ 2015–2020")  # the curated figure is back
    expect(page.get_by_test_id("stMain")).not_to_contain_text("Quý 1/2024")


def test_an_ambiguous_unit_name_is_chosen_in_the_preview_without_editing_the_file(
    page: Page, app_url: str, app_home: Path, tmp_path: Path
) -> None:
    ensure_account(app_home, "chon.don.vi")
    path = tmp_path / "da-krong.csv"
    path.write_text("ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri\n,Đa Krông,2023,3,citizen_receptions,77\n")
    sign_in(page, app_url, "chon.don.vi")
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text("ứng với nhiều đơn vị")).to_be_visible()
    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="là đơn vị nào"), "Huyện Đa Krông")
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    expect(
        page.get_by_text("“Đa Krông” là Huyện Đa Krông (huyện, Tỉnh Quảng Trị, đến 30/06/2025) · pre-d467")
    ).to_be_visible()
    screenshot(page, "upload-choose-unit")
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page.get_by_text("Đã ghi 1 số liệu từ tệp da-krong.csv")).to_be_visible()
    page.goto(f"{app_url}/ho-so?don_vi=pre-d467")
    wait_for_app(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("77 lượt")
    # Leave the shared store as the other browser tests expect it (a new page load is a new session).
    sign_in(page, app_url, "chon.don.vi")
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_text("Tôi hiểu").click()
    page.get_by_role("button", name="Rút lại").click()
    expect(page.get_by_text(re.compile(r"^Đã rút lại U\d"))).to_be_visible()

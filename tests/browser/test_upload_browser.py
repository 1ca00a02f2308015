"""Sign in and upload in a real browser: preview, commit, see it in the charts, retract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from danvan_metrics import accounts
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "upload_corpus" / "files"
PASSWORD = "mat-khau-thu-nghiem-1"


def _sign_in(page: Page, app_url: str, name: str) -> None:
    page.goto(f"{app_url}/dang-nhap")
    wait_for_app(page)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text(f"Bạn đã đăng nhập với tên {name}")).to_be_visible()


def test_a_visitor_sees_no_uploader(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/tai-len")
    wait_for_app(page)
    expect(page.get_by_text("Chỉ cán bộ được giao")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)


def test_an_editor_uploads_sees_the_figures_and_retracts(page: Page, app_url: str, app_home: Path) -> None:
    accounts.add("bien.tap", PASSWORD, "editor", home=app_home)
    _sign_in(page, app_url, "bien.tap")
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

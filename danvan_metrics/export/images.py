"""Static images of figures (PNG, SVG) rendered on the server by Plotly's exporter, Kaleido.

Kaleido 1.x draws figures in a headless Chromium. We start ONE browser per Python process,
lazily, on its own event-loop thread, and stop it at exit: the first image costs the browser's
start (a few seconds), every later one a fraction of a second. We never download a browser:
Debian's ``/usr/bin/chromium`` is used (or ``$BROWSER_PATH``, which choreographer also reads).

Why not ``kaleido.start_sync_server``: its caller waits on a queue with no timeout, so a
browser that fails to start or dies later hangs the caller (a Streamlit session) for good.
Here every call has a deadline, fails with a Vietnamese message, and the next call starts a
fresh browser. Concurrent callers (Streamlit runs each session on its own thread) are serialised.
Every string of a figure passes `export.xml_safe` first: Plotly cannot draw a control character
that a stored unit name, title or source may hold, and one such character would fail the image.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import plotly.graph_objects as go

from danvan_metrics.export.tables import xml_safe

T = TypeVar("T")

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
OTHER_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_TIMEOUT_SECONDS = 60.0
RENDER_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
DEFAULT_WIDTH = 1920
DEFAULT_HEIGHT = 1080

NO_BROWSER = (
    "Không xuất được ảnh: máy chủ chưa có trình duyệt Chromium, cần để vẽ biểu đồ thành ảnh. "
    "Cài bằng lệnh `apt-get install chromium` (hoặc đặt biến môi trường BROWSER_PATH chỉ tới Chromium)."
)
BAD_BROWSER_PATH = "Không xuất được ảnh: BROWSER_PATH chỉ tới {path}, nhưng ở đó không có tệp chạy được."
START_FAILED = "Không xuất được ảnh: trình duyệt Chromium không khởi động được ({error})."
NO_PLOTLY_JS = "Không xuất được ảnh: thiếu tệp {path} của gói plotly; hãy cài lại bằng `make setup`."
RENDER_FAILED = "Không xuất được ảnh: vẽ biểu đồ thất bại hoặc quá {seconds:.0f} giây ({error})."


class ExportError(RuntimeError):
    """An image could not be made; the message is Vietnamese and says what to do."""


def browser_path() -> str:
    """The Chromium to draw with: ``$BROWSER_PATH`` if set, else Debian's, else one on ``PATH``.

    Sets ``BROWSER_PATH`` when it was unset, so choreographer (under Kaleido) looks nowhere else,
    and never at a browser it downloaded itself.

    Raises:
        ExportError: no Chromium is installed, or ``BROWSER_PATH`` points at nothing runnable.
    """
    chosen = os.environ.get("BROWSER_PATH", "").strip()
    if chosen:
        if not (Path(chosen).is_file() and os.access(chosen, os.X_OK)):
            raise ExportError(BAD_BROWSER_PATH.format(path=chosen))
        return chosen
    found = str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.is_file() else None
    found = found or next((p for p in map(shutil.which, OTHER_BROWSERS) if p), None)
    if found is None:
        raise ExportError(NO_BROWSER)
    os.environ["BROWSER_PATH"] = found
    return found


def local_plotly_js() -> Path:
    """plotly.js as plotly.py ships it: the exporter's page loads it from disk, never from a CDN.

    Kaleido falls back to a CDN address when it cannot find this file; an offline server would
    then wait on the network for every image. Named explicitly so it never falls back.

    Raises:
        ExportError: the plotly package lacks its plotly.js.
    """
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ExportError(NO_PLOTLY_JS.format(path=path))
    return path


class _Exporter:
    """One Kaleido (one headless Chromium) on a private event-loop thread, shared by every caller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._atexit_registered = False

    def render(self, figure: go.Figure, fmt: str, width: int, height: int, scale: float = 1.0) -> bytes:
        """The figure drawn as ``fmt`` ("png" or "svg"), laid out at ``width`` × ``height`` and magnified ``scale``."""
        spec = safe_spec(figure.to_dict())
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        with self._lock:
            if self._kaleido is None:
                self._start()
            try:
                # A little longer than Kaleido's own per-image timeout, so its clearer error comes first.
                data = self._run(self._kaleido.calc_fig(spec, opts=opts), RENDER_TIMEOUT_SECONDS + 5)
            except Exception as exc:
                # A dead or stuck browser is replaced on the next call rather than reused.
                self._stop()
                raise ExportError(RENDER_FAILED.format(seconds=RENDER_TIMEOUT_SECONDS, error=_brief(exc))) from exc
        return bytes(data)

    def stop(self) -> None:
        """Close the browser and its thread (at exit, or in tests)."""
        with self._lock:
            self._stop()

    @property
    def running(self) -> bool:
        """True while a browser is up."""
        return self._kaleido is not None

    def _start(self) -> None:
        import kaleido  # imported here: only processes that export pay for it

        path = browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="danvan-image-export", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread

        async def open_browser() -> None:
            # mathjax=False: its default is a CDN script, which an offline server would wait on.
            # Headless and --no-sandbox (choreographer's defaults, stated here because they matter):
            # Chromium refuses to run sandboxed as root, which is how containers and CI run us.
            self._kaleido = kaleido.Kaleido(
                path=path,
                headless=True,
                enable_sandbox=False,
                mathjax=False,
                timeout=RENDER_TIMEOUT_SECONDS,
                plotlyjs=local_plotly_js().as_uri(),
            )
            await self._kaleido.open()

        try:
            self._run(open_browser(), START_TIMEOUT_SECONDS)
        except Exception as exc:
            self._stop()  # closes a half-started browser too
            raise ExportError(START_FAILED.format(error=_brief(exc))) from exc
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _stop(self) -> None:
        loop, thread, browser = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        if browser is not None:
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(STOP_TIMEOUT_SECONDS)
            except Exception:  # best effort: the process is exiting, or the browser is already gone
                pass
        try:
            asyncio.run_coroutine_threadsafe(_cancel_pending(), loop).result(STOP_TIMEOUT_SECONDS)
        except Exception:  # best effort, as above
            pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(STOP_TIMEOUT_SECONDS)
        if not loop.is_running():
            loop.close()


async def _cancel_pending() -> None:
    """Cancel what the browser left running (its watchdog), so the loop closes without warnings."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def safe_spec(value: Any) -> Any:
    """A figure's dict (or any part of it) with every string through `export.xml_safe`, arrays of text included."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: safe_spec(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [safe_spec(item) for item in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return [safe_spec(item) for item in value.tolist()]
    return value


def _brief(exc: BaseException) -> str:
    """The first line of an error, short enough for a message shown to a user."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


_EXPORTER = _Exporter()


def to_png(figure: go.Figure, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT, scale: float = 1.0) -> bytes:
    """The figure as a PNG of exactly ``width`` × ``height`` pixels (default 1920 × 1080).

    Args:
        figure: any Plotly figure; its own layout width and height are ignored.
        width: image width in pixels.
        height: image height in pixels.
        scale: how much larger text and lines are drawn. 1.5 lays the figure out as on a
            1280 × 720 screen and draws it at 1920 × 1080: type reads from the back of a room.
            The size is exact when ``width / scale`` and ``height / scale`` are whole numbers.

    Raises:
        ExportError: no Chromium, or the browser failed; the message is for the user.
    """
    return _EXPORTER.render(figure, "png", round(width / scale), round(height / scale), scale)


def to_svg(figure: go.Figure, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> bytes:
    """The figure as an SVG (UTF-8) of ``width`` × ``height`` layout pixels; text stays text.

    Raises:
        ExportError: no Chromium, or the browser failed; the message is for the user.
    """
    return _EXPORTER.render(figure, "svg", width, height)


def stop() -> None:
    """Close the export browser now; the next image starts a new one. Runs at exit anyway."""
    _EXPORTER.stop()


def is_running() -> bool:
    """True while the export browser is up (started by the first image)."""
    return _EXPORTER.running

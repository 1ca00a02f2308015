"""How the browser tests and the benchmark start the app and Debian's Chromium (one place for both).

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by
`make test` through scripts/ensure-system-deps.sh), or ``$DANVAN_CHROMIUM``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

CHROMIUM = os.environ.get("DANVAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(port: int) -> list[str]:
    """The app started as `make run` starts it (`danvan_metrics.serve`), headless, on ``port``."""
    return [
        sys.executable, "-m", "danvan_metrics.serve", "--server.port", str(port), "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Until the served app answers ``/_stcore/health``; fails when it exits or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the app did not answer at {url} within {timeout:.0f} s")

"""How the browser tests and the benchmark start the app and Debian's Chromium (one place for both).

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by
`make test` through scripts/ensure-system-deps.sh), or ``$DANVAN_CHROMIUM``.
"""

from __future__ import annotations

import os
import socket
import sys

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

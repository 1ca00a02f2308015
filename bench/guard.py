"""Keep a measured process from taking the machine down: stop it past a time or memory limit.

At national scale, some pages build frames of millions of rows; one of them reached 24 GB and was
killed by the kernel. The benchmark records such a page as over budget and moves on instead.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    """A process's resident memory now (VmRSS), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def run_guarded(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout_s: float, max_mb: float
) -> tuple[str, str]:
    """Run ``command``; stop it after ``timeout_s`` or once it holds more than ``max_mb``.

    Returns:
        Its standard output (whatever it printed before stopping) and why it was stopped ("" if it finished).
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL, text=True)
        begin, reason = time.monotonic(), ""
        while process.poll() is None:
            if time.monotonic() - begin > timeout_s:
                reason = f"stopped after {timeout_s:g} s"
            elif (used := rss_mb(process.pid)) > max_mb:
                reason = f"stopped at {used:,.0f} MB (limit {max_mb:,.0f} MB)"
            if reason:
                process.kill()
                process.wait()
                break
            time.sleep(0.2)
        if not reason and process.returncode not in (0, 1):
            reason = f"exited with code {process.returncode}"
        out.seek(0)
        return out.read(), reason


class Watchdog:
    """Kill a long-running process (the app server) if it grows past ``max_mb``; remember that it did."""

    def __init__(self, process: subprocess.Popen[bytes], max_mb: float) -> None:
        self.process, self.max_mb = process, max_mb
        self.peak_mb = 0.0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.2) and self.process.poll() is None:
            used = rss_mb(self.process.pid)
            self.peak_mb = max(self.peak_mb, used)
            if used > self.max_mb:
                self.killed = True
                self.process.kill()
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

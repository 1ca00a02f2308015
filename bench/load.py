"""`make load`: simulated sessions speaking Streamlit's WebSocket protocol on the real compare page.

Each simulated session opens `/_stcore/stream` as a browser does and asks for page runs
(`BackMsg.rerun_script` with the page's URL query), one after another, changing the metric each
time; a run's time is from sending it to the `script_finished` message. Sessions are added in
steps until the 95th percentile passes 1 s, for 1 server process and for one per core behind
nginx (`danvan_metrics.web.cluster`). Then the CPU one compare-page run costs the server, against
a bare Streamlit page with the same widgets (bench/load_bare.py) served the same way
(bench/load_bare_asgi.py), and, for reference, the bare page under stock `streamlit run`.
Bounded: at most STEPS × HOLD_S seconds of load per configuration. Prints a table and writes bench/load-results.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.browser.chromium import free_port, wait_healthy

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "load-results.json"
PAGE = "so-sanh"
STREAMLIT_PROTOCOL = Subprotocol("streamlit")
QUERIES = [f"chi_tieu={m}" for m in ("complaints_resolved_rate", "citizen_receptions", "denunciations_resolved_rate",
                                      "mediation_success_rate")]  # fmt: skip
STEPS = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96)
BISECTIONS = 3
LOAD_TIMEOUT_S = 120.0
HOLD_S = 8.0
P95_BUDGET_S = 1.0
CPU_RUNS = 40
SESSIONS_RATIO_BUDGET = 1.7
CPU_RATIO_BUDGET = 1.3


def _rerun(query: str, page: str) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    return message.SerializeToString()


async def _run(ws: ClientConnection, query: str, page: str) -> None:
    """One page run: ask for it, read messages until Streamlit says the script finished."""
    await ws.send(_rerun(query, page))
    while True:
        message = ForwardMsg()
        message.ParseFromString(await ws.recv())
        if message.WhichOneof("type") == "script_finished":
            return


@dataclass
class _Window:
    """The timed window: it opens when the last of ``sessions`` has loaded the page, and lasts ``seconds``."""

    sessions: int
    seconds: float
    loaded: int = 0
    until: float = 0.0
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_open(self) -> float:
        self.loaded += 1
        if self.loaded == self.sessions:
            self.until = time.monotonic() + self.seconds
            self.opened.set()
        await self.opened.wait()
        return self.until


async def _session(url: str, page: str, window: _Window, times: list[float], cookie: str) -> None:
    origin = url.replace("ws://", "http://").split("/_stcore")[0]
    headers = {"Origin": origin, **({"Cookie": cookie} if cookie else {})}
    async with connect(url, subprotocols=[STREAMLIT_PROTOCOL], additional_headers=headers, max_size=None) as ws:
        await _run(ws, QUERIES[0], page)  # the page load builds the session's widgets: not timed
        until = await window.wait_open()  # when every session has loaded: steady state, not a queue of loads
        turn = 1
        while time.monotonic() < until:
            started = time.perf_counter()
            await _run(ws, QUERIES[turn % len(QUERIES)], page)
            times.append(time.perf_counter() - started)
            turn += 1


def elements(base: str, page: str = PAGE, query: str = QUERIES[0]) -> list[str]:
    """The element types one page run sends (``plotly_chart``, ``exception`` …): what a session really got."""

    async def run() -> list[str]:
        found: list[str] = []
        url = base.replace("http://", "ws://") + "/_stcore/stream"
        headers = {"Origin": base}
        async with connect(url, subprotocols=[STREAMLIT_PROTOCOL], additional_headers=headers, max_size=None) as ws:
            await ws.send(_rerun(query, page))
            while True:
                message = ForwardMsg()
                message.ParseFromString(await ws.recv())
                if message.WhichOneof("type") == "script_finished":
                    return found
                if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
                    found.append(str(message.delta.new_element.WhichOneof("type")))

    return asyncio.run(run())


def hold(
    base: str, sessions: int, seconds: float = HOLD_S, page: str = PAGE, cookies: list[str] | None = None
) -> dict[str, float]:
    """``sessions`` sessions asking for page runs for ``seconds``: p50/p95 of a run and runs per second.

    The window opens once every session has loaded the page (its first run, not counted): opening
    32 sessions at once queues 32 page loads, and a window spent on that queue would count a few
    runs and report a flattering p95.

    ``cookies`` give session i its route cookie (which server nginx keeps it on).
    """
    times: list[float] = []
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    routes = cookies or [""]

    async def run() -> None:
        window = _Window(sessions, seconds)
        async with asyncio.timeout(LOAD_TIMEOUT_S + seconds):  # a session that failed to load fails the step
            await asyncio.gather(
                *(_session(url, page, window, times, routes[i % len(routes)]) for i in range(sessions))
            )

    asyncio.run(run())
    if len(times) < 2:
        return {"sessions": sessions, "runs": len(times), "p50_s": float("inf"), "p95_s": float("inf"), "per_s": 0.0}
    cuts = statistics.quantiles(times, n=20)
    return {"sessions": sessions, "runs": len(times), "p50_s": statistics.median(times), "p95_s": cuts[18],
            "per_s": len(times) / seconds}  # fmt: skip


def balanced_cookies(base: str, workers: int, wanted: int = max(STEPS)) -> list[str]:
    """Route cookies that put session i on server i mod N: with a handful of sessions, nginx's hash
    could put them all on one server by chance (with many real people it evens out), and that
    would measure luck, not capacity. Found by asking /healthz which server each cookie reaches."""
    by_worker: dict[str, list[str]] = {}
    for i in range(wanted * workers * 4):
        cookie = f"danvan_route=load-{i}"
        request = urllib.request.Request(f"{base}/healthz", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 — loopback only
            by_worker.setdefault(str(json.loads(answer.read())["worker"]), []).append(cookie)
    columns = list(by_worker.values())
    return [
        columns[i % len(columns)][i // len(columns)] for i in range(min(wanted, min(map(len, columns)) * len(columns)))
    ]


def _step(base: str, sessions: int, cookies: list[str], steps: list[dict[str, float]]) -> bool:
    step = hold(base, sessions, cookies=cookies)
    steps.append(step)
    print(f"    {sessions:3d} phiên: p50 {step['p50_s'] * 1000:6.0f} ms, p95 {step['p95_s'] * 1000:6.0f} ms, "  # noqa: T201
          f"{step['per_s']:5.1f} lượt/s", flush=True)  # fmt: skip
    return step["p95_s"] <= P95_BUDGET_S


def sweep(base: str, cookies: list[str]) -> tuple[int, list[dict[str, float]]]:
    """The most sessions held at p95 ≤ 1 s, and every step measured.

    Steps up `STEPS` to the first that misses, then halves the gap between the last held and the
    first missed (`BISECTIONS` times): the coarse steps alone would round 40 held down to 32.
    """
    steps: list[dict[str, float]] = []
    held, missed = 0, 0
    for sessions in STEPS:
        if not _step(base, sessions, cookies, steps):
            missed = sessions
            break
        held = sessions
    for _ in range(BISECTIONS):
        middle = (held + missed) // 2
        if not missed or middle in (held, missed):
            break
        if _step(base, middle, cookies, steps):
            held = middle
        else:
            missed = middle
    return held, steps


@contextmanager
def cluster(home: Path, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DANVAN_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("DANVAN_DATABASE_URL", None)
    log = (home / f"cluster-{workers}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "danvan_metrics.web.cluster", "--workers", str(workers), "--port", str(port),
         "--first-port", str(free_port())], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, timeout=240)
        for _ in range(workers * 3):  # every worker learns the page list before the load
            hold(base, 1, seconds=0.5, page="")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def single(home: Path, command: list[str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "DANVAN_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("DANVAN_DATABASE_URL", None)
    process = subprocess.Popen([*command, "--server.port", str(port)], cwd=PROJECT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, timeout=240)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def cpu_per_run(base: str, pid: int, page: str) -> float:
    """Server CPU seconds per run of ``page``, over `CPU_RUNS` runs of one session (after a warm-up)."""
    hold(base, 1, seconds=2.0, page=page)
    before = _cpu_seconds(pid)

    async def run() -> None:
        url = base.replace("http://", "ws://") + "/_stcore/stream"
        headers = {"Origin": base}
        async with connect(url, subprotocols=[STREAMLIT_PROTOCOL], additional_headers=headers, max_size=None) as ws:
            for turn in range(CPU_RUNS + 1):
                await _run(ws, QUERIES[turn % len(QUERIES)] if page else "", page)

    asyncio.run(run())
    return (_cpu_seconds(pid) - before) / (CPU_RUNS + 1)


def main() -> int:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="danvan-load-") as folder:
        home = Path(folder)
        print(f"make load: trang so sánh, p95 ≤ {P95_BUDGET_S:g} s; {cores} lõi", flush=True)  # noqa: T201
        held: dict[int, int] = {}
        steps: dict[int, list[dict[str, float]]] = {}
        for workers in sorted({1, cores}):
            print(f"  {workers} tiến trình sau nginx:", flush=True)  # noqa: T201
            with cluster(home, workers) as base:
                held[workers], steps[workers] = sweep(base, balanced_cookies(base, workers))
        served = [sys.executable, "-m", "danvan_metrics.serve", "--server.headless", "true",
                  "--server.fileWatcherType", "none"]  # fmt: skip
        with single(home, served) as (base, pid):
            page_cpu = cpu_per_run(base, pid, PAGE)
        # The baseline served the same way (st.App on uvicorn, the same warm-up and collector
        # settings): the ratio is then the page's own work, not a difference in servers.
        with single(home, [sys.executable, "-m", "bench.load_bare_asgi", *served[3:]]) as (base, pid):
            bare_cpu = cpu_per_run(base, pid, "")
        stock = [sys.executable, "-m", "streamlit", "run", str(PROJECT / "bench" / "load_bare.py"),
                 "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
        with single(home, stock) as (base, pid):
            stock_cpu = cpu_per_run(base, pid, "")
    ratio_sessions = held[cores] / held[1] if held.get(1) else float("inf")
    peak = {w: max(step["per_s"] for step in found) for w, found in steps.items()}
    ratio_runs = peak[cores] / peak[1] if peak.get(1) else float("inf")
    ratio_cpu = page_cpu / bare_cpu if bare_cpu else float("inf")
    rows = [
        ("phiên giữ được, 1 tiến trình", f"{held[1]}", ""),
        (f"phiên giữ được, {cores} tiến trình", f"{held[cores]}", ""),
        (f"tỉ lệ {cores}/1", f"{ratio_sessions:.2f}×", f"≥ {SESSIONS_RATIO_BUDGET}×"),
        (
            f"lượt chạy/giây cao nhất, 1 / {cores} tiến trình",
            f"{peak[1]:.1f} / {peak[cores]:.1f} ({ratio_runs:.2f}×)",
            "",
        ),
        ("CPU một lượt trang so sánh", f"{page_cpu * 1000:.1f} ms", ""),
        ("CPU một lượt trang trống cùng widget, cùng cách phục vụ", f"{bare_cpu * 1000:.1f} ms", ""),
        ("(tham khảo) trang trống qua `streamlit run`", f"{stock_cpu * 1000:.1f} ms", ""),
        ("tỉ lệ CPU", f"{ratio_cpu:.2f}×", f"≤ {CPU_RATIO_BUDGET}×"),
    ]
    print("\n| đo | kết quả | ngân sách |\n|---|---|---|")  # noqa: T201
    for row in rows:
        print("| " + " | ".join(row) + " |")  # noqa: T201
    results = {"cores": cores, "held": held, "steps": steps, "page_cpu_s": page_cpu, "bare_cpu_s": bare_cpu,
               "stock_bare_cpu_s": stock_cpu,
               "sessions_ratio": ratio_sessions, "runs_ratio": ratio_runs, "cpu_ratio": ratio_cpu}  # fmt: skip
    RESULTS.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    met = (cores == 1 or ratio_sessions >= SESSIONS_RATIO_BUDGET) and ratio_cpu <= CPU_RATIO_BUDGET
    print("\nĐạt ngân sách." if met else "\nChưa đạt ngân sách (xem bảng).")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())

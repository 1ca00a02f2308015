"""Two app servers (two state directories, as two machines) on one PostgreSQL record behind nginx,
all on loopback: an upload through A reaches B's charts, a sign-in survives losing its server, and
an account disabled through B can no longer write through A. Also `make cluster`'s launcher."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from danvan_metrics.web import cluster
from tests.browser.chromium import free_port, serve_command, wait_healthy
from tests.browser.conftest import PASSWORD, PROJECT_DIR, SERVER_LOGS, screenshot, sign_in, wait_for_app
from tests.postgres import Cluster

pytestmark = pytest.mark.browser
UPLOAD = "ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\npre-d001,2024,3,citizen_receptions,4321\n"


@dataclass
class Server:
    name: str
    home: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log_path = self.home / f"{self.name}-{self.port}.log"
        SERVER_LOGS.append(log_path)
        self.process = subprocess.Popen(
            serve_command(self.port), cwd=PROJECT_DIR, env=self.env, stdout=log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_healthy(self.url, self.process, timeout=120)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def cli(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "danvan_metrics", *args], cwd=PROJECT_DIR, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout


@dataclass
class Proxy:
    url: str
    servers: dict[str, Server]


def health(url: str, cookie: str = "") -> dict[str, object]:
    request = urllib.request.Request(f"{url}/healthz", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 — loopback only
        return dict(json.loads(answer.read()))


@contextmanager
def nginx(prefix: Path, port: int, upstream_ports: list[int]) -> Iterator[str]:
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(cluster.nginx_conf(f"127.0.0.1:{port}", upstream_ports, prefix), encoding="utf-8")
    process = subprocess.Popen([str(cluster.NGINX), "-p", str(prefix), "-c", str(conf)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health(url)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((process.stderr.read() if process.stderr else b"").decode()) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Proxy]:
    database = pg_cluster.new_database("cluster")
    secret = os.urandom(16).hex()
    servers: dict[str, Server] = {}
    for name in ("A", "B"):
        home = tmp_path_factory.mktemp(f"machine_{name}")
        env = {**os.environ, "DANVAN_HOME": str(home), "DANVAN_DATABASE_URL": database, "PYTHONUNBUFFERED": "1",
               "DANVAN_WORKER_NAME": name, "STREAMLIT_SERVER_COOKIE_SECRET": secret}  # fmt: skip
        servers[name] = Server(name, home, free_port(), env)
    servers["A"].start()  # A first: it migrates the empty database
    servers["B"].start()
    servers["A"].cli("user", "add", "bien.tap", "--role", "editor", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    for server in servers.values():  # Streamlit learns the page list from a first visit
        warm = browser.new_page()
        warm.goto(server.url)
        wait_for_app(warm)
        warm.close()
    try:
        with nginx(tmp_path_factory.mktemp("nginx"), free_port(), [s.port for s in servers.values()]) as url:
            yield Proxy(url, servers)
    finally:
        for server in servers.values():
            server.stop()


def _upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text("Tải lên số liệu").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))


def test_an_upload_committed_through_a_is_on_b_within_two_seconds(page: Page, proxy: Proxy, tmp_path: Path) -> None:
    a, b = proxy.servers["A"], proxy.servers["B"]
    path = tmp_path / "quy3.csv"
    path.write_text(UPLOAD, encoding="utf-8")
    sign_in(page, a.url, "bien.tap")
    _upload(page, path)
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page.get_by_text("Đã ghi 1 số liệu từ tệp quy3.csv")).to_be_visible()
    committed, version = time.monotonic(), health(a.url)["data_version"]
    while health(b.url)["data_version"] != version:
        assert time.monotonic() - committed < 2.0, "B did not see A's commit within 2 s"
        time.sleep(0.05)
    viewer = page.context.browser.new_page()
    viewer.goto(f"{b.url}/ho-so?don_vi=pre-d001")
    wait_for_app(viewer)
    expect(viewer.get_by_test_id("stMain")).to_contain_text("4.321 lượt")
    expect(viewer.get_by_test_id("stMain")).to_contain_text("Quý 3/2024")
    screenshot(viewer, "cluster-b-after-a-upload")
    viewer.close()


def test_an_account_disabled_through_b_can_no_longer_write_through_a(page: Page, proxy: Proxy, tmp_path: Path) -> None:
    a, b = proxy.servers["A"], proxy.servers["B"]
    b.cli("user", "add", "tam.thoi", "--role", "editor", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    path = tmp_path / "quy4.csv"
    path.write_text(UPLOAD.replace(",3,", ",4,"), encoding="utf-8")
    sign_in(page, a.url, "tam.thoi")
    _upload(page, path)
    expect(page.get_by_text("Tệp hợp lệ")).to_be_visible()
    before = health(a.url)["data_version"]
    b.cli("user", "disable", "tam.thoi")
    page.get_by_role("button", name="Ghi số liệu").click()
    wait_for_app(page)
    expect(page.get_by_text("Mật khẩu hoặc trạng thái tài khoản đã được thay đổi; hãy đăng nhập lại.")).to_be_visible()
    expect(page.get_by_text("Đã ghi")).to_have_count(0)
    assert health(a.url)["data_version"] == health(b.url)["data_version"] == before + 1  # only the disabling


def test_a_person_signed_in_through_the_proxy_stays_signed_in_when_their_server_stops(page: Page, proxy: Proxy) -> None:
    sign_in(page, proxy.url, "bien.tap")
    first = page.evaluate("fetch('/healthz').then(r => r.headers.get('x-danvan-worker'))")
    for _ in range(3):  # sticky: every request of this browser goes to the same server
        page.reload()
        wait_for_app(page)
        assert page.evaluate("fetch('/healthz').then(r => r.headers.get('x-danvan-worker'))") == first
    proxy.servers[first].stop()
    try:
        page.reload()
        wait_for_app(page)
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Đã đăng nhập: bien.tap")
        expect(page.get_by_test_id("stFileUploader")).to_be_visible()  # still an editor, on the other server
        now = page.evaluate("fetch('/healthz').then(r => r.headers.get('x-danvan-worker'))")
        assert now != first and now in proxy.servers
    finally:
        proxy.servers[first].start()


def test_make_cluster_serves_several_workers_behind_nginx(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DANVAN_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    env.pop("DANVAN_DATABASE_URL", None)
    command = [sys.executable, "-m", "danvan_metrics.web.cluster", "--workers", "2", "--port", str(port),
               "--first-port", str(free_port())]  # fmt: skip
    launcher = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        seen: set[object] = set()
        while len(seen) < 2:  # a browser without the route cookie may land on either worker
            assert launcher.poll() is None and time.monotonic() < deadline, launcher.stdout.read().decode()
            try:
                seen.add(health(url)["worker"])
            except OSError:
                time.sleep(0.5)
        assert seen == {"worker-1", "worker-2"}
        assert {health(url, "danvan_route=khach-1")["worker"] for _ in range(10)} == {
            health(url, "danvan_route=khach-1")["worker"]
        }  # with it, always the same one
    finally:
        launcher.terminate()
        launcher.wait(timeout=30)
    assert launcher.returncode == 0


def test_make_loads_simulated_sessions_run_the_real_compare_page(app_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bench import load

    with ThreadPoolExecutor(1) as pool:  # Playwright's event loop holds this thread
        step = pool.submit(load.hold, app_url, 2, 3.0).result()  # two sessions speaking Streamlit's protocol
        drawn = pool.submit(load.elements, app_url).result()
    assert step["runs"] >= 2 and step["p95_s"] < 30, step
    assert "plotly_chart" in drawn and "exception" not in drawn, drawn  # the compare page, drawn whole

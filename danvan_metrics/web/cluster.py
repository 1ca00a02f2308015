"""Several app servers on one machine behind nginx: ``python -m danvan_metrics.web.cluster`` (`make cluster`).

One Streamlit process runs page scripts one after another in one interpreter, so it uses about
one core. This starts ``DANVAN_WORKERS`` servers (default: one per core) on loopback ports, each
with its own read store and all on the one record, and Debian's nginx in front with sticky
sessions by cookie (deploy/nginx-cluster.conf.template). A server that exits is started again.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from danvan_metrics.core import config

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE = PROJECT / "deploy" / "nginx-cluster.conf.template"
NGINX = Path("/usr/sbin/nginx")
READY_SECONDS = 180.0


@dataclass
class Worker:
    """One app server: its name (sent as X-Danvan-Worker), its loopback port, its process."""

    name: str
    port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def workers_wanted() -> int:
    """``DANVAN_WORKERS``, else one per core."""
    raw = os.environ.get("DANVAN_WORKERS", "").strip()
    return max(1, int(raw)) if raw.isdigit() else max(1, os.cpu_count() or 1)


def nginx_conf(listen: str, ports: Sequence[int], prefix: Path) -> str:
    """The nginx configuration for ``ports`` behind ``listen`` (e.g. "127.0.0.1:8501")."""
    upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("@PREFIX@", str(prefix))
        .replace("@LISTEN@", listen)
        .replace("@UPSTREAMS@", upstreams)
    )


def cookie_secret(folder: Path) -> str:
    """One secret for every server (Streamlit signs its XSRF and SSO cookies with it), kept across restarts."""
    path = folder / "cookie-secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def start_worker(worker: Worker, env: dict[str, str], log_dir: Path) -> None:
    log = (log_dir / f"{worker.name}.log").open("ab")
    worker.process = subprocess.Popen(
        [sys.executable, "-m", "danvan_metrics.serve", "--server.port", str(worker.port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=PROJECT, env={**env, "DANVAN_WORKER_NAME": worker.name}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_ready(port: int, process: subprocess.Popen[bytes] | None, seconds: float = READY_SECONDS) -> bool:
    """Whether the server on ``port`` answers its health route before ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="N máy chủ danvan sau nginx trên một máy.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")), help="cổng nginx nghe")
    parser.add_argument("--address", default="127.0.0.1", help="địa chỉ nginx nghe (mặc định chỉ máy này)")
    parser.add_argument("--workers", type=int, default=workers_wanted(), help="số máy chủ ứng dụng")
    parser.add_argument("--first-port", type=int, default=0, help="cổng của máy chủ đầu (mặc định: cổng nginx + 1)")
    args = parser.parse_args(argv)
    if not NGINX.exists():
        hint = "Không thấy nginx (/usr/sbin/nginx): chạy `make system-deps` hoặc `apt-get install nginx`."
        print(hint, file=sys.stderr)  # noqa: T201
        return 2
    folder = config.state_dir() / "cluster"
    prefix = folder / "nginx"
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    first = args.first_port or args.port + 1
    workers = [Worker(f"worker-{i + 1}", first + i) for i in range(args.workers)]
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(folder), "PYTHONUNBUFFERED": "1"}
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(f"{args.address}:{args.port}", [w.port for w in workers], prefix), encoding="utf-8")
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        start_worker(worker, env, folder)
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for worker in workers:
            if not wait_ready(worker.port, worker.process):
                print(f"{worker.name} không khởi động được; xem {folder / (worker.name + '.log')}", file=sys.stderr)  # noqa: T201
                return 1
        nginx = subprocess.Popen([str(NGINX), "-p", str(prefix), "-c", str(conf)])
        print(  # noqa: T201
            f"danvan: {len(workers)} máy chủ sau nginx tại http://{args.address}:{args.port} (nhật ký trong {folder})",
            flush=True,
        )
        while not stopping:
            time.sleep(0.5)
            if nginx.poll() is not None:
                print(f"nginx đã dừng; xem {prefix / 'error.log'}", file=sys.stderr)  # noqa: T201
                return 1
            for worker in workers:  # a server that died is started again; the proxy skips it meanwhile
                if worker.process is not None and worker.process.poll() is not None and not stopping:
                    start_worker(worker, env, folder)
        return 0
    finally:
        for process in [nginx, *(w.process for w in workers)]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [nginx, *(w.process for w in workers)]:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())

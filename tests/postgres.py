"""A throwaway PostgreSQL cluster for the tests, started from Debian's ``postgresql`` package.

`make test` installs the package (scripts/ensure-system-deps.sh). The cluster lives in a
temporary folder, listens on 127.0.0.1 and a Unix socket there, and stops when the session
ends. PostgreSQL refuses to run as root, so under root (CI) it runs as the package's ``postgres``
user. Each test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

SUPERUSER = "danvan"


def bin_dir() -> Path:
    """The newest installed PostgreSQL's programs; a clear failure when the package is missing."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make test` (it installs Debian's postgresql)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    folder: Path
    port: int
    _names: Iterator[int] = itertools.count(1)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def new_database(self, prefix: str = "t") -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        name = f"{prefix}{next(self._names)}"
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')  # a generated name, not user input
        engine.dispose()
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(_as_owner([str(bin_dir() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                                  "stop"]), capture_output=True, check=False, timeout=60)  # fmt: skip


@contextlib.contextmanager
def cluster(folder: Path) -> Iterator[Cluster]:
    """Start a cluster in ``folder`` (initdb, then pg_ctl start); stopped and removed afterwards."""
    folder = folder.resolve()  # pg_ctl runs the server from its data folder: a relative path would not hold
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o755)
        for parent in folder.parents:  # postgres must reach the folder through pytest's root-owned tree
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    data = folder / "data"
    subprocess.run(
        _as_owner([str(bin_dir() / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                   "--no-locale", "--no-sync"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        _as_owner([str(bin_dir() / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w",
                   "start"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    running = Cluster(folder, port)
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)

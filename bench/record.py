"""A quarterly file committed to the record, and how soon another process's read store shows it.

``python -m bench.record commit --template HOME --file F --today D --runs N --work DIR`` runs in a
process of its own per engine (``DANVAN_DATABASE_URL`` names PostgreSQL; unset, SQLite in the
home), so both engines are timed by the same code. Each run copies the template state directory
(its read stores are derived data: copied, they only catch up with the record) and starts a
*reader* (``python -m bench.record read``): another server process with its read store open,
which reports the moment its store shows the new version. One JSON line per run on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from danvan_metrics.core import config
from danvan_metrics.record import engine
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import kept
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for

PROJECT = Path(__file__).resolve().parents[1]


def fresh_home(template: Path, home: Path, readers: int = 2) -> None:
    """``template``'s state directory copied to ``home``, its read store copied for ``readers`` processes.

    On PostgreSQL the template's SQLite record is left behind: the read stores then find another
    record (another identity) and copy it whole — what a server does on a record it has not seen.
    """
    shutil.rmtree(home, ignore_errors=True)
    postgres = bool(os.environ.get("DANVAN_DATABASE_URL"))
    left = [f"{config.RECORD_FILE_NAME}*", "*.lock"] if postgres else ["*.lock"]
    shutil.copytree(template, home, ignore=shutil.ignore_patterns(*left))
    read = home / config.READ_DIR_NAME
    first = read / "store-0.duckdb"
    for number in range(1, readers):
        shutil.copyfile(first, read / f"store-{number}.duckdb")


def _fresh_database(index: int) -> None:
    """On PostgreSQL, a new empty database for each run (``DANVAN_BENCH_PG_ADMIN`` names the cluster):
    the same file committed twice to one record would be recognised and refused the second time."""
    admin = os.environ.get("DANVAN_BENCH_PG_ADMIN")
    if not admin:
        return
    name = f"bench_run_{os.getpid()}_{index}"  # a generated name, not user input
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    os.environ["DANVAN_DATABASE_URL"] = sa.engine.make_url(admin).set(database=name).render_as_string(False)


def _store(home: Path) -> Store:
    return Store(home, Path(os.environ["DANVAN_CURATED_DIR"]))


def read(home: Path) -> None:
    """The reader: open the read store, say "ready", then say when its data version changes."""
    store = _store(home)
    before = store.data_version()
    print(json.dumps({"ready": before}), flush=True)  # noqa: T201 — the parent reads this line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = store.data_version()  # the poller thread refreshes the store; reading never waits for it
        if now != before:
            print(json.dumps({"seen": time.time(), "version": now}), flush=True)  # noqa: T201
            return
        time.sleep(0.002)
    print(json.dumps({"error": "not seen within 60 s"}), flush=True)  # noqa: T201


def commit(args: argparse.Namespace) -> None:
    """``args.runs`` commits of the same file, each on a fresh copy of the template, with a reader watching."""
    data = Path(args.file).read_bytes()
    today = dt.date.fromisoformat(args.today)
    for index in range(args.runs):
        home = Path(args.work) / f"home-{index}"
        _fresh_database(index)
        fresh_home(Path(args.template), home)
        store = _store(home)
        store.ensure_current()  # the server was running before the file came
        resolver = resolver_for(store)
        reader = subprocess.Popen(
            [sys.executable, "-m", "bench.record", "read", "--home", str(home)],
            cwd=PROJECT, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
        )  # fmt: skip
        try:
            assert reader.stdout is not None
            ready = json.loads(reader.stdout.readline() or '{"error": "reader did not start"}')
            begin = time.perf_counter()
            preview = uploads.prepare(store, data, Path(args.file).name, resolver, today=today)
            middle = time.perf_counter()
            if not preview.ok:
                reason = [str(e) for e in preview.errors[:1]] or ["the same file is already in the record"]
                print(json.dumps({"error": f"rejected: {reason}"}), flush=True)  # noqa: T201
                return
            writes.commit_upload(store, writes.Operator("bench", prefix=""), preview, data, channel="benchmark")
            end = time.perf_counter()
            committed_at = time.time()
            seen = json.loads(reader.stdout.readline() or '{"error": "reader stopped"}')
        finally:
            reader.kill()
            reader.wait()
        record = {
            "prepare_ms": (middle - begin) * 1000,
            "commit_ms": (end - middle) * 1000,
            "rows_added": preview.rows_added,
            "rows_replaced": preview.rows_replaced,
            "reader_ready": "error" not in ready,
        }
        if "seen" in seen:
            record["visible_ms"] = max(0.0, (seen["seen"] - committed_at) * 1000)
        else:
            record["error"] = seen.get("error", "reader failed")
        print(json.dumps(record), flush=True)  # noqa: T201
        kept.close_all()  # this run's read store and record are done with
        engine.dispose_all()
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m bench.record", description=__doc__)
    sub = options.add_subparsers(dest="command", required=True)
    run = sub.add_parser("commit")
    run.add_argument("--template", required=True)
    run.add_argument("--file", required=True)
    run.add_argument("--today", required=True)
    run.add_argument("--runs", type=int, default=3)
    run.add_argument("--work", required=True)
    reader = sub.add_parser("read")
    reader.add_argument("--home", required=True)
    args = options.parse_args(argv)
    if args.command == "read":
        read(Path(args.home))
    else:
        commit(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

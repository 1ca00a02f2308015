"""``rebuild``, ``backup``, ``restore``: the record and the read stores derived from it.

rebuild  throw this machine's idle read stores away, build one again from the record, and have
         every running server copy the whole record again (within ``DANVAN_REFRESH_MS``)
backup   a consistent copy of the SQLite record, taken while servers run
restore  put a backup back (the replaced record is kept beside it)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail
from danvan_metrics.core import config
from danvan_metrics.core.formats import format_number
from danvan_metrics.record import backup, transactions
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


def _cmd_rebuild(args: argparse.Namespace) -> int:
    store = Store(args.home or config.state_dir())
    transactions.copy_all_again(store.home)  # running servers too, within DANVAN_REFRESH_MS
    store.rebuild()
    figures = int(queries.store_summary(store)["n_figures"].iloc[0])  # counted, not fetched: millions at scale
    print(f"Đã dựng lại kho đọc từ cơ sở dữ liệu gốc: {format_number(figures)} số liệu hiện hành.")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    try:
        target = backup.backup(args.home or config.state_dir(), args.file)
    except backup.BackupError as exc:
        return fail(str(exc), 1)
    print(f"Đã sao lưu cơ sở dữ liệu gốc vào {target}.")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    home = args.home or config.state_dir()
    try:
        kept = backup.restore(home, args.file)
    except backup.BackupError as exc:
        return fail(str(exc), 1)
    Store(home).ensure_current()
    print(f"Đã khôi phục từ {args.file}; bản đang dùng trước đó được giữ ở {kept}.")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``rebuild``, ``backup`` and ``restore`` to the parser's sub-commands."""
    rebuild = sub.add_parser(
        "rebuild",
        help="rebuild the read store from the record",
        description="Build this machine's read store again from the curated files, the registry and the "
        "record; running servers copy the whole record again within DANVAN_REFRESH_MS.",
    )
    rebuild.set_defaults(func=_cmd_rebuild)
    saved = sub.add_parser(
        "backup",
        help="copy the SQLite record to a file (while servers run)",
        description="A consistent copy of the SQLite record (uploads, their files, the audit trail, accounts), "
        "taken with SQLite's online backup while servers run. PostgreSQL: use pg_dump.",
    )
    saved.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    saved.set_defaults(func=_cmd_backup)
    restore = sub.add_parser(
        "restore",
        help="put a backup of the record back",
        description="Replace the SQLite record by a backup made with `backup`; the record replaced is kept as "
        "before-restore-<time>.sqlite3 in the state directory. Running servers copy the restored record.",
    )
    restore.add_argument("file", type=Path, help="a backup file made by `backup`")
    restore.set_defaults(func=_cmd_restore)

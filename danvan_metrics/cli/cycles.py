"""``cycles define|list|status``: reporting regimes and who has reported (issue #17).

``cycles status --json`` prints one object per reporting unit, as the page "Tình hình nộp báo cáo"
shows them: unit_id, status, missing_metrics, submitted_at, deadline (and the regime and cycle).
"""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail
from danvan_metrics.reporting import book
from danvan_metrics.reporting.regimes import FREQUENCY_LABELS, PERIOD_EXAMPLES, RegimeError
from danvan_metrics.reporting.status import STATUS_LABELS, counts, label
from danvan_metrics.store.connection import open_store


def _cmd_define(args: argparse.Namespace) -> int:
    from danvan_metrics.services import writes

    store = open_store(args.home)
    path = Path(args.file)
    try:
        regime = book.read_regime_file(store, path.read_bytes(), path.name)
    except OSError as exc:
        return fail(f"Không đọc được tệp {path}: {exc.strerror}.", 1)
    except RegimeError as exc:
        return fail(exc.message, 1)
    actor: writes.Actor = args.by or writes.Operator(getpass.getuser())
    try:
        replaced = writes.define_regime(store, actor, regime)
    except writes.WriteRefused as refused:
        return fail(refused.message, 2)
    print(f"Đã {'cập nhật' if replaced else 'thêm'} chế độ báo cáo {regime.regime_id}: {regime.name}.")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    kept = book.regimes(store)
    if not kept:
        print("Chưa có chế độ báo cáo nào. Thêm bằng: python -m danvan_metrics cycles define TỆP.json")
    for item in kept:
        regime = item.regime
        newest = book.regime_cycles(regime)
        print(f"{regime.regime_id}\t{regime.name}\t{FREQUENCY_LABELS[regime.frequency]}\t"
              f"{len(regime.metrics)} chỉ tiêu\t{len(newest)} kỳ")  # fmt: skip
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    kept = [k.regime for k in book.regimes(store)]
    if args.regime:
        kept = [r for r in kept if r.regime_id == args.regime]
        if not kept:
            return fail(f"Không có chế độ báo cáo “{args.regime}” (xem: python -m danvan_metrics cycles list).", 1)
    found: list[dict[str, Any]] = []
    for regime in kept:
        try:
            cycle = book.pick_cycle(regime, args.cycle)
        except ValueError:
            example = PERIOD_EXAMPLES[regime.frequency]
            return fail(f"Kỳ “{args.cycle}” không phải một kỳ của chế độ {regime.regime_id} (ví dụ {example}).", 1)
        rows = book.cycle_status(store, regime, cycle)
        if args.json:
            found += [{"regime_id": regime.regime_id, **row.as_json()} for row in rows]
            continue
        tally = counts(rows)
        print(f"{regime.name} — {cycle.label}, hạn nộp {cycle.deadline:%d/%m/%Y}: "
              + ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in tally.items()))  # fmt: skip
        for row in rows:
            missing = f"\tthiếu: {', '.join(row.missing_metrics)}" if row.missing_metrics and row.submitted_at else ""
            print(f"{row.unit_id}\t{row.unit_name}\t{label(row)}{missing}")
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    return 0


def _cmd_remind(args: argparse.Namespace) -> int:
    from danvan_metrics.core import config
    from danvan_metrics.services import reminders

    store = open_store(args.home)
    if args.dry_run or config.smtp_url() is None:
        found = reminders.reminders(store, soon_days=args.days)
        why = "--dry-run" if args.dry_run else "DANVAN_SMTP_URL chưa đặt"
        print(f"Không gửi thư nào ({why}). {len(found)} tài khoản có báo cáo quá hạn hoặc đến hạn trong "
              f"{args.days} ngày, hoặc tệp chờ duyệt:")  # fmt: skip
        for item in found:
            address = item.email or "(chưa có địa chỉ thư)"
            what = f"{len(item.waiting)} tệp chờ duyệt" if item.waiting else (
                f"{len(item.items)} báo cáo, {item.overdue} quá hạn")  # fmt: skip
            print(f"{item.account}\t{address}\t{what}")
        return 0
    try:
        sent, found = reminders.send_reminders(store, soon_days=args.days)
    except reminders.ReminderError as exc:
        return fail(exc.message, 1)
    without = [r.account for r in found if not r.email]
    print(f"Đã gửi {sent} thư nhắc hạn." + (f" Chưa có địa chỉ thư: {', '.join(without)}." if without else ""))
    return 0


def add_commands(sub: Any) -> None:
    cycles = sub.add_parser("cycles", help="reporting regimes and who has reported (chế độ báo cáo, kỳ báo cáo)")
    commands = cycles.add_subparsers(dest="cycles_command", required=True, metavar="SUBCOMMAND")
    define = commands.add_parser("define", help="add or replace a regime from its JSON file")
    define.add_argument("file", help="the regime's JSON file (examples/che-do-bao-cao-MAU.json)")
    define.add_argument("--by", help="an admin account to act as (default: you, at the console)")
    define.set_defaults(func=_cmd_define)
    listing = commands.add_parser("list", help="the regimes in the record")
    listing.set_defaults(func=_cmd_list)
    status = commands.add_parser("status", help="each reporting unit's status for a cycle")
    status.add_argument("--regime", help="a regime id (default: every regime)")
    status.add_argument("--cycle", help="a period: 2026-Q1, or 2026 for a yearly regime (default: the latest due)")
    status.add_argument("--json", action="store_true", help="one JSON object per unit")
    status.set_defaults(func=_cmd_status)
    remind = commands.add_parser(
        "remind",
        help="e-mail each editor what their units owe, and each reviewer what waits for review (DANVAN_SMTP_URL)",
    )
    remind.add_argument("--days", type=int, default=7, help="also remind of deadlines within this many days (7)")
    remind.add_argument("--dry-run", action="store_true", help="list who would be reminded, send nothing")
    remind.set_defaults(func=_cmd_remind)

"""The command line: ``python -m danvan_metrics COMMAND``; the parser from each command group, and `main`.

dump   every figure in the store, one row each, as CSV (or JSON)
check  validate the curated data against the source documents
user   manage sign-in accounts (`cli.accounts`)
ingest, uploads, retract  quarterly files in, the upload log, withdrawing one (`cli.uploads`)
cycles  reporting regimes and who has reported for a cycle (`cli.cycles`)
review  approve or return uploads under a regime (`cli.review`)
rebuild, backup, restore  the read store from the record; copies of the SQLite record (`cli.record`)
registry build  regenerate data/registry from the reference lists
export  a chart as PNG or SVG, or a slide deck (PowerPoint, PDF) for a meeting
synth  sample figures for the demo and the benchmark (`cli.demo`)

`main` turns every failure a person can meet into one Vietnamese sentence and an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from danvan_metrics.auth import accounts as account_store
from danvan_metrics.cli import accounts, cycles, data, demo, export, record, registry, review, uploads
from danvan_metrics.cli.output import visible
from danvan_metrics.record.engine import RecordUnavailableError
from danvan_metrics.store.connection import MixedDataError, StoreBusyError, StoreUnavailableError

__all__ = ["build_parser", "main", "visible"]
# Each group adds its commands in this order, the order --help lists them in.
GROUPS = (data, accounts, uploads, cycles, review, record, registry, export, demo)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser: ``--home`` and one sub-command per command, each with its ``func``."""
    parser = argparse.ArgumentParser(
        prog="python -m danvan_metrics",
        description="danvan: số liệu dân vận chính quyền (figures on government mass-mobilisation work).",
    )
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="state directory holding the store (default: $DANVAN_HOME, else ./instance)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code: 0 done, 1 refused or failed, 2 not allowed or misused, 3 store busy."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except MixedDataError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (account_store.AccountError, StoreUnavailableError, RecordUnavailableError) as exc:
        print(visible(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu; lệnh đang ghi (nếu có) không để lại thay đổi dở dang.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — the last line of defence: a person sees a sentence, not a traceback
        if os.environ.get("DANVAN_DEBUG"):
            raise
        print(f"Lỗi ngoài dự kiến ({type(exc).__name__}): {visible(exc)}. Đặt DANVAN_DEBUG=1 để xem chi tiết "
              "kỹ thuật, và gửi cho người quản trị hệ thống.", file=sys.stderr)  # fmt: skip
        return 70

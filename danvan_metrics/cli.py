"""The command line: ``python -m danvan_metrics COMMAND``.

dump   every figure in the store, one row each, as CSV (or JSON)
check  validate the curated data against the source documents
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from danvan_metrics import config, queries
from danvan_metrics.check import check_curated
from danvan_metrics.store import StoreBusyError, open_store


def plain_number(value: Any) -> str:
    """A number as plain text with a decimal point: 15590 → "15590", 91.94 → "91.94"; empty if missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return repr(number)


def dump_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The dump as text: ISO dates, plain numbers, empty cells for missing values."""
    out = frame.copy()
    for column in ("value", "numerator", "denominator"):
        out[column] = out[column].map(plain_number)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    return out.fillna("")


def _cmd_dump(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    frame = dump_frame(queries.dump(store))
    if args.format == "json":
        json.dump(frame.to_dict(orient="records"), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    problems = check_curated(args.curated, args.project)
    if problems:
        print(f"Dữ liệu tuyển chọn có {len(problems)} lỗi:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    rows = sum(1 for _ in (Path(args.curated or config.CURATED_DIR) / "observations.csv").open(encoding="utf-8")) - 1
    print(f"Dữ liệu tuyển chọn hợp lệ: {rows} số liệu, mỗi số liệu có trích dẫn nguyên văn trong văn bản nguồn.")
    return 0


def build_parser() -> argparse.ArgumentParser:
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

    dump = sub.add_parser(
        "dump",
        help="print every figure in the store",
        description="Print every current figure in the store, one row each, sorted by unit, metric and "
        "period. Columns start with: unit_id, unit_name, metric_id, metric_name, period_start, period_end, "
        "period_label, value, qualifier, numerator, denominator, unit_of_measure, source_id, source_quote. "
        "Dates are ISO (YYYY-MM-DD); numbers are plain, with a decimal point.",
    )
    dump.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    dump.set_defaults(func=_cmd_dump)

    check = sub.add_parser(
        "check",
        help="validate the curated data against the source documents",
        description="Check data/curated: every quote stands verbatim in its document, every figure stands "
        "in its quote as the document writes it, values agree with numerator/denominator, every unit, metric "
        "and source exists, and no figure is duplicated. Exits 1 and names file, line and fault on a problem.",
    )
    check.add_argument("--curated", type=Path, default=None, help="folder of curated CSVs (default: data/curated)")
    check.add_argument("--project", type=Path, default=None, help="folder source file paths are relative to")
    check.set_defaults(func=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0

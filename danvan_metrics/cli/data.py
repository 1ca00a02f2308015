"""``dump`` (every figure in the store, as CSV or JSON) and ``check`` (the curated data against its sources).

``dump`` prints for machines on standard output, not a download: comma-separated, plain numbers
with a decimal point, ISO dates (the spreadsheet download is `export.formats.CSV`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import dump_frame, json_number
from danvan_metrics.core import config
from danvan_metrics.ingest.check import check_curated
from danvan_metrics.store import queries
from danvan_metrics.store.connection import open_store

DUMP_FORMATS = ("csv", "json")


def _cmd_dump(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    first = True
    # Batch by batch, so a national store (millions of figures) never sits in memory whole.
    for batch in queries.dump_batches(store):
        text = dump_frame(batch)
        if args.format == "csv":
            text.to_csv(sys.stdout, index=False, header=first, lineterminator="\n")
        else:
            for column in ("value", "numerator", "denominator"):
                text[column] = batch[column].map(json_number).astype("object")
            for record in text.to_dict(orient="records"):
                sys.stdout.write("[\n" if first else ",\n")
                sys.stdout.write(json.dumps(record, ensure_ascii=False))
                first = False
        first = False
    if args.format == "json":
        sys.stdout.write("[]\n" if first else "\n]\n")
    elif first:  # an empty store still gets its header line
        dump_frame(queries.dump(store)).to_csv(sys.stdout, index=False, lineterminator="\n")
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


def add_commands(sub: Any) -> None:
    """Add ``dump`` and ``check`` to the parser's sub-commands."""
    dump = sub.add_parser(
        "dump",
        help="print every figure in the store",
        description="Print every current figure in the store, one row each, sorted by unit, metric and "
        "period. Columns start with: unit_id, unit_name, metric_id, metric_name, period_start, period_end, "
        "period_label, value, qualifier, numerator, denominator, unit_of_measure, source_id, source_quote. "
        "Dates are ISO (YYYY-MM-DD); numbers are plain, with a decimal point.",
    )
    dump.add_argument("--format", choices=DUMP_FORMATS, default="csv", help="output format (default: csv)")
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

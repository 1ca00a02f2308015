"""``ingest`` (check and add a quarterly file), ``uploads`` (the log) and ``retract`` (withdraw one).

Checking is `services.uploads`; who may write, and the write itself with its audit entry, is
`services.writes` (the same calls as the upload page). Here: arguments in, report out.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail, visible
from danvan_metrics.store import queries
from danvan_metrics.store.connection import open_store

NEED_EDITOR = "Cần --by TÊN của một tài khoản biên tập viên hoặc quản trị đang hoạt động."


def _cmd_ingest(args: argparse.Namespace) -> int:
    from danvan_metrics.services import uploads, writes
    from danvan_metrics.store.resolving import resolver_for

    store = open_store(args.home)
    actor: writes.Actor = args.by or writes.Operator(getpass.getuser())
    if not args.dry_run and not args.by and not store.synthetic:
        return fail(NEED_EDITOR, 2)
    try:
        data = args.file.read_bytes()
    except FileNotFoundError:
        return fail(f"Không tìm thấy tệp {visible(args.file)}: hãy kiểm tra đường dẫn.", 1)
    except IsADirectoryError:
        return fail(f"{visible(args.file)} là một thư mục, không phải tệp .csv hoặc .xlsx.", 1)
    except PermissionError:
        return fail(f"Không có quyền đọc tệp {visible(args.file)}.", 1)
    preview = uploads.prepare(store, data, args.file.name, resolver_for(store))
    errors = list(preview.errors)
    if not args.dry_run:
        refused = writes.refusals(store, actor, preview)
        if refused and refused[0].row is None:
            return fail(NEED_EDITOR, 2)
        errors += refused
    if preview.duplicate_of is not None:
        prior = preview.duplicate_of
        errors.append(uploads.Issue(None, None, f"tệp này đã được tải lên lúc {prior.uploaded_at:%d/%m/%Y %H:%M} "
                                                f"(mã {prior.upload_id})"))  # fmt: skip
    upload_id = None
    if not errors and not args.dry_run:
        upload_id = writes.commit_upload(store, actor, preview, data, channel=writes.CHANNEL_CLI)
    status = "rejected" if errors else ("valid" if args.dry_run else "committed")
    report = {
        "status": status,
        "upload_id": upload_id,
        "rows_added": preview.rows_added if not errors else 0,
        "rows_replaced": preview.rows_replaced if not errors else 0,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in errors],
        "warnings": [{"row": w.row, "column": w.column, "message": w.message} for w in preview.warnings],
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for issue in errors:
            print(f"LỖI {visible(issue.describe(preview.file_name))}", file=sys.stderr)
        for issue in preview.warnings:
            print(f"Lưu ý {visible(issue.describe(preview.file_name))}")
        if status == "committed":
            print(f"Đã ghi: {report['rows_added']} mới, {report['rows_replaced']} thay thế (mã tải lên {upload_id}).")
        elif status == "valid":
            print(f"Tệp hợp lệ: {report['rows_added']} mới, {report['rows_replaced']} thay thế (chưa ghi: --dry-run).")
        else:
            print(f"Tệp bị từ chối: {len(errors)} lỗi; không ghi số liệu nào.", file=sys.stderr)
    return 1 if errors else 0


def _cmd_uploads(args: argparse.Namespace) -> int:
    from danvan_metrics.services import uploads

    store = open_store(args.home)
    log = queries.upload_log(store)
    for row in log.itertuples(index=False):
        state = "đang dùng" if row.status == "committed" else f"đã rút lại ({visible(row.retracted_by)})"
        print(f"{row.upload_id}\t{row.uploaded_at:%Y-%m-%d %H:%M}\t{visible(row.uploaded_by)}\t"
              f"{visible(row.file_name)}\t+{row.rows_added}\t~{row.rows_replaced}\t{state}")  # fmt: skip
    orphans = uploads.orphan_archives(store)
    if orphans:
        print(f"{len(orphans)} tệp lưu trữ không thuộc lần tải lên nào (lần ghi bị lỗi hoặc bị ngắt sau khi lưu tệp; "
              "không chứa số liệu đang dùng, có thể xóa sau khi xem):", file=sys.stderr)  # fmt: skip
        for path in orphans:
            print(f"  {visible(path)}", file=sys.stderr)
    return 0


def _cmd_retract(args: argparse.Namespace) -> int:
    from danvan_metrics.services import uploads, writes

    store = open_store(args.home)
    if not args.by:
        return fail(NEED_EDITOR, 2)
    try:
        count = writes.retract_upload(store, args.by, args.upload_id, channel=writes.CHANNEL_CLI)
    except writes.WriteRefused as refused:
        return fail(refused.message, 2)
    except uploads.UploadError as exc:
        return fail(str(exc), 1)
    print(f"Đã rút lại {args.upload_id}: {count} số liệu thôi hiển thị; số liệu cũ (nếu có) được khôi phục.")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``ingest``, ``uploads`` and ``retract`` to the parser's sub-commands."""
    ingest = sub.add_parser(
        "ingest",
        help="check and add a quarterly file (CSV or XLSX) to the store",
        description="Read a quarterly file in the upload template, check every row, and add it to the store "
        "in one transaction (the file is archived first). Exit 0 when committed (or valid with --dry-run), "
        "1 when rejected, 2 when --by is not an editor account.",
    )
    ingest.add_argument("file", type=Path, help="the .csv or .xlsx file")
    ingest.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    ingest.add_argument("--by", metavar="NAME", help="the editor account uploading (required unless --dry-run)")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(func=_cmd_ingest)
    log = sub.add_parser("uploads", help="list every upload", description="List every upload, newest first.")
    log.set_defaults(func=_cmd_uploads)
    retract = sub.add_parser(
        "retract",
        help="withdraw an upload by its id",
        description="Withdraw an upload: its figures leave every chart, the log keeps it, and the figures it "
        "replaced become current again.",
    )
    retract.add_argument("upload_id", help="the id shown by `uploads`")
    retract.add_argument("--by", metavar="NAME", required=True, help="the editor or admin account withdrawing it")
    retract.set_defaults(func=_cmd_retract)

"""``review list|approve|return``: the review queue of uploads under a reporting regime (issue #17).

A reviewer acts under their own account (``--by NAME``): the same rules as in the app (their units,
the regime's reviewers, never their own upload), through `services.review`, in the audit trail.
"""

from __future__ import annotations

import argparse
from typing import Any

from danvan_metrics.cli.output import fail
from danvan_metrics.core.formats import format_datetime
from danvan_metrics.store.connection import open_store

CHANNEL = "dòng lệnh"


def _cmd_list(args: argparse.Namespace) -> int:
    from danvan_metrics.store import queries

    store = open_store(args.home)
    states = ["pending"] if not args.all else ["pending", "returned", "approved"]
    queue = queries.review_uploads(store, states)
    if queue.empty:
        print("Không có tệp nào chờ duyệt.")
    labels = {"pending": "chờ duyệt", "approved": "đã duyệt", "returned": "trả lại"}
    for row in queue.itertuples(index=False):
        print(f"{row.upload_id}\t{labels[str(row.review)]}\t{row.file_name}\t{row.uploaded_by}\t"
              f"{format_datetime(row.uploaded_at)}\t{row.n_figures} số liệu\t{row.unit_names}")  # fmt: skip
    return 0


def _decide(args: argparse.Namespace, approve: bool) -> int:
    from danvan_metrics.services import review, uploads, writes

    if not approve and not (args.comment or "").strip():
        return fail("Khi trả lại, hãy ghi rõ lý do để đơn vị biết cần sửa gì (--comment).", 1)
    store = open_store(args.home)
    try:
        review.review_upload(store, args.by, args.upload_id, approve, args.comment or "", channel=CHANNEL)
    except writes.WriteRefused as refused:
        return fail(refused.message, 2)
    except uploads.UploadError as exc:
        return fail(str(exc), 1)
    print(f"Đã {'duyệt' if approve else 'trả lại'} lần tải lên {args.upload_id}.")
    return 0


def add_commands(sub: Any) -> None:
    group = sub.add_parser("review", help="approve or return uploads under a reporting regime (duyệt số liệu)")
    commands = group.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    listing = commands.add_parser("list", help="the uploads waiting for review, oldest first")
    listing.add_argument("--all", action="store_true", help="also those already approved or returned")
    listing.set_defaults(func=_cmd_list)
    for name, approve, text in (("approve", True, "approve an upload: its figures count"),
                                ("return", False, "return an upload to its unit, saying why (--comment)")):  # fmt: skip
        command = commands.add_parser(name, help=text)
        command.add_argument("upload_id", help="the upload's id (review list)")
        command.add_argument("--by", required=True, help="the reviewer's account name")
        command.add_argument("--comment", help="why (required to return)")
        command.set_defaults(func=lambda args, approve=approve: _decide(args, approve))

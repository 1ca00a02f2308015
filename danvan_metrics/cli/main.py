"""The command line: ``python -m danvan_metrics COMMAND``.

dump   every figure in the store, one row each, as CSV (or JSON)
check  validate the curated data against the source documents
registry build  regenerate data/registry from the reference lists
export  a chart as PNG or SVG, or a slide deck (PowerPoint, PDF) for a meeting
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from danvan_metrics.auth import accounts
from danvan_metrics.core import config
from danvan_metrics.core.model import Period
from danvan_metrics.export.chart_spec import ChartSpec, CompareSpec, TrendSpec, slide_for, units_of
from danvan_metrics.figures.views import ScaleView
from danvan_metrics.ingest.check import check_curated
from danvan_metrics.store import queries
from danvan_metrics.store.connection import MixedDataError, StoreBusyError, StoreUnavailableError, open_store


def visible(text: object) -> str:
    """User-supplied text for a terminal: control and format characters shown as escapes, never obeyed.

    A file named "\\x1b[2K\\x1b[1Aok.csv" would otherwise erase a line of the administrator's
    terminal or retitle its window; here it prints as ``\\x1b[2K\\x1b[1Aok.csv``.
    """
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in str(text))


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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


def json_number(value: object) -> int | float | None:
    """A figure for JSON: 15590 → 15590, 91.94 → 91.94, missing → null (numbers stay numbers)."""
    if value is None or pd.isna(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return int(number) if math.isfinite(number) and number == int(number) else number


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
    _add_user_commands(sub)
    _add_upload_commands(sub)
    _add_registry_commands(sub)
    _add_export_command(sub)
    _add_synth_command(sub)
    return parser


def _read_password(args: argparse.Namespace) -> str:
    """The password from a prompt (typed twice), or one line of standard input for scripts."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise accounts.AccountError("Hai lần nhập mật khẩu không khớp.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _cmd_user(args: argparse.Namespace) -> int:
    from danvan_metrics.services import writes

    home = args.home or config.state_dir()
    store = open_store(args.home)
    operator = writes.Operator(getpass.getuser())
    if args.user_command == "add":
        account = writes.add_account(store, operator, args.name, _read_password(args), args.role, args.units or (),
                                     args.email)  # fmt: skip
        print(f"Đã tạo tài khoản {account.name} ({accounts.ROLE_LABELS[account.role]}).")
    elif args.user_command == "passwd":
        writes.set_password(store, operator, args.name, _read_password(args))
        print(f"Đã đổi mật khẩu của {args.name}.")
    elif args.user_command in ("disable", "enable"):
        writes.set_disabled(store, operator, args.name, args.user_command == "disable")
        print(f"Đã {'vô hiệu hóa' if args.user_command == 'disable' else 'kích hoạt lại'} tài khoản {args.name}.")
    else:
        for account in accounts.list_accounts(home):
            state = "vô hiệu hóa" if account.disabled else "hoạt động"
            units = ",".join(account.units) or "mọi đơn vị"
            print(f"{account.name}\t{account.role}\t{units}\t{state}")
    return 0


def _add_user_commands(sub: Any) -> None:
    user = sub.add_parser(
        "user",
        help="manage sign-in accounts (add, list, disable, enable, passwd)",
        description="Manage the accounts that may upload or retract figures. Accounts live in the state "
        "directory, with Argon2 password hashes; there is no default account.",
    )
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="create an account; asks for the password (or reads one line from stdin)",
        description="Create an account. The password is asked twice at a prompt, or read as one line "
        "from standard input when it is not a terminal (for scripts).",
    )  # fmt: skip
    add.add_argument("name", help="sign-in name: 2–40 characters a–z, 0–9, '.', '_' or '-'")
    add.add_argument("--role", choices=[r.value for r in accounts.Role], required=True,
                     help="viewer (look only), editor (upload, retract own uploads) or admin (everything)")  # fmt: skip
    add.add_argument("--email", help="e-mail the organisation's identity provider signs this person in with (SSO)")
    add.add_argument("--units", nargs="*", metavar="UNIT_ID",
                     help="limit an editor to these unit ids (default: every unit)")  # fmt: skip
    actions.add_parser("list", help="list accounts with role, units and state")
    for name, text in (("disable", "stop an account from signing in"), ("enable", "let a disabled account sign in"),
                       ("passwd", "set a new password (prompt or one line of stdin)")):  # fmt: skip
        action = actions.add_parser(name, help=text, description=text.capitalize() + ".")
        action.add_argument("name", help="the account's sign-in name")
    user.set_defaults(func=_cmd_user)


NEED_EDITOR = "Cần --by TÊN của một tài khoản biên tập viên hoặc quản trị đang hoạt động."


def _cmd_ingest(args: argparse.Namespace) -> int:
    from danvan_metrics.services import uploads, writes
    from danvan_metrics.store.resolving import resolver_for

    store = open_store(args.home)
    actor: writes.Actor = args.by or writes.Operator(getpass.getuser())
    if not args.dry_run and not args.by and not store.synthetic:
        print(NEED_EDITOR, file=sys.stderr)
        return 2
    try:
        data = args.file.read_bytes()
    except FileNotFoundError:
        print(f"Không tìm thấy tệp {visible(args.file)}: hãy kiểm tra đường dẫn.", file=sys.stderr)
        return 1
    except IsADirectoryError:
        print(f"{visible(args.file)} là một thư mục, không phải tệp .csv hoặc .xlsx.", file=sys.stderr)
        return 1
    except PermissionError:
        print(f"Không có quyền đọc tệp {visible(args.file)}.", file=sys.stderr)
        return 1
    preview = uploads.prepare(store, data, args.file.name, resolver_for(store))
    errors = list(preview.errors)
    if not args.dry_run:
        refused = writes.refusals(store, actor, preview)
        if refused and refused[0].row is None:
            print(NEED_EDITOR, file=sys.stderr)
            return 2
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
        print(NEED_EDITOR, file=sys.stderr)
        return 2
    try:
        count = writes.retract_upload(store, args.by, args.upload_id, channel=writes.CHANNEL_CLI)
    except writes.WriteRefused as refused:
        print(refused.message, file=sys.stderr)
        return 2
    except uploads.UploadError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Đã rút lại {args.upload_id}: {count} số liệu thôi hiển thị; số liệu cũ (nếu có) được khôi phục.")
    return 0


def _add_upload_commands(sub: Any) -> None:
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


def _cmd_registry(args: argparse.Namespace) -> int:
    from danvan_metrics.registry import build as registry_build

    out = args.out or registry_build.DEFAULT_OUT
    try:
        report = registry_build.build_registry(args.reference or registry_build.DEFAULT_REFERENCE, out)
    except FileNotFoundError as exc:
        print(f"Không tìm thấy danh mục gốc: {exc}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    print(f"Đã ghi danh mục đơn vị hành chính vào {out}.")
    return 0


def _add_registry_commands(sub: Any) -> None:
    registry = sub.add_parser(
        "registry",
        help="the national list of administrative units (build)",
        description="The national list of administrative units before and after 1 July 2025.",
    )
    actions = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    build = actions.add_parser(
        "build",
        help="regenerate data/registry from the reference lists and print row counts",
        description="Rebuild data/registry (units.csv, links.csv) and data/LICENSES from the MIT-licensed "
        "reference lists, the same bytes on every run, and print row counts and upstream oddities.",
    )
    build.add_argument("--reference", type=Path, default=None,
                       help="folder of reference lists (default: ../shared/reference/admin-units)")  # fmt: skip
    build.add_argument("--out", type=Path, default=None, help="folder to write (default: data/registry)")
    build.set_defaults(func=_cmd_registry)


EXPORT_FORMATS = ("png", "svg", "pptx", "pdf")


def _period_arg(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        message = f"kỳ không hợp lệ «{text}»: viết TỪ..ĐẾN, ví dụ 2022-01-01..2022-09-30"
        raise argparse.ArgumentTypeError(message) from None


def _cmd_export(args: argparse.Namespace) -> int:
    from danvan_metrics.export import deck, images

    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "")
    if fmt not in EXPORT_FORMATS:
        print("Cần --format png, svg, pptx hoặc pdf (hoặc --out có đuôi tệp như vậy).", file=sys.stderr)
        return 2
    if args.unit and fmt in ("png", "svg"):
        print("Hồ sơ đơn vị là một bộ slide: dùng --format pptx hoặc pdf.", file=sys.stderr)
        return 2
    if args.chart == "trend" and (args.period or args.view):
        print("--period và --view chỉ dùng cho biểu đồ so sánh; biểu đồ xu hướng lấy mọi kỳ.", file=sys.stderr)
        return 2
    store = open_store(args.home)
    try:
        if args.unit:
            made = deck.profile_deck(store, args.unit)
        else:
            spec: ChartSpec = (
                TrendSpec(args.metric, units_of(args.units))
                if args.chart == "trend"
                else CompareSpec(args.metric, units_of(args.units), args.period, view=args.view)
            )
            made = deck.chart_deck([slide_for(store, spec)])
        slide = made.slides[0]
        name = made.file_name(fmt) if fmt in ("pptx", "pdf") else slide.file_name(fmt)
        out = args.out or Path(name)
        out = out / name if out.is_dir() else out
        if fmt == "png":
            data = images.to_png(slide.figure)
        elif fmt == "svg":
            data = images.to_svg(slide.figure)
        else:
            data = made.pptx() if fmt == "pptx" else made.pdf()
    except (deck.DeckError, images.ExportError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out.write_bytes(data)
    what = f"{len(made.slides)} biểu đồ, kèm trang bìa và trang nguồn" if fmt in ("pptx", "pdf") else "1920×1080"
    print(f"Đã ghi {out} ({what}).")
    return 0


def _add_export_command(sub: Any) -> None:
    export = sub.add_parser(
        "export",
        help="save a chart as PNG or SVG, or a slide deck as PowerPoint or PDF",
        description="Save a chart exactly as the dashboard draws it, with its title, periods, units and "
        "sources inside: an image (PNG 1920×1080 or SVG) or a slide deck (cover, the chart, a sources slide). "
        "--unit makes a unit's profile deck: one chart per metric the unit has figures for. Exit 1 when the "
        "metric or unit is unknown or has no figures.",
    )  # fmt: skip
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--metric", metavar="METRIC_ID", help="the metric to chart (ids are listed by `dump`)")
    what.add_argument("--unit", metavar="UNIT_ID", help="a unit's profile deck instead of one chart (pptx or pdf)")
    export.add_argument("--units", nargs="+", metavar="UNIT_ID", help="only these units (default: all with figures)")
    export.add_argument("--period", type=_period_arg, metavar="START..END",
                        help="only figures over exactly this period, e.g. 2022-01-01..2022-09-30 "
                        "(default: each unit's latest)")  # fmt: skip
    export.add_argument("--chart", choices=("compare", "trend"), default="compare",
                        help="compare units (default) or show the metric over time")  # fmt: skip
    export.add_argument("--view", choices=[v.value for v in ScaleView],
                        help="with many units, the compact compare view: top_bottom (default), distribution "
                        "or provinces, as on the page")  # fmt: skip
    export.add_argument("--format", choices=EXPORT_FORMATS, help="file type (default: from the --out file name)")
    export.add_argument("--out", type=Path, help="file or folder to write (default: named after metric, units, period)")
    export.set_defaults(func=_cmd_export)


def _cmd_synth(args: argparse.Namespace) -> int:
    from danvan_metrics.demo import synth

    if args.load and args.home is None:
        print("--load cần --home THƯ_MỤC riêng cho dữ liệu mẫu (không bao giờ là kho số liệu thật).", file=sys.stderr)
        return 2
    plan = synth.Plan(communes=args.communes, metrics=args.metrics, quarters=args.quarters, demo=args.demo,
                      revised_share=0.05 if args.demo else 0.005)  # fmt: skip
    if args.seed is not None:
        plan = dataclasses.replace(plan, seed=args.seed)
    written = synth.generate(plan, args.out)
    print(f"Đã tạo DỮ LIỆU MẪU trong {args.out}: {written.rows} số liệu, {written.units} đơn vị, "
          f"{written.metrics} chỉ tiêu, {written.quarters[0]}–{written.quarters[-1]}; "
          f"{written.late_rows} số liệu nộp muộn trong {len(written.late_files)} tệp.")  # fmt: skip
    if args.load:
        try:
            store, committed = synth.load(args.out, args.home)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(f"Đã nạp vào {store.db_path} ({len(committed)} tệp nộp muộn mới được ghi).")
    return 0


def _add_synth_command(sub: Any) -> None:
    synth = sub.add_parser(
        "synth",
        help="make sample (synthetic) figures for the demo and the benchmark",
        description="Write made-up figures for real units and metrics into a folder of its own: "
        "OUT/curated (with the marker SYNTHETIC.json and the source synthetic_demo, titled DỮ LIỆU MẪU), "
        "OUT/registry and OUT/late (quarterly upload files that came late). They never go into the real "
        "store: --load builds a separate store in --home, and the store refuses to mix the two kinds.",
    )  # fmt: skip
    synth.add_argument("--out", type=Path, required=True, help="folder to write (its sub-folders are replaced)")
    synth.add_argument("--communes", type=int, default=3321, help="post-reform communes, spread over provinces")
    synth.add_argument("--metrics", type=int, default=60,
                       help="metrics with figures; above the catalog's 31, sample metrics are added")  # fmt: skip
    synth.add_argument("--quarters", type=int, default=40, help="quarters, ending with the last complete one")
    synth.add_argument("--seed", type=int, default=None, help="random seed (default fixed: same options, same files)")
    synth.add_argument("--demo", action="store_true",
                       help="small demo set: seed units and their successors, key metrics, 12 quarters")  # fmt: skip
    synth.add_argument("--load", action="store_true",
                       help="also build the store in --home from it and commit the late files")  # fmt: skip
    synth.set_defaults(func=_cmd_synth)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except MixedDataError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (accounts.AccountError, StoreUnavailableError) as exc:
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

"""``registry build``: regenerate data/registry (the national list of administrative units) from the reference lists."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail


def _cmd_registry(args: argparse.Namespace) -> int:
    from danvan_metrics.registry import build as registry_build

    out = args.out or registry_build.DEFAULT_OUT
    try:
        report = registry_build.build_registry(args.reference or registry_build.DEFAULT_REFERENCE, out)
    except FileNotFoundError as exc:
        return fail(f"Không tìm thấy danh mục gốc: {exc}", 1)
    for line in report.lines():
        print(line)
    print(f"Đã ghi danh mục đơn vị hành chính vào {out}.")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``registry`` and its action ``build`` to the parser's sub-commands."""
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

"""``synth``: sample (synthetic) figures for the demo and the benchmark, in a folder of their own."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail

NEED_OWN_HOME = "--load cần --home THƯ_MỤC riêng cho dữ liệu mẫu (không bao giờ là kho số liệu thật)."


def _cmd_synth(args: argparse.Namespace) -> int:
    from danvan_metrics.demo import synth

    if args.load and args.home is None:
        return fail(NEED_OWN_HOME, 2)
    plan = synth.Plan(communes=args.communes, metrics=args.metrics, quarters=args.quarters, demo=args.demo,
                      revised_share=0.05 if args.demo else 0.005, provinces=args.provinces)  # fmt: skip
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
            return fail(str(exc), 1)
        print(f"Đã nạp vào {store.db_path} ({len(committed)} tệp nộp muộn mới được ghi).")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``synth`` to the parser's sub-commands."""
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
    synth.add_argument("--provinces", action="store_true",
                       help="also every province while it existed (63 before 07/2025, 34 after), for maps")  # fmt: skip
    synth.add_argument("--load", action="store_true",
                       help="also build the store in --home from it and commit the late files")  # fmt: skip
    synth.set_defaults(func=_cmd_synth)

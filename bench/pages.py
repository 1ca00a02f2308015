"""Time one page's script through Streamlit's AppTest, in a process of its own.

``python -m bench.pages PAGE --values A,B,C`` prints one JSON line per finished step, so the
parent keeps what finished even when it has to stop a page that runs too long. The state
directory and curated folder come from DANVAN_HOME and DANVAN_CURATED_DIR.

Steps: a cold run (empty caches), warm runs (same view again: cached queries), and filter
changes (the page's main picker set to another value: new queries, new figure).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
APP = str(PROJECT / "app.py")

# Page script → (widget key, widget kind) of the picker a reader changes first.
FILTERS: dict[str, tuple[str, str]] = {
    "pages/compare.py": ("compare_metric", "selectbox"),
    "pages/trends.py": ("trend_metric", "selectbox"),
    "pages/unit_profile.py": ("profile_unit", "selectbox"),
    "pages/data_sources.py": ("data_metrics", "multiselect"),
}


def url_path(page: str) -> str | None:
    """The ``url_path`` app.py gives a page ("" for the default page), or None if it is not routed."""
    app = Path(APP).read_text(encoding="utf-8")
    call = re.search(rf'st\.Page\(\s*"{re.escape(page)}"[^)]*\)', app)
    if call is None:
        return None
    found = re.search(r'url_path="([^"]*)"', call.group(0))
    if found:
        return found.group(1)
    return "" if "default=True" in call.group(0) else Path(page).stem


def peak_rss_mb() -> float | None:
    """This process's peak resident memory (VmHWM), in MB."""
    return process_peak_mb("self")


def process_peak_mb(pid: int | str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)  # noqa: T201 — the parent reads these lines


def run(page: str, values: list[str], warm_runs: int, timeout: float) -> None:
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.app_test import calc_hash

    at = AppTest.from_file(APP, default_timeout=timeout)
    path = url_path(page)
    if path is None:
        emit({"step": "error", "error": f"{page} is not routed by app.py"})
        return
    if path:
        # Open the page as a deep link would, through app.py (its router, sidebar and error handling):
        # st.Page identifies a page by the hash of its url_path. The default page needs nothing.
        at._page_hash = calc_hash(path)

    def timed(step: str) -> None:
        begin = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - begin) * 1000
        errors = [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]
        charts = len(at.get("plotly_chart"))
        emit({"step": step, "ms": elapsed, "errors": errors, "charts": charts, "peak_mb": peak_rss_mb()})

    timed("cold")
    for _ in range(warm_runs):
        timed("warm")
    key, kind = FILTERS.get(page, ("", ""))
    if not key:
        return
    for value in values:
        try:
            if kind == "selectbox":
                at.selectbox(key=key).set_value(value)
            else:
                at.multiselect(key=key).set_value([value])
        except KeyError:
            emit({"step": "note", "note": f"no widget with key {key!r} on {page}"})
            return
        timed("filter")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", help="the page script, e.g. pages/compare.py")
    parser.add_argument("--values", default="", help="comma-separated values for the page's main picker")
    parser.add_argument("--warm-runs", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one script run may take")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    try:
        run(args.page, [v for v in args.values.split(",") if v], args.warm_runs, args.timeout)
    except Exception as exc:  # noqa: BLE001 — reported to the parent as a record, never a traceback
        emit({"step": "error", "error": f"{type(exc).__name__}: {exc}"[:500], "peak_mb": peak_rss_mb()})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

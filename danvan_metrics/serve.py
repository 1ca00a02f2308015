"""Serve the app, ready before the first visitor: ``python -m danvan_metrics.serve [streamlit options]``.

`make run` and `make demo` start the app this way. Before Streamlit serves, the store is made
current (a national store builds in ~20 s, which the first visitor would otherwise wait for)
and the modules every page imports are loaded (~1 s on 2 cores). Streamlit runs page scripts
in this same process, so the first page after a restart shows about as fast as the next.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

# The ASGI launcher beside app.py: Streamlit's pages plus the sign-in routes (danvan_metrics.web.routes).
APP = Path(__file__).resolve().parents[1] / "asgi.py"
# What app.py and pages/ import, heaviest first (pandas, Plotly, DuckDB, Babel, python-pptx, PIL come with them).
PAGE_MODULES = (
    "danvan_metrics.ui.slides",
    "danvan_metrics.ui.upload",
    "danvan_metrics.ui.auth",
    "danvan_metrics.figures.views",
    "danvan_metrics.ui.questions",
    "danvan_metrics.ui.cards",
)


def warm_up() -> None:
    """Load the page modules and make the store current (raises what `Store.ensure_current` raises).

    Then freeze what start-up made out of the garbage collector's sight: Python's collector would
    otherwise walk every pandas, Plotly and Babel object again and again (docs/performance.md).
    """
    for name in PAGE_MODULES:
        importlib.import_module(name)
    from danvan_metrics.store.connection import open_store

    open_store()
    gc.collect()
    gc.freeze()


def main(argv: Sequence[str] | None = None, app: Path = APP) -> int:
    """Warm up, then hand over to ``streamlit run asgi.py`` (or ``app``) with the given options."""
    from danvan_metrics.record.engine import RecordUnavailableError
    from danvan_metrics.store.connection import MixedDataError, StoreBusyError, StoreUnavailableError

    try:
        warm_up()
    # The pages say the same; start anyway.
    except (StoreBusyError, MixedDataError, StoreUnavailableError, RecordUnavailableError) as exc:
        print(str(exc), file=sys.stderr)  # noqa: T201
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(app), *(sys.argv[1:] if argv is None else argv)]
    return int(cli.main() or 0)  # click exits by itself; the return keeps the signature honest


if __name__ == "__main__":
    sys.exit(main())

"""Time one whole-store query in a process of its own: ``python -m bench.bulk NAME``.

Questions that return every figure (coverage, dump) build frames of millions of rows; at
national scale `dump` alone held 20 GB. Run apart, under a memory limit, they cannot take the
benchmark (or the machine) down with them. The store comes from DANVAN_HOME and DANVAN_CURATED_DIR.
"""

from __future__ import annotations

import json
import sys
import time

from bench import cases
from bench.pages import peak_rss_mb
from danvan_metrics.store.connection import Store


def main(argv: list[str] | None = None) -> int:
    name = (argv if argv is not None else sys.argv[1:])[0]
    case = next(c for c in cases.query_cases() if c.name == name)
    context = cases.Context.build(store_from_env(), [])
    samples = []
    for _ in range(case.runs):
        begin = time.perf_counter()
        result = case.call(context)
        samples.append((time.perf_counter() - begin) * 1000)
        rows = result if isinstance(result, int) else len(result)  # a drained stream returns its row count
        del result
    print(json.dumps({"samples": samples, "rows": rows, "peak_mb": peak_rss_mb()}), flush=True)  # noqa: T201
    return 0


def store_from_env() -> Store:
    """The store the environment names (DANVAN_HOME, DANVAN_CURATED_DIR)."""
    from danvan_metrics.core import config

    return Store(config.state_dir())


if __name__ == "__main__":
    sys.exit(main())

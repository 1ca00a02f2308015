"""`make bench`: how fast danvan answers at national scale, as ratios to baselines measured in the same run.

Run with ``python -m bench.run`` (sizes and limits: ``python -m bench.run --help``). Writes
bench/results.json and prints a table. See docs/performance.md for the budgets and findings.
"""

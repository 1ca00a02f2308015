"""Named SQL files: every statement the package runs lives here or in `queries`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return resources.files(__package__).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """``sql/<name>.sql`` split into its statements (each ends with ``;`` at the end of a line)."""
    return [part.strip() for part in load(name).split(";\n") if part.strip() and not _only_comments(part)]


def _only_comments(part: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in part.splitlines())


def run(conn: Any, name: str, params: Mapping[str, object] | None = None) -> None:
    """Run every statement of ``sql/<name>.sql``, each bound to the parameters it names (DuckDB binds
    parameters on one statement at a time)."""
    for statement in statements(name):
        used = {key: value for key, value in (params or {}).items() if f"${key}" in statement}
        conn.execute(statement, used) if used else conn.execute(statement)

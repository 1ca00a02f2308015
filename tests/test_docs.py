"""The README stays true: every setting the code reads is documented, and the two commands are there."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_every_environment_setting_is_documented() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT / "danvan_metrics").rglob("*.py"))
    settings = set(re.findall(r'"(DANVAN_[A-Z_]+)"', code)) - {"DANVAN_FAULT_POINT"}  # test-only fault hook
    missing = sorted(s for s in settings if s not in README)
    assert not missing, f"settings missing from README: {missing}"


def test_readme_gives_the_two_commands_and_ci_runs_make_test() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")

"""`registry build`: the shipped registry is exactly what the upstream lists give, byte for byte.

Needs the reference lists (``../shared/reference/admin-units``); skipped where they are absent.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest

from danvan_metrics.cli import main as cli
from danvan_metrics.core import config
from danvan_metrics.registry.build import DEFAULT_REFERENCE

pytestmark = pytest.mark.skipif(not DEFAULT_REFERENCE.is_dir(), reason="reference lists not present")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh `registry build` into a temporary folder, and what the command printed."""
    out = tmp_path_factory.mktemp("build") / "registry"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["registry", "build", "--reference", str(DEFAULT_REFERENCE), "--out", str(out)]) == 0
    return out, printed.getvalue()


def upstream_rows(*parts: str) -> int:
    with DEFAULT_REFERENCE.joinpath(*parts).open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_shipped_registry_is_byte_identical_to_a_fresh_build(built: tuple[Path, str]) -> None:
    out, _ = built
    shipped = config.DATA_DIR / "registry"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in shipped.iterdir())
    for path in out.iterdir():
        assert path.read_bytes() == (shipped / path.name).read_bytes(), f"{path.name} differs: run `registry build`"
    licences = out.parent / "LICENSES"
    for path in licences.iterdir():
        assert path.read_bytes() == (config.DATA_DIR / "LICENSES" / path.name).read_bytes(), path.name


def test_counts_match_the_upstream_lists(built: tuple[Path, str]) -> None:
    counts = dict(line.split(": ", 1) for line in built[1].splitlines() if line.startswith(("units ", "links ")))
    vau = "vietnamadminunits"
    new_list = ("2025_34-province-3221-ward_with_location.csv",)
    with DEFAULT_REFERENCE.joinpath("dvhcvn-20250701", "merges.json").open(encoding="utf-8") as handle:
        new_provinces = len(json.load(handle)["data"])
    assert int(counts["units pre-reform district"]) == upstream_rows(
        vau, "danhmuchanhchinh.gso.gov.vn_district_2025-07-18.csv"
    )
    assert int(counts["units pre-reform commune"]) == upstream_rows(
        vau, "danhmuchanhchinh.gso.gov.vn_ward_2025-07-18.csv"
    )
    assert int(counts["units post-reform commune"]) == upstream_rows(vau, *new_list)
    assert int(counts["units pre-reform province"]) == 63
    assert int(counts["units post-reform province"]) == new_provinces == 34


def test_build_reports_upstream_oddities_instead_of_hiding_them(built: tuple[Path, str]) -> None:
    text = built[1]
    assert "'Phường 5' listed as 'Xã'; kind taken from the name" in text  # the list's own column is wrong
    assert "post-c23737" in text  # dvhcvn gives new Xã Ia Mơ a code the new list does not have
    assert "links commune disputed: 108" in text
    readme = (built[0] / "README.md").read_text(encoding="utf-8")
    assert "post-c23737" in readme and "| units pre-reform commune | 10,035 |" in readme


def test_licences_travel_with_the_data(built: tuple[Path, str]) -> None:
    licences = built[0].parent / "LICENSES"
    readme = (licences / "README.md").read_text(encoding="utf-8")
    for repository, commit in (("tranngocminhhieu/vietnamadminunits", "780c279"), ("dvhcvn/20250701", "dd94887")):
        assert f"{repository}, commit {commit}" in readme
    assert all("MIT License" in p.read_text(encoding="utf-8") for p in licences.glob("*.LICENSE"))

"""Synthetic data: labelled as such, realistic in shape, loaded only into a store of its own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from danvan_metrics.cli.main import main
from danvan_metrics.core import config
from danvan_metrics.demo import figures as synthetic
from danvan_metrics.demo import synth
from danvan_metrics.figures.analysis import KEY_METRICS
from danvan_metrics.ingest.table import TEMPLATE_COLUMNS
from danvan_metrics.store import queries
from danvan_metrics.store.connection import SYNTHETIC_MARKER, MixedDataError, Store

TODAY = dt.date(2026, 11, 26)  # Q3/2026 is the last complete quarter


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> synth.Written:
    out = tmp_path_factory.mktemp("synthetic") / "demo"
    return synth.generate(synth.Plan(demo=True, revised_share=0.2), out, today=TODAY)


@pytest.fixture(scope="module")
def national_folder(tmp_path_factory: pytest.TempPathFactory) -> synth.Written:
    out = tmp_path_factory.mktemp("synthetic") / "national"
    return synth.generate(synth.Plan(communes=120, metrics=35, quarters=10), out, today=TODAY)


def _observations(written: synth.Written) -> pd.DataFrame:
    return pd.read_parquet(written.curated_dir / "observations.parquet").astype(
        {"unit_id": "str", "metric_id": "str", "qualifier": "str", "source_id": "str", "source_quote": "str"}
    )


def test_every_figure_says_it_is_synthetic(national_folder: synth.Written) -> None:
    figures = _observations(national_folder)
    assert set(figures["source_id"]) == {synthetic.SOURCE_ID}
    assert set(figures["source_quote"]) == {synthetic.QUOTE}
    assert "DỮ LIỆU MẪU" in synthetic.QUOTE
    sources = pd.read_csv(national_folder.curated_dir / "sources.csv")
    assert sources["source_id"].tolist() == [synthetic.SOURCE_ID]
    assert sources["title"].iloc[0].startswith("DỮ LIỆU MẪU")
    marker = json.loads((national_folder.curated_dir / SYNTHETIC_MARKER).read_text("utf-8"))
    assert marker["source_id"] == synthetic.SOURCE_ID and marker["backdated"] is True
    # Quarters before the 2025 reform, for communes that only exist after it, carry a note saying so.
    before = figures[pd.to_datetime(figures["period_end"]) < pd.Timestamp("2025-07-01")]
    assert not before.empty and set(before["note"].astype("str")) == {synthetic.BACKDATED_NOTE}


def test_shapes_are_realistic(national_folder: synth.Written) -> None:
    figures = _observations(national_folder)
    metrics = pd.read_csv(national_folder.curated_dir / "metrics.csv").set_index("metric_id")
    assert not figures.duplicated(["unit_id", "metric_id", "period_start", "period_end"]).any()
    assert set(figures["qualifier"]) <= {"=", ">=", ">", "~"} and (figures["qualifier"] != "=").any()
    kinds = figures["metric_id"].map(metrics["kind"])
    rates = figures[kinds == "rate"]
    with_parts = rates[rates["denominator"].notna()]
    assert (with_parts["numerator"] <= with_parts["denominator"]).all() and (with_parts["denominator"] > 0).all()
    decimals = with_parts["metric_id"].map(metrics["decimals"])
    pooled = 100 * with_parts["numerator"] / with_parts["denominator"]
    assert ((pooled - with_parts["value"]).abs() <= 0.5 * 10.0 ** (-decimals) + 1e-9).all()
    assert rates["value"].between(0, 100).all()
    assert rates["denominator"].isna().any(), "some rates come without their parts, as documents state them"
    assert (figures.loc[kinds != "rate", "value"] >= 0).all()
    # Gaps: not every unit reports every metric every quarter.
    full = national_folder.units * national_folder.metrics * len(national_folder.quarters)
    assert 0.75 * full < len(figures) < full


def test_extra_metrics_are_named_as_samples(national_folder: synth.Written) -> None:
    metrics = pd.read_csv(national_folder.curated_dir / "metrics.csv")
    extras = metrics[metrics["metric_id"].str.startswith(synth.EXTRA_PREFIX)]
    assert len(extras) == 4 and len(metrics) == 35
    assert set(extras["category"]) == {synth.EXTRA_CATEGORY}
    assert extras["name_vi"].str.startswith("Chỉ tiêu mẫu").all()
    assert set(_observations(national_folder)["metric_id"]) == set(metrics["metric_id"])


def test_the_demo_follows_the_reform(demo_folder: synth.Written) -> None:
    figures = _observations(demo_folder)
    units = pd.read_csv(demo_folder.registry_dir / "units.csv", dtype=str).set_index("unit_id")
    seeds = {"pre-d001", "pre-d009", "pre-d021", "pre-d467", "pre-d954"}
    assert seeds <= set(figures["unit_id"])
    assert set(figures["metric_id"]) == set(KEY_METRICS)
    assert len(demo_folder.quarters) == synth.DEMO_QUARTERS and demo_folder.quarters[-1] == "Quý 3/2026"
    ends = pd.to_datetime(figures["period_end"])
    districts = figures["unit_id"].isin(seeds)
    assert (ends[districts] < pd.Timestamp("2025-07-01")).all(), "districts ended with the reform"
    assert (ends[~districts] >= pd.Timestamp("2025-07-01")).all(), "new communes begin with it"
    assert units.loc[sorted(set(figures.loc[~districts, "unit_id"])), "level"].eq("commune").all()


def test_late_files_are_in_the_template(demo_folder: synth.Written) -> None:
    assert demo_folder.late_files and demo_folder.late_rows > 0
    late = pd.read_csv(demo_folder.late_files[0], sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(late.columns) == list(TEMPLATE_COLUMNS)
    assert set(late["ghi_chu"]) == {synthetic.LATE_NOTE, synthetic.REVISED_NOTE}
    assert set(late.loc[late["ghi_chu"] == synthetic.LATE_NOTE, "quy"]) == {"3"}
    assert set(late.loc[late["ghi_chu"] == synthetic.REVISED_NOTE, "quy"]) == {"2"}
    # The late figures are not in the curated file: they arrive only as uploads.
    figures = _observations(demo_folder)
    last = figures[pd.to_datetime(figures["period_start"]) == pd.Timestamp("2026-07-01")]
    arrived_late = late[late["ghi_chu"] == synthetic.LATE_NOTE]
    late_keys = set(zip(arrived_late["ma_don_vi"], arrived_late["ma_chi_tieu"], strict=True))
    assert not late_keys & set(zip(last["unit_id"], last["metric_id"], strict=True))


def test_same_plan_same_bytes(tmp_path: Path, demo_folder: synth.Written) -> None:
    again = synth.generate(synth.Plan(demo=True, revised_share=0.2), tmp_path / "again", today=TODAY)
    for name in ("observations.parquet", "metrics.csv", "sources.csv", SYNTHETIC_MARKER):
        assert (again.curated_dir / name).read_bytes() == (demo_folder.curated_dir / name).read_bytes(), name
    assert again.late_files[0].read_bytes() == demo_folder.late_files[0].read_bytes()


def test_load_builds_its_own_store_and_commits_late_files_once(tmp_path: Path, demo_folder: synth.Written) -> None:
    store, committed = synth.load(demo_folder.out, tmp_path / "demo-home")
    assert len(committed) == 1
    log = queries.upload_log(store)
    assert log["uploaded_by"].tolist() == [synth.UPLOADER]
    assert int(log["rows_replaced"].iloc[0]) > 0, "corrections replace figures sent before"
    figures = queries.dump(store)
    assert set(figures["source_id"]) == {synthetic.SOURCE_ID, f"upload:{committed[0]}"}
    uploaded = figures[figures["upload_id"].notna()]
    assert uploaded["source_quote"].str.contains("DỮ LIỆU MẪU").all()
    assert figures["obs_id"].str.match(r"^(synthetic_demo#\d+|U[\d-]+-[0-9a-f]{4}#\d+)$").all()
    version = store.data_version()
    store_again, committed_again = synth.load(demo_folder.out, tmp_path / "demo-home")
    assert committed_again == [] and store_again.data_version() == version


def test_synthetic_data_never_enters_the_real_store(
    tmp_path: Path, demo_folder: synth.Written, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_home = tmp_path / "instance"
    monkeypatch.setattr(config, "DEFAULT_HOME", real_home)
    with pytest.raises(MixedDataError, match="dữ liệu mẫu"):
        synth.store_for(demo_folder.out, real_home).ensure_current()
    assert not real_home.exists(), "refused before the database file was created"
    with pytest.raises(ValueError, match="dữ liệu mẫu"):
        synth.load(demo_folder.out, real_home)


def test_real_and_synthetic_figures_never_share_a_store(real_store: Store, demo_folder: synth.Written) -> None:
    version = real_store.data_version()
    with pytest.raises(MixedDataError, match="đang chứa số liệu thật"):
        synth.store_for(demo_folder.out, real_store.home).ensure_current()
    assert real_store.data_version() == version
    assert synthetic.SOURCE_ID not in set(queries.sources(real_store)["source_id"])


def test_a_synthetic_store_refuses_real_data(tmp_path: Path, demo_folder: synth.Written) -> None:
    store, _ = synth.load(demo_folder.out, tmp_path / "demo-home", late=False)
    with pytest.raises(MixedDataError, match="đang chứa dữ liệu mẫu"):
        Store(store.home, curated_dir=config.CURATED_DIR).ensure_current()
    assert set(queries.sources(store)["source_id"]) == {synthetic.SOURCE_ID}


def test_the_curated_folder_comes_from_the_environment(
    tmp_path: Path, demo_folder: synth.Written, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Store(tmp_path).curated_dir == config.CURATED_DIR
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(demo_folder.curated_dir))
    store = Store(tmp_path / "home")
    assert store.curated_dir == demo_folder.curated_dir.resolve() and store.synthetic
    assert store.registry_path == demo_folder.registry_dir.resolve()


def test_demo_mode_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANVAN_DEMO", raising=False)
    assert not config.demo_mode()
    monkeypatch.setenv("DANVAN_DEMO", "1")
    assert config.demo_mode()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "synthetic"
    assert main(["synth", "--demo", "--out", str(out), "--load"]) == 2
    assert "--home" in capsys.readouterr().err
    assert main(["--home", str(tmp_path / "home"), "synth", "--demo", "--out", str(out), "--load"]) == 0
    printed = capsys.readouterr().out
    assert "DỮ LIỆU MẪU" in printed and "Đã nạp" in printed
    assert main(["synth", "--communes", "30", "--metrics", "5", "--quarters", "3", "--out", str(out)]) == 0
    written = json.loads((out / "curated" / SYNTHETIC_MARKER).read_text("utf-8"))
    assert written["units"] == 30 and written["metrics_with_figures"] == 5 and len(written["quarters"]) == 3

"""The curation checker on the real data, on corrupted copies of it, and the key figures against the documents."""

from __future__ import annotations

import csv
import shutil
import unicodedata
from pathlib import Path

import pytest

from danvan_metrics.core import config
from danvan_metrics.core.formats import format_figure
from danvan_metrics.core.model import OBSERVATION_COLUMNS
from danvan_metrics.ingest.check import Problem, check_curated, fold
from tests.fixtures import SOURCE_ID, write_fixture

SEEDS_DIR = Path("/work/shared/seeds")
OBS = "observations.csv"
COMPLAINTS_ROW = "Nhiệm kỳ 2015–2020,91.94,=,217,236,"


def copy_project(root: Path) -> tuple[Path, Path]:
    """Writable copies of data/curated and data/sources under ``root``; returns (curated dir, project dir)."""
    for name in ("curated", "sources"):
        # copyfile, not copy2: the shipped sources are read-only and the copies must be editable.
        shutil.copytree(config.DATA_DIR / name, root / "data" / name, copy_function=shutil.copyfile)
    return root / "data" / "curated", root


def line_of(path: Path, needle: str) -> int:
    """The line holding the one occurrence of ``needle`` in ``path`` (line 1 is the header)."""
    text = path.read_bytes().decode("utf-8")
    assert text.count(needle) == 1, f"{needle!r} must occur exactly once in {path.name}"
    return text[: text.index(needle)].count("\n") + 1


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of ``old`` in ``path``; return the line it was on."""
    line = line_of(path, old)
    path.write_bytes(path.read_bytes().decode("utf-8").replace(old, new).encode("utf-8"))
    return line


def read_table(name: str) -> list[dict[str, str]]:
    with (config.CURATED_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def line_count(path: Path) -> int:
    return path.read_bytes().decode("utf-8").count("\n")


# --- The shipped data ---------------------------------------------------------------------------


def test_curated_data_has_no_problems() -> None:
    assert check_curated() == []


def test_synthetic_fixture_passes_the_checker(tmp_path: Path) -> None:
    curated = write_fixture(tmp_path / "data")
    assert check_curated(curated, tmp_path / "data") == []


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the shared seed folder is not on this machine")
def test_source_documents_are_byte_identical_to_the_seeds() -> None:
    ours = sorted(p.name for p in config.SOURCES_DIR.iterdir() if p.is_file())
    seeds = sorted(p.name for p in SEEDS_DIR.iterdir() if p.is_file())
    assert ours == seeds
    for name in ours:
        assert (config.SOURCES_DIR / name).read_bytes() == (SEEDS_DIR / name).read_bytes(), name


def test_one_document_per_source() -> None:
    sources = read_table("sources.csv")
    documents = sorted(p.name for p in config.SOURCES_DIR.glob("*.txt"))
    assert documents == sorted(f"{row['source_id']}.txt" for row in sources)
    for row in sources:
        assert row["file"] == f"data/sources/{row['source_id']}.txt"
        assert (config.PROJECT_DIR / row["file"]).is_file()


def test_every_figure_is_sourced_dated_and_quoted() -> None:
    observations = read_table(OBS)
    sources = {row["source_id"] for row in read_table("sources.csv")}
    assert len(observations) == 33
    assert len(sources) == 5
    for row in observations:
        where = f"{row['unit_id']} {row['metric_id']}"
        assert row["source_quote"].strip(), where
        assert row["period_label"].strip(), where
        assert row["source_id"] in sources, where
    assert {row["source_id"] for row in observations} == sources  # no document goes unused


# unit id, unit name, metric, value, qualifier, numerator, denominator, words in the document, as displayed
KEY_FIGURES = [
    ("pre-d001", "Quận Ba Đình", "complaints_resolved_rate", 91.94, "=", "217", "236",
     "đã giải quyết 217/236 đơn khiếu nại, đạt tỷ lệ 91,94%", "91,94%"),
    ("pre-d001", "Quận Ba Đình", "denunciations_resolved_rate", 97.56, "=", "40", "41",
     "40/41 đơn tố cáo, đạt tỷ lệ 97,56%", "97,56%"),
    ("pre-d001", "Quận Ba Đình", "mediation_success_rate", 92, ">=", "", "",
     "Tỷ lệ hòa giải thành đạt 92% trở lên", "≥ 92%"),
    ("pre-d001", "Quận Ba Đình", "citizen_receptions", 4941, "=", "", "",
     "toàn quận tiếp 4941 lượt công dân", "4.941 lượt"),
    ("pre-d954", "Thành phố Bạc Liêu", "poor_household_loans", 597, "=", "", "",
     "xét cho 597 hộ nghèo, cận nghèo", "597 hộ"),
    ("pre-d954", "Thành phố Bạc Liêu", "poor_household_loan_amount", 15590, ">", "", "",
     "với tổng số tiền trên 15.590 triệu đồng", "> 15.590 triệu đồng"),
    ("pre-d954", "Thành phố Bạc Liêu", "propaganda_sessions", 650, ">", "", "",
     "học tập trên 650 cuộc", "> 650 cuộc"),
    ("pre-d954", "Thành phố Bạc Liêu", "propaganda_attendance", 22785, "=", "", "",
     "với tổng số 22.785 lượt người tham dự", "22.785 lượt người"),
    ("pre-d021", "Quận Bắc Từ Liêm", "hotline_feedback", 180, "=", "", "",
     "đã tiếp nhận 180 ý kiến phản ánh", "180 ý kiến"),
    ("pre-d467", "Huyện Đa Krông", "staff_with_computers", 95, ">", "", "",
     "Bình quân ước đạt trên 95% cán bộ, công chức", "> 95%"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("unit_id", "unit_name", "metric_id", "value", "qualifier", "numerator", "denominator", "words", "shown"),
    KEY_FIGURES,
    ids=[f"{f[0]}-{f[2]}" for f in KEY_FIGURES],
)
def test_key_figure_matches_its_document(
    unit_id: str, unit_name: str, metric_id: str, value: float, qualifier: str,
    numerator: str, denominator: str, words: str, shown: str,
) -> None:  # fmt: skip
    rows = [r for r in read_table(OBS) if r["unit_id"] == unit_id and r["metric_id"] == metric_id]
    assert len(rows) == 1
    row = rows[0]
    units = {u["unit_id"]: u for u in read_table("units.csv")}
    sources = {s["source_id"]: s for s in read_table("sources.csv")}
    metrics = {m["metric_id"]: m for m in read_table("metrics.csv")}
    assert units[unit_id]["name"] == unit_name
    assert sources[row["source_id"]]["unit_id"] == unit_id  # the figure comes from that unit's own document
    assert (float(row["value"]), row["qualifier"]) == (value, qualifier)
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    document = fold((config.PROJECT_DIR / sources[row["source_id"]]["file"]).read_text(encoding="utf-8"))
    assert fold(words) in document
    assert fold(words) in fold(row["source_quote"])
    metric = metrics[metric_id]
    assert format_figure(float(row["value"]), metric["unit"], int(metric["decimals"]), row["qualifier"]) == shown


def test_estimate_with_lower_bound_is_not_recorded_as_exact() -> None:
    # "ước đạt trên 95%" (Đakrông): an estimate and a bound; "=" would overstate it.
    (row,) = [r for r in read_table(OBS) if r["unit_id"] == "pre-d467" and r["metric_id"] == "staff_with_computers"]
    assert row["qualifier"] in {">", ">=", "~"}


# --- Corrupted copies ------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    curated, project_dir = copy_project(tmp_path)
    assert check_curated(curated, project_dir) == []  # the copy starts clean
    return curated, project_dir


def test_changed_value_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, COMPLAINTS_ROW, COMPLAINTS_ROW.replace("91.94", "91.95"))
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "value", "giá trị 91.95 khác con số trong văn bản '91,94%'")
    ]


def test_altered_quote_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, "toàn quận tiếp 4941 lượt", "toàn quận đã tiếp 4941 lượt")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "source_quote", "trích dẫn không có nguyên văn trong văn bản nguồn")
    ]


def test_quote_no_longer_in_an_altered_document_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    edit(project_dir / "data" / "sources" / "003_45fc336d9a4e07e3.txt", "tiếp 4941 lượt", "tiếp 4942 lượt")
    line = line_of(curated / OBS, "toàn quận tiếp 4941 lượt")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "source_quote", "trích dẫn không có nguyên văn trong văn bản nguồn")
    ]


def test_unknown_unit_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, "pre-d001,complaints_resolved_rate", "pre-d999,complaints_resolved_rate")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "unit_id", "không có đơn vị 'pre-d999' trong units.csv")
    ]


def test_unknown_metric_and_source_are_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, "pre-d001,complaints_resolved_rate", "pre-d001,complaint_rate")
    problems = check_curated(curated, project_dir)
    assert Problem(OBS, line, "metric_id", "không có chỉ tiêu 'complaint_rate' trong metrics.csv") in problems
    edit(curated / OBS, "pre-d001,complaint_rate", "pre-d001,complaints_resolved_rate")
    line = edit(curated / OBS, "4941,=,,,4941,003_45fc336d9a4e07e3", "4941,=,,,4941,003_missing")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "source_id", "không có nguồn '003_missing' trong sources.csv")
    ]


def test_value_text_not_in_quote_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, "4941,=,,,4941,", "4941,=,,,4.941,")  # the document writes "4941"
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "value_text", "con số '4.941' không nằm trong trích dẫn")
    ]


def test_figure_that_is_only_part_of_a_number_in_the_quote_is_caught(project: tuple[Path, Path]) -> None:
    # "18" is inside "180" but is not what the document says: a dropped digit must not pass.
    curated, project_dir = project
    line = edit(curated / OBS, ",180,=,,,180,", ",18,=,,,18,")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "value_text", "con số '18' không nằm trong trích dẫn")
    ]


def test_duplicate_figure_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    path = curated / OBS
    original = line_of(path, COMPLAINTS_ROW)
    row = path.read_bytes().decode("utf-8").splitlines()[original - 1]
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(row + "\n")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line_count(path), "", f"trùng đơn vị, chỉ tiêu và kỳ với dòng {original}")
    ]


def test_parts_that_do_not_give_the_value_are_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, COMPLAINTS_ROW, COMPLAINTS_ROW.replace(",217,", ",216,"))
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "numerator", "tử số/mẫu số '216/236' không nằm trong trích dẫn"),
        Problem(
            OBS, line, "value",
            "giá trị 91.94 không khớp 216/236 = 91.5254% (kể cả làm tròn của văn bản)",
        ),
    ]  # fmt: skip


def test_numerator_without_denominator_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, COMPLAINTS_ROW, COMPLAINTS_ROW.replace(",217,236,", ",217,,"))
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "denominator", "phải có cả tử số và mẫu số, hoặc không có cả hai")
    ]


def test_bad_header_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    edit(curated / OBS, ",value_text,", ",value_txt,")
    assert check_curated(curated, project_dir) == [
        Problem(OBS, 1, "", "tiêu đề phải là: " + ",".join(OBSERVATION_COLUMNS))
    ]


def test_missing_file_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    (curated / "metrics.csv").unlink()
    problems = check_curated(curated, project_dir)
    assert problems[0] == Problem("metrics.csv", 0, "", "thiếu tệp")
    assert any(p.column == "metric_id" and p.file == OBS for p in problems)  # every figure now lacks its metric


def test_missing_source_document_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    (project_dir / "data" / "sources" / "001_da17c93eaf8ab300.txt").unlink()
    assert check_curated(curated, project_dir) == [
        Problem("sources.csv", 3, "file", "không tìm thấy văn bản nguồn 'data/sources/001_da17c93eaf8ab300.txt'")
    ]


def test_text_not_in_nfc_is_caught(project: tuple[Path, Path]) -> None:
    curated, project_dir = project
    decomposed = unicodedata.normalize("NFD", "Nhiệm kỳ 2015–2020")
    assert decomposed != "Nhiệm kỳ 2015–2020"
    line = edit(curated / OBS, COMPLAINTS_ROW, COMPLAINTS_ROW.replace("Nhiệm kỳ 2015–2020", decomposed))
    assert check_curated(curated, project_dir) == [
        Problem(OBS, line, "period_label", "văn bản chưa chuẩn hóa Unicode NFC")
    ]


def test_row_with_an_extra_cell_is_caught(project: tuple[Path, Path]) -> None:
    # An unquoted comma in the last column splits it: the tail must not be dropped silently.
    curated, project_dir = project
    path = curated / OBS
    lines = path.read_bytes().decode("utf-8").splitlines()
    lines[-1] += ",tail"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    assert check_curated(curated, project_dir) == [Problem(OBS, len(lines), "", "số cột không khớp tiêu đề")]


@pytest.mark.parametrize("bad", ["nan", "inf", "abc"])
def test_value_that_is_not_a_finite_number_is_caught(project: tuple[Path, Path], bad: str) -> None:
    curated, project_dir = project
    line = edit(curated / OBS, "4941,=,,,4941,", f"{bad},=,,,4941,")
    problems = check_curated(curated, project_dir)
    assert Problem(OBS, line, "value", f"không đọc được giá trị {bad!r} (DOUBLE)") in problems
    assert {(p.line, p.column) for p in problems} == {(line, "value")}


def test_problem_names_file_line_and_column_in_vietnamese() -> None:
    problem = Problem(OBS, 21, "value", "giá trị 91.95 khác con số trong văn bản '91,94%'")
    assert str(problem) == "observations.csv, dòng 21, cột value: giá trị 91.95 khác con số trong văn bản '91,94%'"
    assert str(Problem(OBS, 1, "", "tiêu đề sai")) == "observations.csv, dòng 1: tiêu đề sai"


def test_parts_written_with_thousands_separators_are_found(tmp_path: Path) -> None:
    # Documents write large case counts as "1.250/2.000"; the checker must read them as the document does.
    curated = write_fixture(tmp_path / "data")
    document = tmp_path / "data" / "sources" / f"{SOURCE_ID}.txt"
    quote = "Quý 3/2023 Quận Một giải quyết 1.250/2.000 đơn khiếu nại, đạt 62,50%."
    document.write_text(document.read_text(encoding="utf-8") + quote + "\n", encoding="utf-8")
    row = ["t-d1", "complaints_resolved_rate", "2023-07-01", "2023-09-30", "Quý 3/2023", "62.5", "=", "1250", "2000",
           "62,50%", SOURCE_ID, quote, ""]  # fmt: skip
    with (curated / OBS).open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(row)
    assert check_curated(curated, tmp_path / "data") == []

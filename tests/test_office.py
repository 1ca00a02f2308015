"""Every download opened in real office software, offline: LibreOffice Impress and Calc, headless.

`make test` installs Debian's LibreOffice (Impress, Calc) and poppler-utils (pdftotext) through
scripts/ensure-system-deps.sh. Each conversion is one `soffice --headless` process with this run's
own user profile (a stale or shared profile can keep soffice waiting forever) under a timeout; it
fetches nothing (--norestore --nologo --nodefault; no update check or extension download headless).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import openpyxl
import pandas as pd
import pytest

from danvan_metrics.export import slides
from danvan_metrics.export import tables as export
from danvan_metrics.export.covers import all_sources
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

SOFFICE = os.environ.get("DANVAN_SOFFICE", "/usr/bin/soffice")
PDFTOTEXT = "/usr/bin/pdftotext"
PDFFONTS = "/usr/bin/pdffonts"
TIMEOUT = 120  # seconds for one soffice process; a conversion here takes 1–5 s
# Calc's CSV filter options: separator, text delimiter, charset (76 = UTF-8), first row, column
# formats, language, and (export) "quote all text cells": so an unquoted cell is a number or a date.
CSV_EXPORT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,,true"
# Reading our CSV download as a Vietnamese user's Calc does: ";" and UTF-8, locale vi-VN (1066),
# whose decimal separator is the comma the download writes.
CSV_IMPORT = "Text - txt - csv (StarCalc):59,34,76,1,,1066"
XLSX_EXPORT = "xlsx:Calc MS Excel 2007 XML"

BA_DINH = "pre-d001"
MEETING = dt.date(2026, 3, 5)
HEADERS = [h for key, h in export.EXPORT_HEADERS.items() if key != "pending"]  # no waiting figure here
NUMBER_HEADERS = ["Giá trị", "Tử số", "Mẫu số"]
DATE_HEADERS = ["Từ ngày", "Đến ngày"]
TEXT_HEADERS = [h for h in HEADERS if h not in (*NUMBER_HEADERS, *DATE_HEADERS)]
# Notes of the shipped data, typed here so the comparison does not go through the code under test.
BA_DINH_NOTE = "217/236 = 91,949…%: văn bản cắt bớt chữ số, không làm tròn lên 91,95%."
MEDIATION_NOTE = "“Đạt 92% trở lên”: cận dưới, không có tử số và mẫu số."
BA_DINH_QUOTE = "đã giải quyết 217/236 đơn khiếu nại, đạt tỷ lệ 91,94%"
INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "＝1+1", "+1", "-2", "@SUM(A1)", "=1+1"]


class Office:
    """LibreOffice with a user profile of its own, converting one set of files per process."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile

    def convert(self, sources: Sequence[Path], convert_to: str, infilter: str | None = None) -> list[Path]:
        """Convert ``sources`` (all in one folder) with ``soffice --convert-to``; return the new files."""
        outdir = sources[0].parent / "converted"
        command = [
            SOFFICE, f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to", convert_to, "--outdir", str(outdir), *map(str, sources),
        ]  # fmt: skip
        # Pinned locale: what Calc writes for "91.94" as shown must not depend on the machine's LANG.
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        # Own session, so a hung soffice and its children (oosplash, soffice.bin) are killed together.
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
        )
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"soffice did not convert {[s.name for s in sources]} within {TIMEOUT} s")
        suffix = convert_to.split(":")[0]
        targets = [outdir / f"{source.stem}.{suffix}" for source in sources]
        if process.returncode != 0 or not all(t.exists() for t in targets):
            pytest.fail(
                f"soffice exited {process.returncode} without writing {[t.name for t in targets]}:\n"
                f"{out.decode(errors='replace')}\n{err.decode(errors='replace')}"
            )
        return targets


class CsvField(NamedTuple):
    text: str
    quoted: bool  # with "quote all text cells": True for text, False for a number, a date or nothing


_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"\r\n]*)')


def read_calc_csv(data: bytes) -> list[list[CsvField]]:
    """Rows of a CSV Calc wrote (",", '"'), keeping whether each field was quoted."""
    text = data.decode("utf-8")  # strict: anything but UTF-8 fails here
    rows: list[list[CsvField]] = []
    row: list[CsvField] = []
    pos = 0
    while pos < len(text):
        match = _FIELD.match(text, pos)
        assert match is not None
        quoted = match.group(1) is not None
        row.append(CsvField(match.group(1).replace('""', '"') if quoted else match.group(2), quoted))
        pos = match.end()
        if pos == len(text) or text[pos] in "\r\n":
            rows.append(row)
            row = []
            pos += 2 if text.startswith("\r\n", pos) else 1
        else:
            assert text[pos] == ",", f"unexpected {text[pos]!r} at {pos}: {text[pos - 40 : pos + 40]!r}"
            pos += 1
    return rows


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout), whitespace folded to single spaces."""
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]  # each page ends with a form feed


def fold(text: str) -> str:
    return " ".join(text.split())


def missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    for tool, package in ((SOFFICE, "libreoffice-impress, libreoffice-calc"), (PDFTOTEXT, "poppler-utils")):
        if not Path(tool).exists():
            pytest.fail(f"{tool} not found ({package}): run `make test`, which installs it with apt-get")
    return Office(tmp_path_factory.mktemp("libreoffice-profile"))


@pytest.fixture(scope="module")
def store(_real_store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The shipped curated data, shared by this module's tests (they only read)."""
    home = tmp_path_factory.mktemp("office") / "home"
    shutil.copytree(_real_store_template, home)
    return Store(home)


@pytest.fixture(scope="module")
def figures(store: Store) -> pd.DataFrame:
    """Every figure as the "Dữ liệu & nguồn" page downloads it."""
    frame = export.export_frame(queries.figures(store))
    assert list(frame.columns) == HEADERS
    return frame


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# 1. Decks in Impress


def test_profile_deck_opens_in_impress(store: Store, office: Office, tmp_path: Path) -> None:
    profile = slides.profile_deck(store, BA_DINH)
    (pdf,) = office.convert([_write(tmp_path, "ho-so.pptx", profile.pptx(MEETING))], "pdf")
    pages = pdf_pages(pdf)

    assert len(pages) == 1 + len(profile.slides) + 1  # cover, one per chart, sources
    assert pages[0] == "Hồ sơ số liệu: Quận Ba Đình Quận · thuộc Thành phố Hà Nội Ngày 05/03/2026"
    for slide, page in zip(profile.slides, pages[1:-1], strict=True):
        assert page.startswith(fold(slide.title)), page
        assert fold(slide.note.footnote()) in page
    assert pages[1].startswith("Giải quyết khiếu nại, tố cáo: Tỷ lệ giải quyết đơn khiếu nại")
    assert pages[-1].startswith("Nguồn số liệu • Nâng cao hiệu lực, hiệu quả quản lý, điều hành")
    assert "— Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020" in pages[-1]
    for source in all_sources(profile.slides):
        assert fold(source) in pages[-1]
    # Every font is inside the PDF: a meeting-room PC without Noto shows the same diacritics.
    fonts = subprocess.run([PDFFONTS, str(pdf)], check=True, capture_output=True, text=True, timeout=60).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts


def test_chart_deck_opens_in_impress(store: Store, office: Office, tmp_path: Path) -> None:
    metric = "complaints_resolved_rate"
    chosen = slides.chart_deck([slides.compare_slide(store, metric), slides.trend_slide(store, metric)])
    (pdf,) = office.convert([_write(tmp_path, "bo-slide.pptx", chosen.pptx(MEETING))], "pdf")
    pages = pdf_pages(pdf)

    assert len(pages) == 4
    assert pages[0] == "Số liệu dân vận chính quyền Ngày 05/03/2026"
    assert pages[1].startswith("So sánh đơn vị: Tỷ lệ giải quyết đơn khiếu nại Nguồn: ")
    assert pages[2].startswith("Xu hướng: Tỷ lệ giải quyết đơn khiếu nại Nguồn: ")
    for slide, page in zip(chosen.slides, pages[1:3], strict=True):
        assert fold(slide.note.footnote()) in page
    assert pages[3].startswith("Nguồn số liệu • ")
    for source in all_sources(chosen.slides):
        assert fold(source) in pages[3]


# 2. Downloads in Calc


def test_xlsx_download_opens_in_calc(figures: pd.DataFrame, office: Office, tmp_path: Path) -> None:
    (csv,) = office.convert([_write(tmp_path, "so-lieu.xlsx", export.to_xlsx_bytes(figures))], CSV_EXPORT)
    data = csv.read_bytes()
    rows = read_calc_csv(data)

    assert rows[0] == [CsvField(h, True) for h in HEADERS]
    assert rows[0][1] == CsvField("Đơn vị", True) and rows[0][3] == CsvField("Chỉ tiêu", True)
    assert len(rows) == 1 + len(figures)
    headline = dict(zip(HEADERS, rows[1], strict=True))
    assert headline["Chỉ tiêu"] == CsvField("Tỷ lệ giải quyết đơn khiếu nại", True)
    # Numbers are numbers (unquoted, Calc's own rendering), dates are dates shown as dd/mm/yyyy.
    assert (headline["Giá trị"], headline["Tử số"], headline["Mẫu số"]) == (
        CsvField("91.94", False), CsvField("217", False), CsvField("236", False),
    )  # fmt: skip
    assert (headline["Từ ngày"], headline["Đến ngày"]) == (CsvField("01/01/2015", False), CsvField("02/06/2020", False))
    assert headline["Ghi chú"] == CsvField(BA_DINH_NOTE, True)
    assert headline["Trích dẫn nguyên văn"] == CsvField(BA_DINH_QUOTE, True)
    for note in (BA_DINH_NOTE, MEDIATION_NOTE):
        assert f'"{note}"'.encode() in data  # byte-exact, NFC as stored
    for expected, row in zip(figures.to_dict("records"), rows[1:], strict=True):
        cells = dict(zip(HEADERS, row, strict=True))
        for header in TEXT_HEADERS:
            value = expected[header]
            assert cells[header] == (CsvField("", False) if missing(value) else CsvField(value, True)), header
        for header in NUMBER_HEADERS:
            value = expected[header]
            assert not cells[header].quoted, header
            if missing(value):
                assert cells[header].text == "", header
            else:
                assert float(cells[header].text) == value, (header, cells[header])
        for header in DATE_HEADERS:
            assert cells[header] == CsvField(expected[header].strftime("%d/%m/%Y"), False), header


def test_csv_download_opens_in_calc(figures: pd.DataFrame, office: Office, tmp_path: Path) -> None:
    source = _write(tmp_path, "so-lieu.csv", export.to_csv_bytes(figures))
    (xlsx,) = office.convert([source], XLSX_EXPORT, infilter=CSV_IMPORT)
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert rows[0] == HEADERS  # the BOM is read as a BOM, not as part of "Mã đơn vị"
    assert len(rows) == 1 + len(figures)
    headline = dict(zip(HEADERS, rows[1], strict=True))
    assert (headline["Giá trị"], headline["Tử số"], headline["Mẫu số"]) == (91.94, 217, 236)
    assert isinstance(headline["Giá trị"], float)
    assert headline["Từ ngày"] == dt.datetime(2015, 1, 1) and headline["Đến ngày"] == dt.datetime(2020, 6, 2)
    assert headline["Ghi chú"] == BA_DINH_NOTE and headline["Trích dẫn nguyên văn"] == BA_DINH_QUOTE
    for expected, row in zip(figures.to_dict("records"), rows[1:], strict=True):
        cells = dict(zip(HEADERS, row, strict=True))
        for header in TEXT_HEADERS:
            value = expected[header]
            assert cells[header] == (None if missing(value) else value), header
        for header in NUMBER_HEADERS:
            value = expected[header]
            if missing(value):
                assert cells[header] is None, header
            else:
                assert isinstance(cells[header], int | float) and cells[header] == value, (header, cells[header])
        for header in DATE_HEADERS:
            assert cells[header] == dt.datetime.combine(expected[header], dt.time()), header


# 3. Formula injection: Calc shows the text, never runs it


def _injection_frame() -> pd.DataFrame:
    n = len(INJECTIONS)
    rows = pd.DataFrame(
        {
            "unit_id": [BA_DINH] * n,
            "unit_name": ["Quận Ba Đình"] * n,
            "metric_id": ["complaints_resolved_rate"] * n,
            "metric_name": ["Tỷ lệ giải quyết đơn khiếu nại"] * n,
            "value": [91.94] * n,
            "note": INJECTIONS,
        }
    )
    return export.export_frame(rows)


def test_xlsx_formulas_stay_text_in_calc(office: Office, tmp_path: Path) -> None:
    # The control: the same cells written as formulas, which Calc does compute when converting.
    raw = openpyxl.Workbook()
    raw_sheet = raw.active
    assert raw_sheet is not None
    raw_sheet.append(["=1+1"])
    raw_sheet.append(['=HYPERLINK("http://evil.example","x")'])
    raw.save(tmp_path / "cong-thuc.xlsx")
    frame = _injection_frame()
    download = _write(tmp_path, "tai-ve.xlsx", export.to_xlsx_bytes(frame))
    shown, control = office.convert([download, tmp_path / "cong-thuc.xlsx"], CSV_EXPORT)

    assert read_calc_csv(control.read_bytes()) == [[CsvField("2", False)], [CsvField("x", True)]]
    rows = read_calc_csv(shown.read_bytes())
    assert rows[0] == [CsvField(h, True) for h in frame.columns]
    notes = [row[list(frame.columns).index("Ghi chú")] for row in rows[1:]]
    # Calc keeps the apostrophe the download adds: the cell reads "'=HYPERLINK(…)", as text.
    assert notes == [CsvField("'" + text, True) for text in INJECTIONS]


def test_csv_formulas_stay_text_in_calc(office: Office, tmp_path: Path) -> None:
    # The control: a CSV with the same cells unneutralised, which this import does run as formulas.
    control_text = 'Ghi chú\r\n=1+1\r\n"=HYPERLINK(""http://evil.example"",""x"")"\r\n'
    control = _write(tmp_path, "cong-thuc.csv", control_text.encode("utf-8-sig"))
    frame = _injection_frame()
    download = _write(tmp_path, "tai-ve.csv", export.to_csv_bytes(frame))
    shown, computed = office.convert([download, control], XLSX_EXPORT, infilter=CSV_IMPORT)

    computed_sheet = openpyxl.load_workbook(computed, data_only=True).active
    assert computed_sheet is not None
    assert [c.value for c in computed_sheet["A"]] == ["Ghi chú", 2, "x"]
    sheet = openpyxl.load_workbook(shown).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(frame.columns)
    column = list(frame.columns).index("Ghi chú") + 1
    cells = [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]
    assert [(c.value, c.data_type) for c in cells] == [("'" + text, "s") for text in INJECTIONS]

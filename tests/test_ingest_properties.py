"""Hostile input never reaches a traceback: generated files through the upload reader and validator.

Hypothesis feeds `read_upload` and `uploads.prepare` random bytes, template CSVs with extreme and
malformed cells in every encoding staff send, and openpyxl workbooks holding arbitrary values. For
each, nothing but `UploadRejected` may escape the reader, `prepare` always returns a Preview, every
error is Vietnamese and says where (row, and column when it is about one cell), and the store is
unchanged. Each crash these tests found has a plain regression test at the end of the file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from danvan_metrics.ingest.issues import Issue
from danvan_metrics.ingest.read import read_upload
from danvan_metrics.ingest.table import TEMPLATE_COLUMNS, UploadRejected
from danvan_metrics.registry.units import Resolver
from danvan_metrics.services import uploads
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import commit_as, ensure_account

TODAY = dt.date(2026, 11, 26)
HEADER = ",".join(TEMPLATE_COLUMNS)
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run, in CI too
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- The rule: where an issue may be file-level ---------------------------------------------------
# A refusal without a row is allowed only for what concerns the whole file: ingest_read's whole-file
# refusals (empty, type, encoding, NUL bytes, no header, row and size limits, a corrupt or unsafe
# workbook, a template only on a hidden sheet) and ingest_validate's mixed number notation.
FILE_LEVEL = re.compile(
    "|".join(
        [
            r"Tệp rỗng",
            r"Không nhận tệp \.",
            r"Tệp mang đuôi",
            r"Không nhận loại tệp",
            r"Tệp chỉ có dòng tiêu đề",
            r"Tệp ghi là UTF-8",
            r"Tệp UTF-16 bị lỗi",
            r"Tệp chứa ký tự nhị phân",
            r"Không xác định chắc chắn được bảng mã",
            r"Tệp có ký tự không đọc được theo bảng mã",
            r"Không tìm thấy dòng tiêu đề",
            r"Tệp có hơn [\d.]+ dòng",
            r"Tệp Excel giải nén ra",
            r"Tệp \.xlsx không đúng cấu trúc",
            r"Tệp Excel có chứa macro",
            r"Tệp Excel bị hỏng",
            r"Đọc tệp Excel quá",
            r"Trang tính “",
            r"Không trang tính nào",
            r"Tệp dùng lẫn hai cách viết số",
            r"Tệp [\d.]+ MB vượt giới hạn",
        ]
    )
)
# A row-level error without a column is allowed only when it is about the whole row: a repeat of,
# or a conflict with, an earlier row. Row-level warnings (a stored figure replaced, a big jump) too.
ROW_WIDE_ERROR = re.compile(r"(trùng|mâu thuẫn với) dòng \d+ ")
ROW_WIDE_WARNING = re.compile(r"thay số liệu đang lưu|thay đổi lớn so với kỳ trước")
CORRUPT = "Tệp Excel bị hỏng"
_VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def assert_vietnamese(message: str) -> None:
    """Non-empty, and Vietnamese in its own words (text quoted from the file “…” does not count)."""
    assert message.strip(), "empty message"
    own = re.sub("“.*”", "", message, flags=re.DOTALL)
    assert _VIETNAMESE_LETTER.search(own), f"not Vietnamese: {message[:300]!r}"


def assert_rejection_says_where(exc: UploadRejected) -> None:
    """A reader refusal is Vietnamese; file-level only for whole-file problems, else "Dòng N, cột X:"."""
    message = str(exc)
    assert_vietnamese(message)
    if exc.row is None:
        assert FILE_LEVEL.match(message), f"file-level refusal for a row-level problem: {message[:300]!r}"
    else:
        assert exc.row >= 1 and exc.column, (exc.row, exc.column, message[:300])
        assert message.startswith(f"Dòng {exc.row}, cột {exc.column}: "), message[:300]


def assert_issue_says_where(issue: Issue) -> None:
    assert_vietnamese(issue.message)
    assert issue.severity in ("error", "warning")
    if issue.row is None:
        if issue.severity == "error":
            assert FILE_LEVEL.match(issue.message), f"error without a row: {issue.message[:300]!r}"
        else:  # the one file-level warning: a column that is not the template's, named
            assert issue.column and issue.message.startswith("cột này không thuộc mẫu"), issue
        return
    assert issue.row >= 1, issue
    if issue.column is None:
        wide = ROW_WIDE_ERROR if issue.severity == "error" else ROW_WIDE_WARNING
        assert wide.match(issue.message), f"row-level issue without its column: {issue.message[:300]!r}"
    else:
        assert issue.column.strip(), issue


class Upload(bytes):
    """A generated file's bytes, shown short when Hypothesis reports a failing example.

    ``last_row`` is the file's last row (CSV line or sheet row) when the generator knows it: every
    row an issue names must be one of the file's.
    """

    last_row: int | None = None

    def __repr__(self) -> str:
        head = bytes(self[:160])
        return f"Upload({head!r}{' + …' if len(self) > 160 else ''}, {len(self):,} bytes)"


# --- The store: one per module, never written ------------------------------------------------------


class Target:
    """The store every example is prepared against, its resolver, and what it held at the start."""

    def __init__(self, store: Store) -> None:
        self.store = store
        ensure_account(store, "kiem.thu")  # the refused commits' editor, made before the version is taken
        store.refresh()
        self.resolver: Resolver = resolver_for(store)
        self.dump: pd.DataFrame = queries.dump(store)
        self.version = store.data_version()
        self.prepared = 0

    def prepare(self, data: bytes, file_name: str) -> uploads.Preview:
        """`prepare` returns a Preview whose issues all say where; a refused one cannot be committed."""
        preview = uploads.prepare(self.store, data, file_name, self.resolver, today=TODAY)
        self.prepared += 1
        assert isinstance(preview, uploads.Preview)
        last_row = getattr(data, "last_row", None)
        for issue in preview.validation.issues:
            assert_issue_says_where(issue)
            assert last_row is None or issue.row is None or issue.row <= last_row, (issue, last_row)
        if not preview.ok:
            with pytest.raises(uploads.UploadError) as refused:
                commit_as(self.store, preview, data, "kiem.thu")
            assert_vietnamese(str(refused.value))
        # prepare writes nothing: checked after every example (a dump of the real store costs ~50 ms).
        assert self.store.data_version() == self.version
        assert queries.dump(self.store).equals(self.dump)
        return preview


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory, _real_store_template: Path) -> Iterator[Target]:
    home = tmp_path_factory.mktemp("ingest_properties") / "home"
    shutil.copytree(_real_store_template, home)
    store = Store(home)
    assert not store.ensure_current()
    target = Target(store)
    yield target
    assert target.prepared > 0
    assert store.data_version() == target.version and queries.dump(store).equals(target.dump)
    assert not (home / "uploads").exists()  # no refused file was archived either


def read_or_reject(data: bytes, file_name: str) -> list[tuple[int, dict[str, object]]] | None:
    """`read_upload`'s rows, or None when it refused (with a message that says where)."""
    try:
        table = read_upload(data, file_name)
    except UploadRejected as exc:
        assert_rejection_says_where(exc)
        return None
    last_row = getattr(data, "last_row", None)
    assert table.rows and all(1 <= line <= (last_row or line) for line, _ in table.rows)
    return [(line, dict(cells)) for line, cells in table.rows]


# --- 1. Random bytes --------------------------------------------------------------------------------


def _template_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(TEMPLATE_COLUMNS))
    book.active.append(["pre-d001", "Quận Ba Đình", 2024, 1, "citizen_receptions", 5, None, None, "ghi chú"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_XLSX = _template_xlsx()
UTF16_HEADER = (HEADER.replace(",", "\t") + "\r\n").encode("utf-16")  # Excel's "Unicode text", BOM first


@st.composite
def random_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """Random bytes, behind a prefix that gets them past the first checks, or a damaged workbook."""
    suffix = draw(st.sampled_from([".csv", ".txt", ".tsv", ".xlsx"]))
    kind = draw(st.sampled_from(["raw", "prefix", "damaged_xlsx"]))
    body = draw(st.binary(max_size=2048))
    if kind == "raw":
        data = body
    elif kind == "prefix":
        prefix = draw(
            st.sampled_from(
                [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", (HEADER + "\n").encode(), UTF16_HEADER]
            )
        )
        data = prefix + body
    else:
        # The template workbook with a few bytes overwritten: broken zip entries, CRCs, XML.
        data = bytearray(TEMPLATE_XLSX)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        data = bytes(data)
        suffix = ".xlsx"
    return Upload(data), f"tep{suffix}"


@PROPERTY
@given(random_files())
@example((b"", "tep.csv"))
@example((b"\xff\xfe\x00", "tep.csv"))
@example((b"PK\x03\x04" + b"\x00" * 40, "tep.xlsx"))
def test_random_bytes_are_refused_or_read_never_crash(target: Target, file: tuple[bytes, str]) -> None:
    data, name = file
    read_or_reject(data, name)
    target.prepare(data, name)


# --- 2. Template CSVs with hostile cells -------------------------------------------------------------

CSV_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1258")
_CP1258_TEXT = (
    "".join(ch for ch in bytes(range(256)).decode("cp1258", errors="replace") if ch != "\ufffd")
    + "ăâđêôơưĂÂĐÊÔƠƯàáảãạầấẩẫậềếểễệốồổỗộớờởỡợứừửữựỳýỷỹỵĐ"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it in Windows-1258: base letters precomposed, tones combining."""
    out = bytearray()
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(c for c in decomposed if c in _TONES)
        for form in (ch, base + tones):
            try:
                out += form.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "not in Windows-1258")
    return bytes(out)


def encode(text: str, encoding: str) -> bytes:
    return encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


NUMBER_TEXTS = [
    "1e308", "-1e308", "1e400", "5e-324", "NaN", "nan", "inf", "-Infinity", "-0", "0", "91,94", "91.94",
    "1.234.567,8", "1,234.5", "1.234", "1,234", "15.590", "٣", "١٢٣", "１２", "1_000", "1__0", "9" * 400,
    "1" + "0" * 5000, "-5", "50%", "%", "100 %", "0x10", "1e", ".", ",", "-", "--1", "1.2.3", "1,2,3",
    "12\u00a0345", "²", "Ⅻ", "1/2", "  7  ", "+3", "1e-400", "0,0000000001",
]  # fmt: skip
QUARTER_TEXTS = ["", "1", "2", "3", "4", "0", "5", "I", "II", "III", "IV", "V", "Quý 2", "quy IV", "Q3", "q 1",
                 "²", "２", "1.0", "-1", "Quý", "9" * 5000]  # fmt: skip
YEAR_TEXTS = ["2024.0", "2024,0", "２０２４", "٢٠٢٤", "MMXXIV", "1e3", "inf", "nan", "", "2024 ", "20 24",
              "1" + "0" * 400, "9" * 5000, "2_024", "-2024"]  # fmt: skip
UNIT_IDS = ["pre-d001", "PRE-D001", " pre-d001 ", "d001", "", "pre-d001\u202e", "pre\x00d001"]
UNIT_NAMES = ["Quận Ba Đình", "quan ba dinh", "Ba Đình", "Quận Ba Đình", "Hà Nội", "", "Quận"]
METRICS = ["complaints_resolved_rate", "citizen_receptions", "poor_household_loan_amount", "",
           "Tỷ lệ giải quyết đơn khiếu nại", "Lượt tiếp công dân", "COMPLAINTS_RESOLVED_RATE", "khong_co"]  # fmt: skip
STRAYS = ['"', ";", "\t", "\r", "\n", '""', 'a"b', '"mở', 'đóng"', "\r\n", ",", '";"', "\x85", "\u2028"]


def hostile_text(encoding: str, max_size: int = 40) -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(_CP1258_TEXT) if encoding == "cp1258" else st.characters(codec="utf-8")
    return st.text(alphabet, max_size=max_size)


def cell_texts(column: str, encoding: str) -> st.SearchStrategy[str]:
    """A column's cell: a plausible value, an extreme or malformed one, or anything at all."""
    junk = hostile_text(encoding) | st.sampled_from(STRAYS)
    plausible: st.SearchStrategy[str]
    if column == "ma_don_vi":
        plausible = st.sampled_from(UNIT_IDS)
    elif column == "ten_don_vi":
        plausible = st.sampled_from(UNIT_NAMES)
    elif column == "nam":
        plausible = st.integers(1999, 2030).map(str) | st.sampled_from(YEAR_TEXTS)
    elif column == "quy":
        plausible = st.sampled_from(QUARTER_TEXTS)
    elif column == "ma_chi_tieu":
        plausible = st.sampled_from(METRICS)
    elif column in ("gia_tri", "tu_so", "mau_so"):
        plausible = (
            st.sampled_from(NUMBER_TEXTS)
            | st.integers(-(10**30), 10**30).map(str)
            | st.floats(allow_nan=True, allow_infinity=True).map(repr)
            | st.from_regex(r"-?\d{1,4}([.,]\d{1,3}){0,3}%?", fullmatch=True)
        )
    else:
        plausible = hostile_text(encoding, max_size=200)
    return plausible | plausible | junk  # mostly plausible, so rows get past the first checks


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def mutated(
    valid: st.SearchStrategy[list[object]], hostile: list[st.SearchStrategy[object]], pad: object, widths: list[int]
) -> st.SearchStrategy[list[object]]:
    """A valid row with up to three cells made hostile, and sometimes cut short or run long.

    Rows built cell by cell at random almost never get past the first checks; rows one or two
    cells away from valid reach every rule of the validator.
    """
    changes = st.lists(
        st.integers(0, len(hostile) - 1).flatmap(lambda i: st.tuples(st.just(i), hostile[i])), max_size=3
    )

    def apply(drawn: tuple[list[object], list[tuple[int, object]], int]) -> list[object]:
        row, edits, width = drawn
        cells = [*row, *[pad] * (len(hostile) - len(row))]
        for i, value in edits:
            cells[i] = value
        return cells[:width]

    return st.tuples(valid, changes, st.sampled_from(widths)).map(apply)


# Built once: building strategies inside every draw costs more than the examples themselves.
_EXTRA = ("ghi_chu", "ghi_chu", "ghi_chu")  # cells beyond the template's nine
_UNITS = [("pre-d001", "Quận Ba Đình"), ("pre-d001", ""), ("", "Quận Ba Đình"), ("", "quan ba dinh")]
_CSV_FIGURES = {
    "vi": [("complaints_resolved_rate", "91,94", "217", "236"), ("complaints_resolved_rate", "", "217", "236"),
           ("complaints_resolved_rate", "91,9", "", ""), ("citizen_receptions", "1.250", "", ""),
           ("citizen_receptions", "1250", "", ""), ("poor_household_loan_amount", "15.590,5", "", "")],
    "plain": [("complaints_resolved_rate", "91.94", "217", "236"), ("complaints_resolved_rate", "", "217", "236"),
              ("citizen_receptions", "1250", "", ""), ("poor_household_loan_amount", "15590.5", "", ""),
              ("poor_household_loan_amount", "1,234.5", "", "")],
}  # fmt: skip
_NOTES = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=30)
VALID_CSV_ROWS = {
    notation: st.tuples(
        st.sampled_from(_UNITS),
        st.integers(2000, 2026).map(str),
        st.sampled_from(["1", "2", "3", "4", "I", "II", "III", "IV", "Quý 2", "q3", ""]),
        st.sampled_from(figures),
        _NOTES,
    ).map(lambda r: [*r[0], r[1], r[2], *r[3], r[4]])
    for notation, figures in _CSV_FIGURES.items()
}
CSV_ROWS = {
    (encoding, notation): mutated(
        valid, [cell_texts(c, encoding) for c in (*TEMPLATE_COLUMNS, *_EXTRA)], "", [9, 9, 9, 9, 7, 12]
    )
    for encoding in CSV_ENCODINGS
    for notation, valid in VALID_CSV_ROWS.items()
}
HUGE_CELLS = st.tuples(st.sampled_from(["x", "9", "Đ", "\n"]), st.integers(30_000, 200_000)).map(lambda c: c[0] * c[1])


def csv_line(cells: list[str], delimiter: str, quoting: str) -> str:
    """One record: quoted as Excel quotes (only cells that need it), every cell quoted, or raw (strays stay)."""
    if quoting == "raw":
        return delimiter.join(cells)
    if quoting == "all":
        return delimiter.join(quoted(c) for c in cells)
    return delimiter.join(quoted(c) if any(ch in c for ch in (delimiter, '"', "\n", "\r")) else c for c in cells)


@st.composite
def template_csvs(draw: st.DrawFn) -> tuple[bytes, str]:
    """A CSV in the template's shape whose cells are drawn to be hostile, in one of the encodings staff use."""
    encoding = draw(st.sampled_from(CSV_ENCODINGS))
    notation = draw(st.sampled_from(["vi", "plain"]))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines: list[str] = []
    if draw(st.integers(0, 5)) == 0:  # a title block above the header
        lines.append(draw(hostile_text(encoding)))
    lines.append(delimiter.join(TEMPLATE_COLUMNS))
    for row in draw(st.lists(CSV_ROWS[encoding, notation], max_size=8)):
        if draw(st.integers(0, 40)) == 20:  # a huge cell, sparingly (over and under the cell limit)
            row[draw(st.integers(0, len(row) - 1))] = draw(HUGE_CELLS)
        lines.append(csv_line(row, delimiter, draw(st.sampled_from(["excel", "excel", "raw", "all"]))))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    try:
        data = encode(text, encoding)
    except UnicodeEncodeError:
        assume(False)  # not writable in this encoding
        raise  # unreachable: assume raises
    upload = Upload(data)
    upload.last_row = len(io.StringIO(text, newline="").readlines())  # lines as the csv module counts them
    return upload, draw(st.sampled_from(["so-lieu.csv", "so-lieu.txt", "so-lieu.tsv"]))


def csv_of(*rows: str, encoding: str = "utf-8") -> bytes:
    return encode("\n".join([HEADER, *rows]) + "\n", encoding)


@settings(PROPERTY, max_examples=100)
@given(template_csvs())
@example((csv_of('pre-d001,Quận Ba Đình,2024,1,complaints_resolved_rate,"91,94",217,236,'), "ok.csv"))
@example((csv_of("pre-d001,Quận Ba Đình,2024,Quý 2,citizen_receptions,1e308,,,"), "lon.csv"))
@example((csv_of("pre-d001,,2024,IV,poor_household_loan_amount,1.234.567,8,,,", encoding="cp1258"), "a.csv"))
@example((csv_of('pre-d001,,2024,1,citizen_receptions,"12,"a"b'), "ngoac.csv"))
def test_template_csvs_are_refused_by_row_and_column_never_crash(target: Target, file: tuple[bytes, str]) -> None:
    data, name = file
    read_or_reject(data, name)
    target.prepare(data, name)


# --- 3. Workbooks holding arbitrary values ------------------------------------------------------------

FORMULAS = ["=1/0", "=SUM(A1:A3)", "=NA()", '="x"&"y"', "=A1", "=#REF!", "=" + "1+" * 50 + "1"]


def xlsx_text() -> st.SearchStrategy[str]:
    return st.text(max_size=60).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))


def xlsx_values(column: str) -> st.SearchStrategy[object]:
    """Anything a Python value in a cell can be, and the values the template expects there."""
    anything = st.one_of(
        st.none(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1e308, -1e308, 5e-324, -0.0, math.inf, -math.inf, math.nan, 10**40]),
        st.booleans(),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
        st.dates(min_value=dt.date(1900, 3, 1)),
        st.times(),
        xlsx_text(),
        st.sampled_from(FORMULAS),
    )
    plausible: st.SearchStrategy[object]
    if column == "ma_don_vi":
        plausible = st.sampled_from(UNIT_IDS).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
    elif column == "ten_don_vi":
        plausible = st.sampled_from([*UNIT_NAMES, None])
    elif column == "nam":
        plausible = st.integers(1999, 2030) | st.floats(1999, 2030) | st.sampled_from(YEAR_TEXTS[:6])
    elif column == "quy":
        plausible = st.integers(0, 5) | st.sampled_from(QUARTER_TEXTS[:-1]) | st.floats(0, 5)
    elif column == "ma_chi_tieu":
        plausible = st.sampled_from(METRICS)
    elif column in ("gia_tri", "tu_so", "mau_so"):
        plausible = st.integers(-(10**13), 10**13) | st.floats(-1e13, 1e13) | st.sampled_from(NUMBER_TEXTS[:20])
    else:
        plausible = xlsx_text() | st.none()
    return plausible | plausible | anything


_XLSX_FIGURES: list[tuple[object, ...]] = [
    ("complaints_resolved_rate", 91.94, 217, 236), ("complaints_resolved_rate", None, 217, 236),
    ("complaints_resolved_rate", "91,94", "217", "236"), ("complaints_resolved_rate", 0.9194, None, None),
    ("citizen_receptions", 1250, None, None), ("citizen_receptions", 1250.0, None, None),
    ("poor_household_loan_amount", 15590.5, None, None), ("poor_household_loan_amount", "15.590", None, None),
]  # fmt: skip
VALID_XLSX_ROWS = st.tuples(
    st.sampled_from(_UNITS),
    st.integers(2000, 2026) | st.integers(2000, 2026).map(str),
    st.sampled_from([1, 2, 3, 4, "I", "IV", "Quý 2", None, 2.0]),
    st.sampled_from(_XLSX_FIGURES),
    _NOTES.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)) | st.none(),
).map(lambda r: [*r[0], r[1], r[2], *r[3], r[4]])
XLSX_ROW = mutated(VALID_XLSX_ROWS, [xlsx_values(c) for c in (*TEMPLATE_COLUMNS, *_EXTRA)], None, [9, 9, 9, 9, 6, 12])
DATA_ROWS = st.lists(XLSX_ROW, max_size=50)
OTHER_ROWS = st.lists(XLSX_ROW, max_size=5)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """A workbook: the template on a sheet (maybe hidden), arbitrary cells, extra and hidden sheets."""
    book = openpyxl.Workbook()
    sheets = [book.active]
    for index in range(draw(st.integers(0, 2))):
        sheets.insert(draw(st.integers(0, len(sheets))), book.create_sheet(f"Trang {index + 2}"))
    data_sheet = draw(st.sampled_from(sheets))
    for sheet in sheets:
        if sheet is data_sheet:
            if draw(st.integers(0, 4)) == 0:
                sheet.append([draw(xlsx_text())])  # a title above the header
            header = list(TEMPLATE_COLUMNS) if draw(st.booleans()) else ["Mã đơn vị", "Tên đơn vị", "Năm", "Quý",
                "Mã chỉ tiêu", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]  # fmt: skip
            sheet.append(header)
            rows = draw(DATA_ROWS)
        else:
            rows = draw(OTHER_ROWS)
        for row in rows:
            sheet.append(row)
        if rows and draw(st.integers(0, 3)) == 0:  # a number typed into a date-formatted cell, and the like
            cell = sheet.cell(draw(st.integers(1, len(rows))), draw(st.integers(1, 9)))
            cell.number_format = draw(st.sampled_from(["dd/mm/yyyy", "hh:mm", "[h]:mm:ss", "0.00%", "@"]))
    for sheet in sheets:
        if draw(st.integers(0, 3)) == 0:
            sheet.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
    if all(sheet.sheet_state != "visible" for sheet in sheets):
        sheets[0].sheet_state = "visible"  # Excel refuses to save a workbook with no visible sheet
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except (ValueError, TypeError, OverflowError) as exc:  # a value openpyxl refuses to write
        assume(not exc)
    upload = Upload(buffer.getvalue())
    upload.last_row = max(sheet.max_row for sheet in sheets)
    return upload


@settings(PROPERTY, max_examples=80)
@given(workbooks())
def test_workbooks_with_arbitrary_cells_are_refused_by_row_and_column_never_crash(target: Target, data: bytes) -> None:
    read_or_reject(data, "so-lieu.xlsx")
    preview = target.prepare(data, "so-lieu.xlsx")
    # openpyxl wrote the file: "corrupt" would be a crash in the reader hidden behind its guard.
    assert not any(e.message.startswith(CORRUPT) for e in preview.errors), preview.errors


# --- 3b. Workbooks from other producers: any number the XML can hold in a numeric cell --------------


def with_raw_value(workbook: bytes, raw: str) -> bytes:
    """The workbook with its cell F2 holding ``raw`` as written in the sheet XML (as another producer might)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'(<c r="F2"[^>]*><v>)[^<]*(</v>)', lambda m: m[1] + raw.encode() + m[2], content
                )
                assert count == 1
            out.writestr(member, content)
    return buffer.getvalue()


def xlsx_with_raw(raw: str, column: str = "gia_tri") -> bytes:
    """A one-row template workbook whose ``column`` cell (put in column F) holds ``raw`` in the XML."""
    header: list[object] = list(TEMPLATE_COLUMNS)
    row: list[object] = ["pre-d001", "", 2024, 1, "citizen_receptions", 0, None, None, None]
    index = TEMPLATE_COLUMNS.index(column)
    header[index], header[5], row[index], row[5] = header[5], header[index], row[5], 0
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return with_raw_value(buffer.getvalue(), raw)


@settings(PROPERTY, max_examples=40)
@given(
    st.from_regex(r"-?\d{1,1000}(\.\d{0,30})?([eE][-+]?\d{1,4})?", fullmatch=True),
    st.sampled_from(["gia_tri", "nam", "quy", "tu_so"]),
)
@example("9" * 400, "gia_tri")
@example("1" + "0" * 309, "nam")
@example("1e999", "gia_tri")
def test_any_xml_number_in_a_cell_is_refused_by_row_and_column(target: Target, raw: str, column: str) -> None:
    data = xlsx_with_raw(raw, column)
    read_or_reject(data, "so.xlsx")
    preview = target.prepare(data, "so.xlsx")
    assert not any(e.message.startswith(CORRUPT) for e in preview.errors), preview.errors


# --- Regressions: each input that made something escape, as a plain example ---------------------------
# --- Regressions: each input that made something escape, as a plain example ---------------------------


def test_a_cell_over_the_limit_keeps_the_commas_of_its_message(target: Target) -> None:
    # Found by test_template_csvs_…: grouping the numbers turned every comma of the message into a dot
    # ("Dòng 2. cột ghi_chu: ô dài 32.768 ký tự. vượt giới hạn …").
    data = csv_of("pre-d001,,2024,1,citizen_receptions,5,,," + "x" * 32_768)
    with pytest.raises(UploadRejected) as refused:
        read_upload(data, "dai.csv")
    assert (refused.value.row, refused.value.column) == (2, "ghi_chu")
    assert str(refused.value) == "Dòng 2, cột ghi_chu: ô dài 32.768 ký tự, vượt giới hạn 32.767 ký tự của một ô."
    assert [(e.row, e.column) for e in target.prepare(data, "dai.csv").errors] == [(2, "ghi_chu")]


def test_the_row_limit_message_groups_only_its_numbers() -> None:
    data = csv_of(*["pre-d001,,2024,1,citizen_receptions,5,,,"] * 1001)
    with pytest.raises(UploadRejected) as refused:
        read_upload(data, "nhieu.csv", max_rows=1000)
    assert str(refused.value) == (
        "Tệp có hơn 1.000 dòng sau dòng tiêu đề (kể cả dòng trống), vượt giới hạn 1.000 dòng mỗi lần tải lên: "
        "hãy chia thành nhiều tệp."
    )


@pytest.mark.parametrize(
    ("raw", "column", "message"),
    [
        ("9" * 400, "gia_tri", f"“{'9' * 400}” không phải là số hữu hạn"),
        ("-" + "9" * 400, "gia_tri", f"“-{'9' * 400}” không phải là số hữu hạn"),
        ("1" + "0" * 309, "nam", f"năm “1{'0' * 309}” không hợp lệ (cần số năm, ví dụ 2026)"),
    ],
    ids=["positive", "negative", "year"],
)
def test_an_xlsx_integer_past_any_float_is_refused_by_its_cell(
    target: Target, raw: str, column: str, message: str
) -> None:
    # Found by test_any_xml_number_…: float(int) raised OverflowError inside the reader, which the
    # workbook guard turned into "Tệp Excel bị hỏng" — a whole-file refusal for one cell.
    data = xlsx_with_raw(raw, column)
    preview = target.prepare(data, "lon.xlsx")
    assert [(e.row, e.column, e.message) for e in preview.errors] == [(2, column, message)]


UNLIKE_THE_FILE = "khác cách viết số của các ô khác trong tệp"


@pytest.mark.parametrize(
    ("rate", "count", "message"),
    [
        ("91.94", "0.000.000", f"“0.000.000” dùng dấu chấm phân cách hàng nghìn, {UNLIKE_THE_FILE}"),
        ('"91,94"', '"1,234,567"', f"“1,234,567” dùng dấu phẩy phân cách hàng nghìn, {UNLIKE_THE_FILE}"),
    ],
    ids=["plain-file", "vietnamese-file"],
)
def test_thousands_grouping_against_the_files_notation_is_refused_by_cell(
    target: Target, rate: str, count: str, message: str
) -> None:
    # Found by test_template_csvs_…: under the file's notation "0.000.000" went to float() as is and
    # raised ValueError out of prepare ("1,234,567" in a Vietnamese-notation file likewise).
    data = csv_of(
        f"pre-d001,,2024,1,complaints_resolved_rate,{rate},217,236,", f"pre-d001,,2024,1,citizen_receptions,{count},,,"
    )
    preview = target.prepare(data, "nhom.csv")
    assert [(e.row, e.column, e.message) for e in preview.errors] == [(3, "gia_tri", message)]

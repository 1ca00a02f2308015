"""Downloads a Vietnamese user opens in Excel: headers, numbers, dates, and no formula injection."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from danvan_metrics.export import formats
from danvan_metrics.export.tables import (
    EXPORT_HEADERS,
    download_name,
    export_frame,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    xml_safe,
)
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

INJECTIONS = ['=HYPERLINK("http://evil.example","bấm")', "+1", "-2", "@SUM(A1)", "\t=1", "  =1+1"]
# Triggers hidden behind characters a reader does not see, or written full-width (NFKC gives "=", "+" …).
HIDDEN_INJECTIONS = [
    '＝HYPERLINK("http://evil.example")',  # U+FF1D FULLWIDTH EQUALS SIGN
    "＋1",
    "－1",
    "＠SUM(A1)",
    "﹦1",  # U+FE66 SMALL EQUALS SIGN
    "\u200b=1",  # zero-width space
    "\ufeff=1",  # byte-order mark
    "\u200e=1",  # left-to-right mark
    "\u2060\u00ad=1",  # word joiner, soft hyphen
    " \u200b ＝1",
    "\x1b=1",  # ESC
    "\x07\x1f+1",
    "\n=1",
]
TRICKY_NOTE = 'Ghi chú có ";" dấu chấm phẩy, "ngoặc kép"\nvà xuống dòng'
# Every character XML 1.0 forbids (C0 controls but tab, LF, CR; DEL; U+FFFE, U+FFFF) and a lone surrogate.
CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF]))
HOSTILE_NOTE = f"Ghi{CONTROLS} chú\ud800 có ký tự điều khiển"
SHOWN_NOTE = "Ghi chú\ufffd có ký tự điều khiển"  # what a reader sees: the text minus those characters


def _figure_rows() -> pd.DataFrame:
    """Synthetic figure rows shaped like `queries.compare`; each source quote is a spreadsheet attack."""
    n = len(INJECTIONS)
    return pd.DataFrame(
        {
            "unit_id": [f"syn-{i}" for i in range(n)],
            "unit_name": ["Quận Ba Đình"] + [f"Phường Tổng hợp {i}" for i in range(1, n)],
            "metric_id": ["complaints_resolved_rate"] * n,
            "metric_name": ["Tỷ lệ giải quyết đơn khiếu nại"] * n,
            "period_start": pd.to_datetime(["2015-01-01"] * n),
            "period_end": pd.to_datetime(["2020-06-02"] * n),
            "period_label": ["Nhiệm kỳ 2015–2020"] * n,
            "value": [91.94, 15590.0, 217.0, -2.0, -0.5, 100.0],
            "qualifier": ["=", ">=", ">", "~", "<=", "<"],
            "numerator": [217.0, None, None, None, None, None],
            "denominator": [236.0, None, None, None, None, None],
            "unit_of_measure": ["%"] * n,
            "source_id": ["syn-source"] * n,
            "source_title": ["Báo cáo tổng hợp (giả lập)"] * n,
            "source_quote": INJECTIONS,
            "note": [TRICKY_NOTE] + [None] * (n - 1),
        }
    )


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def _open_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("attack", INJECTIONS + ["\r=1"])
def test_neutralise_prefixes_formula_text_with_an_apostrophe(attack: str) -> None:
    assert neutralise(attack) == "'" + attack


@pytest.mark.parametrize("attack", HIDDEN_INJECTIONS)
def test_neutralise_sees_through_invisible_and_full_width_triggers(attack: str) -> None:
    assert neutralise(attack) == "'" + attack


@pytest.mark.parametrize(
    "value",
    ["Quận Ba Đình", "91,94%", "Nhiệm kỳ 2015–2020", "", -2, -2.5, 0, 15590.0, "\u200bQuận", "１２３", "−2", "  "],
)
def test_neutralise_keeps_plain_text_and_numbers(value: object) -> None:
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT])
def test_neutralise_leaves_missing_values_empty(value: object) -> None:
    assert neutralise(value) is None


def test_export_frame_has_vietnamese_headers_in_order_and_dates() -> None:
    frame = export_frame(_figure_rows())
    # "Tình trạng duyệt" only when a waiting figure is in the file (test_review: marked there)
    assert list(frame.columns) == [h for key, h in EXPORT_HEADERS.items() if key != "pending"]
    assert list(frame.columns[:4]) == ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Chỉ tiêu"]
    assert frame.loc[0, "Từ ngày"] == dt.date(2015, 1, 1)
    assert type(frame.loc[0, "Đến ngày"]) is dt.date
    assert frame["Dấu so sánh"].tolist() == ["", "≥", ">", "~", "≤", "<"]


def test_export_frame_fills_missing_metric_names_and_skips_missing_columns() -> None:
    rows = _figure_rows().drop(columns=["metric_name", "unit_of_measure", "source_title"])
    named = export_frame(rows, metric_names={"complaints_resolved_rate": "Tỷ lệ giải quyết đơn khiếu nại"})
    assert set(named["Chỉ tiêu"]) == {"Tỷ lệ giải quyết đơn khiếu nại"}
    assert "Đơn vị tính" not in named.columns and "Nguồn" not in named.columns
    unnamed = export_frame(rows)
    assert "Chỉ tiêu" in unnamed.columns and unnamed["Chỉ tiêu"].isna().all()


def test_csv_opens_in_vietnamese_excel() -> None:
    data = to_csv_bytes(export_frame(_figure_rows()))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.split(";")[:3] == ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu"]
    assert ";91,94;217;236;" in first
    assert text.endswith("\r\n") and text.replace("\r\n", "").count("\n") == 1  # only inside the note
    assert ";15590;" in text and "15.590" not in text and "15590,0" not in text
    assert "2015-01-01;2020-06-02" in first


def test_csv_round_trips_vietnamese_text_numbers_and_quoting() -> None:
    back = _read_csv(to_csv_bytes(export_frame(_figure_rows())))
    assert back.loc[0, "Đơn vị"] == "Quận Ba Đình"
    assert set(back["Kỳ số liệu"]) == {"Nhiệm kỳ 2015–2020"}
    assert back["Giá trị"].tolist() == [91.94, 15590, 217, -2, -0.5, 100]
    assert (back.loc[0, "Tử số"], back.loc[0, "Mẫu số"]) == (217, 236)
    assert back.loc[0, "Ghi chú"] == TRICKY_NOTE
    assert back.loc[0, "Từ ngày"] == "2015-01-01"


def test_csv_neutralises_formulas_but_not_negative_numbers() -> None:
    back = _read_csv(to_csv_bytes(export_frame(_figure_rows())))
    assert back["Trích dẫn nguyên văn"].tolist() == ["'" + attack for attack in INJECTIONS]
    assert pd.api.types.is_float_dtype(back["Giá trị"])
    assert ";-2;" in to_csv_bytes(export_frame(_figure_rows())).decode("utf-8-sig")


def test_xlsx_neutralises_formulas_as_text_cells() -> None:
    sheet = _open_xlsx(to_xlsx_bytes(export_frame(_figure_rows())))["Số liệu"]
    column = list(EXPORT_HEADERS.values()).index("Trích dẫn nguyên văn") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, len(INJECTIONS) + 2)]
    assert [c.value for c in cells] == ["'" + attack for attack in INJECTIONS]
    assert {c.data_type for c in cells} == {"s"}


def test_xlsx_has_bold_frozen_header_numbers_and_dates() -> None:
    book = _open_xlsx(to_xlsx_bytes(export_frame(_figure_rows()), note="Nguồn: giả lập; xuất ngày 01/07/2025"))
    sheet = book["Số liệu"]
    headers = [c.value for c in sheet[1]]
    assert headers == [h for key, h in EXPORT_HEADERS.items() if key != "pending"]  # no waiting figure in it
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    value_col = headers.index("Giá trị") + 1
    values = [sheet.cell(row=r, column=value_col) for r in range(2, len(INJECTIONS) + 2)]
    assert [c.value for c in values] == [91.94, 15590, 217, -2, -0.5, 100]
    assert {c.data_type for c in values} == {"n"}
    start = sheet.cell(row=2, column=headers.index("Từ ngày") + 1)
    assert start.is_date and start.number_format == "dd/mm/yyyy"
    assert start.value.date() == dt.date(2015, 1, 1)
    assert sheet.cell(row=2, column=headers.index("Ghi chú") + 1).value == TRICKY_NOTE
    assert sheet.column_dimensions["A"].width > 8
    assert book.sheetnames == ["Số liệu", "Ghi chú"]
    assert book["Ghi chú"]["A1"].value == "Nguồn: giả lập; xuất ngày 01/07/2025"
    assert book.properties.creator == "danvan"


def test_xlsx_without_note_has_one_sheet_and_neutralised_note_lines() -> None:
    assert _open_xlsx(to_xlsx_bytes(export_frame(_figure_rows()))).sheetnames == ["Số liệu"]
    note = _open_xlsx(to_xlsx_bytes(export_frame(_figure_rows()), note="Nguồn: x\n=1+1"))["Ghi chú"]
    assert (note["A2"].value, note["A2"].data_type) == ("'=1+1", "s")


def test_download_name_is_ascii_and_readable() -> None:
    name = download_name("so-sanh", "Tỷ lệ giải quyết đơn khiếu nại", "2015-01-01..2020-06-02", ext="csv")
    assert name == "so-sanh_ty-le-giai-quyet-don-khieu-nai_2015-01-01-2020-06-02.csv"
    assert download_name("Đơn vị", "Quận Ba Đình", ext="xlsx") == "don-vi_quan-ba-dinh.xlsx"
    assert download_name("Nhiệm kỳ 2015–2020", "", ext=".csv") == "nhiem-ky-2015-2020.csv"


def test_download_name_is_capped_at_120_characters() -> None:
    name = download_name("xu-huong", "Tỷ lệ giải quyết đơn khiếu nại " * 10, ext="xlsx")
    assert len(name) <= 120 and name.endswith(".xlsx") and name.isascii()
    assert not name.removesuffix(".xlsx").endswith(("-", "_"))


def test_real_curated_dump_exports_all_figures(real_store: Store) -> None:
    frame = export_frame(queries.dump(real_store))
    assert len(frame) == 33
    row = frame.loc[frame["Mã chỉ tiêu"] == "complaints_resolved_rate"].iloc[0]
    assert (row["Giá trị"], row["Tử số"], row["Mẫu số"]) == (91.94, 217, 236)
    assert row["Đơn vị"] == "Quận Ba Đình" and row["Kỳ số liệu"] == "Nhiệm kỳ 2015–2020"

    back = _read_csv(to_csv_bytes(frame))
    assert len(back) == 33
    csv_row = back.loc[back["Mã chỉ tiêu"] == "complaints_resolved_rate"].iloc[0]
    assert (csv_row["Giá trị"], csv_row["Tử số"], csv_row["Mẫu số"]) == (91.94, 217, 236)
    assert back["Trích dẫn nguyên văn"].tolist() == frame["Trích dẫn nguyên văn"].tolist()

    sheet = _open_xlsx(to_xlsx_bytes(frame))["Số liệu"]
    assert sheet.max_row == 34


def _dump_with(store: Store, **columns: object) -> pd.DataFrame:
    """The fixture store's figure rows, with some text columns replaced (as a hostile upload would set them).

    Object columns: a lone surrogate cannot even enter pandas' Arrow-backed string dtype.
    """
    rows = queries.dump(store)
    return rows.assign(**{name: pd.Series([text] * len(rows), dtype=object) for name, text in columns.items()})


def test_csv_and_xlsx_neutralise_hidden_and_full_width_formulas(fixture_store: Store) -> None:
    rows = pd.concat([queries.dump(fixture_store)] * 3, ignore_index=True).head(len(HIDDEN_INJECTIONS))
    frame = export_frame(rows.assign(source_quote=HIDDEN_INJECTIONS, note=HIDDEN_INJECTIONS[::-1]))
    expected = ["'" + xml_safe(attack) for attack in HIDDEN_INJECTIONS]  # control characters go, the "'" stays
    back = _read_csv(to_csv_bytes(frame))
    assert back["Trích dẫn nguyên văn"].tolist() == expected
    assert back["Ghi chú"].tolist() == expected[::-1]
    sheet = _open_xlsx(to_xlsx_bytes(frame))["Số liệu"]
    column = list(frame.columns).index("Trích dẫn nguyên văn") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, len(rows) + 2)]
    assert [c.value for c in cells] == expected
    assert {c.data_type for c in cells} == {"s"}


def test_xml_safe_removes_what_xml_forbids_and_keeps_what_a_reader_sees() -> None:
    assert xml_safe(HOSTILE_NOTE) == SHOWN_NOTE
    assert xml_safe("Quận\tBa Đình\r\nHà Nội ＝ 😀") == "Quận\tBa Đình\r\nHà Nội ＝ 😀"
    assert xml_safe("\ud83d\ude00") == "😀"  # a surrogate pair is its character, not two "�"


def test_stored_control_characters_never_break_an_xlsx_export(fixture_store: Store) -> None:
    hostile_name = f"Quận{CONTROLS} Một\ud800"
    rows = _dump_with(fixture_store, note=HOSTILE_NOTE, source_quote="\x00=1+1", unit_name=hostile_name)
    data = to_xlsx_bytes(export_frame(rows), sheet_title="Số\x01 liệu", note=f"Nguồn{CONTROLS}\n{HOSTILE_NOTE}")
    book = _open_xlsx(data)
    assert book.sheetnames == ["Số liệu", "Ghi chú"]
    sheet = book["Số liệu"]
    headers = [c.value for c in sheet[1]]
    for row in range(2, len(rows) + 2):
        assert sheet.cell(row=row, column=headers.index("Ghi chú") + 1).value == SHOWN_NOTE
        assert sheet.cell(row=row, column=headers.index("Đơn vị") + 1).value == "Quận Một\ufffd"
        assert sheet.cell(row=row, column=headers.index("Trích dẫn nguyên văn") + 1).value == "'=1+1"
    assert [c.value for c in book["Ghi chú"]["A"]] == ["Nguồn", SHOWN_NOTE]


def test_stored_control_characters_never_break_a_csv_export(fixture_store: Store) -> None:
    rows = _dump_with(fixture_store, note=HOSTILE_NOTE)
    back = _read_csv(to_csv_bytes(export_frame(rows)))
    assert back["Ghi chú"].tolist() == [SHOWN_NOTE] * len(rows)


# One registry of formats: each download says what it is, and a table format builds that file.


def test_each_format_names_its_file_and_type_once() -> None:
    assert list(formats.FORMATS) == ["csv", "xlsx", "png", "svg", "pptx", "pdf"]
    assert formats.CHART_FORMATS == ("png", "svg", "pptx", "pdf")  # what `export --format` offers
    assert formats.FORMATS["xlsx"].mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert formats.PPTX.mime == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert formats.PDF.file_name("ho-so", "Quận Ba Đình") == "ho-so_quan-ba-dinh.pdf"
    for fmt in formats.FORMATS.values():
        assert fmt.file_name("so-sanh", "Tỷ lệ").endswith(f".{fmt.extension}")
        assert fmt.kind in (formats.TABLE, formats.FIGURE, formats.DECK)


def test_table_formats_build_the_file_their_type_says() -> None:
    frame = export_frame(pd.DataFrame({"unit_name": ["Quận Ba Đình"], "value": [91.94]}))
    csv_bytes = formats.CSV.build(frame, "Số liệu", "bỏ qua")  # a CSV has no note sheet
    assert csv_bytes == to_csv_bytes(frame) and csv_bytes.startswith("\ufeff".encode())
    book = _open_xlsx(formats.XLSX.build(frame, sheet_title="Lỗi", note="Nguồn"))
    assert book.sheetnames == ["Lỗi", "Ghi chú"]

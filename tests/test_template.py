"""The upload template: drop-down lists, Vietnamese instructions, and it reads back through the uploader."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd

from danvan_metrics.export.template import template_csv, template_xlsx
from danvan_metrics.ingest.read import read_upload
from danvan_metrics.ingest.table import TEMPLATE_COLUMNS
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


def test_xlsx_template_has_instructions_dropdowns_and_catalogs(real_store: Store) -> None:
    units = pd.DataFrame({"unit_id": ["pre-d001"], "name": ["Quận Ba Đình"], "parent_name": ["Thành phố Hà Nội"]})
    data = template_xlsx(units, queries.metrics(real_store))
    book = openpyxl.load_workbook(io.BytesIO(data))
    # Sheet names as the instructions name them, with their diacritics.
    assert book.sheetnames == ["Hướng dẫn", "Số liệu", "Danh mục đơn vị", "Danh mục chỉ tiêu"]
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True) if row[0]]
    assert guide[0] == "HƯỚNG DẪN ĐIỀN MẪU SỐ LIỆU QUÝ"
    for sheet_name in re.findall(r"trang “([^”]+)”", " ".join(guide)):
        assert sheet_name in book.sheetnames, sheet_name
    sheet = book["Số liệu"]
    assert [c.value for c in sheet[1]] == list(TEMPLATE_COLUMNS)
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert "='Danh mục chỉ tiêu'!$A$2:$A$32" in formulas
    assert "='Danh mục đơn vị'!$A$2:$A$2" in formulas
    # The drop-down offers the name and the province beside the code.
    assert book["Danh mục đơn vị"]["A2"].value == "pre-d001 · Quận Ba Đình (Thành phố Hà Nội)"
    first_metric = book["Danh mục chỉ tiêu"]["A2"].value
    assert first_metric.split(" · ")[0] in set(queries.metrics(real_store)["metric_id"])


def test_a_filled_template_reads_back(real_store: Store) -> None:
    units = pd.DataFrame({"unit_id": ["pre-d001"], "name": ["Quận Ba Đình"]})
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(units, queries.metrics(real_store))))
    book["Số liệu"].append(["pre-d001", "Quận Ba Đình", 2025, 1, "citizen_receptions", 120, None, None, "mẫu"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_upload(buffer.getvalue(), "mau.xlsx")
    assert table.sheet == "Số liệu"
    [(row, cells)] = table.rows
    assert row == 2 and cells["gia_tri"].number == 120.0 and cells["ten_don_vi"].text == "Quận Ba Đình"


def test_csv_template_is_the_header_with_a_bom() -> None:
    assert template_csv() == "\ufeffma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu\r\n".encode()

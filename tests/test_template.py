"""The upload template: drop-down lists, Vietnamese instructions, and it reads back through the uploader."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from danvan_metrics import queries
from danvan_metrics.ingest_read import TEMPLATE_COLUMNS, read_upload
from danvan_metrics.store import Store
from danvan_metrics.template import template_csv, template_xlsx


def test_xlsx_template_has_instructions_dropdowns_and_catalogs(real_store: Store) -> None:
    units = pd.DataFrame({"unit_id": ["pre-d001"], "name": ["Quận Ba Đình"]})
    data = template_xlsx(units, queries.metrics(real_store))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Huong dan", "So lieu", "Danh muc don vi", "Danh muc chi tieu"]
    assert book["Huong dan"]["A1"].value == "HƯỚNG DẪN ĐIỀN MẪU SỐ LIỆU QUÝ"
    sheet = book["So lieu"]
    assert [c.value for c in sheet[1]] == list(TEMPLATE_COLUMNS)
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert "='Danh muc chi tieu'!$A$2:$A$32" in formulas
    assert "='Danh muc don vi'!$A$2:$A$2" in formulas
    assert book["Danh muc chi tieu"]["A2"].value in set(queries.metrics(real_store)["metric_id"])


def test_a_filled_template_reads_back(real_store: Store) -> None:
    units = pd.DataFrame({"unit_id": ["pre-d001"], "name": ["Quận Ba Đình"]})
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(units, queries.metrics(real_store))))
    book["So lieu"].append(["pre-d001", "Quận Ba Đình", 2025, 1, "citizen_receptions", 120, None, None, "mẫu"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_upload(buffer.getvalue(), "mau.xlsx")
    assert table.sheet == "So lieu"
    [(row, cells)] = table.rows
    assert row == 2 and cells["gia_tri"].number == 120.0 and cells["ten_don_vi"].text == "Quận Ba Đình"


def test_csv_template_is_the_header_with_a_bom() -> None:
    assert template_csv() == "\ufeffma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu\r\n".encode()

"""The upload template staff fill in: XLSX with drop-down lists and Vietnamese instructions, or CSV.

The column names are a user-facing contract (see `ingest.table.TEMPLATE_COLUMNS`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from danvan_metrics.export.tables import neutralise, xml_safe
from danvan_metrics.ingest.periods import HALF_LABELS
from danvan_metrics.ingest.table import CHOICE_SEPARATOR, TEMPLATE_COLUMNS

HEADER_HELP: dict[str, str] = {
    "ma_don_vi": "Mã đơn vị (chọn trong danh sách) hoặc mã thống kê",
    "ten_don_vi": "Tên đơn vị (có thể bỏ trống nếu đã ghi mã)",
    "nam": "Năm, ví dụ 2026",
    "quy": "Quý 1–4 (hoặc I–IV); “6 tháng đầu năm” / “6 tháng cuối năm” nếu nửa năm; để trống nếu cả năm",
    "ma_chi_tieu": "Mã chỉ tiêu (chọn trong danh sách)",
    "gia_tri": "Giá trị; tỷ lệ ghi theo %, ví dụ 91,94",
    "tu_so": "Tử số (chỉ với tỷ lệ), ví dụ 217",
    "mau_so": "Mẫu số (chỉ với tỷ lệ), ví dụ 236",
    "ghi_chu": "Ghi chú (không bắt buộc)",
}

INSTRUCTIONS: tuple[str, ...] = (
    "HƯỚNG DẪN ĐIỀN MẪU SỐ LIỆU QUÝ",
    "",
    "1. Mỗi dòng là một số liệu: một đơn vị, một chỉ tiêu, một kỳ (một quý hoặc cả năm).",
    "2. Giữ nguyên dòng tiêu đề (ma_don_vi, ten_don_vi, nam, quy, ma_chi_tieu, gia_tri, tu_so, mau_so, ghi_chu).",
    "3. Đơn vị: chọn trong danh sách (mã · tên · tỉnh, thành phố) lấy từ trang “Danh mục đơn vị”, hoặc ghi tên;",
    "   nếu ghi cả mã và tên thì phải khớp nhau.",
    "4. Kỳ: cột nam là năm; cột quy là 1–4 (hoặc I–IV, “Quý 2”), hoặc “6 tháng đầu năm” / “6 tháng cuối năm” "
    "nếu là số liệu nửa năm; để trống quy nếu là số liệu cả năm.",
    "5. Chỉ tiêu: chọn trong danh sách (mã · tên) lấy từ trang “Danh mục chỉ tiêu”.",
    "6. Số viết kiểu Việt Nam (91,94; 15.590) hoặc kiểu quốc tế (91.94), nhưng thống nhất trong cả tệp.",
    "   Số như 1.234 mà không có dấu thập phân nào khác trong tệp sẽ bị coi là không rõ: hãy viết 1234.",
    "7. Tỷ lệ: ghi tử số và mẫu số (ví dụ 217 và 236); có thể để trống giá trị, hệ thống tự tính.",
    "8. Không dùng công thức; lưu tệp dạng .xlsx hoặc CSV UTF-8.",
    "9. Trước khi ghi, hệ thống cho xem trước: số dòng thêm mới, số dòng thay thế và mọi lỗi (kèm dòng, cột).",
    "   Một lần tải lên có thể được rút lại; số liệu cũ được khôi phục.",
)


@dataclass(frozen=True, slots=True)
class Prefilled:
    """One data row of a pre-filled template: who reports which metric for which period."""

    unit_id: str
    unit_name: str
    parent_name: str | None
    year: int
    quarter: int | str | None  # 1–4, "6 tháng đầu năm" / "6 tháng cuối năm", or None (the year)
    metric_id: str


HEADER_FILL = PatternFill("solid", fgColor="DCE9F5")
# Sheet names as a person reads them (Excel allows Vietnamese, up to 31 characters).
GUIDE_SHEET, DATA_SHEET, UNIT_SHEET, METRIC_SHEET = "Hướng dẫn", "Số liệu", "Danh mục đơn vị", "Danh mục chỉ tiêu"


def unit_choice(unit_id: str, name: str, parent: str | None) -> str:
    """A unit as the drop-down offers it: "post-c24823 · Xã Tân Phú (Tỉnh Đồng Nai)"."""
    place = f" ({parent})" if parent else ""
    return f"{unit_id}{CHOICE_SEPARATOR}{name}{place}"


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with BOM, so Excel shows Vietnamese): the header row only."""
    return ("\ufeff" + ",".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8")


def template_xlsx(
    units: pd.DataFrame, metrics: pd.DataFrame, rows: int = 500, prefill: Sequence[Prefilled] = ()
) -> bytes:
    """The template workbook: a data sheet with drop-downs, the catalogs, and instructions.

    Args:
        units: unit_id and name of the units offered in the drop-down.
        metrics: the metric catalog (metric_id, name_vi, category, unit, kind).
        rows: how many data rows carry the drop-down lists.
        prefill: data rows already written (unit, period and metric; the figures left to fill in).
    """
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    data.append(list(TEMPLATE_COLUMNS))
    for cell in data[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        data.column_dimensions[data.cell(row=1, column=index).column_letter].width = max(14, len(column) + 4)
    data.column_dimensions["A"].width = 44
    data.column_dimensions["B"].width = 32
    data.column_dimensions["E"].width = 44
    data.freeze_panes = "A2"
    names = dict(zip(metrics["metric_id"], metrics["name_vi"], strict=True))
    for filled in prefill:
        metric = f"{filled.metric_id}{CHOICE_SEPARATOR}{names.get(filled.metric_id, filled.metric_id)}"
        values = [unit_choice(filled.unit_id, filled.unit_name, filled.parent_name), filled.unit_name, filled.year,
                  filled.quarter, metric]  # fmt: skip
        data.append([neutralise(xml_safe(v)) if isinstance(v, str) else v for v in values])
    rows = max(rows, len(prefill) + 100)

    parents = units["parent_name"] if "parent_name" in units else pd.Series([None] * len(units), index=units.index)
    unit_sheet = book.create_sheet(UNIT_SHEET)
    unit_sheet.append(["lua_chon", "ma_don_vi", "ten_don_vi", "thuoc"])
    for unit_id, name, parent in zip(units["unit_id"], units["name"], parents, strict=True):
        parent_text = parent if isinstance(parent, str) else None
        row = [unit_choice(str(unit_id), str(name), parent_text), str(unit_id), str(name), parent_text or ""]
        unit_sheet.append([neutralise(xml_safe(value)) for value in row])
    metric_sheet = book.create_sheet(METRIC_SHEET)
    metric_sheet.append(["lua_chon", "ma_chi_tieu", "ten_chi_tieu", "linh_vuc", "don_vi_tinh", "loai"])
    for row in metrics.itertuples(index=False):
        values = [f"{row.metric_id}{CHOICE_SEPARATOR}{row.name_vi}", row.metric_id, row.name_vi, row.category,
                  row.unit, row.kind]  # fmt: skip
        metric_sheet.append([neutralise(xml_safe(str(v))) for v in values])
    for sheet in (unit_sheet, metric_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        sheet.column_dimensions["A"].width = 56
        sheet.column_dimensions["B"].width = 26
        sheet.column_dimensions["C"].width = 40
        sheet.column_dimensions["D"].width = 32

    last = rows + 1
    unit_list = DataValidation(type="list", formula1=f"='{UNIT_SHEET}'!$A$2:$A${len(units) + 1}", allow_blank=True)
    metric_list = DataValidation(
        type="list", formula1=f"='{METRIC_SHEET}'!$A$2:$A${len(metrics) + 1}", allow_blank=True
    )
    parts = ",".join(["1", "2", "3", "4", *HALF_LABELS.values()])  # quarters, then the two halves of a year
    quarter_list = DataValidation(type="list", formula1=f'"{parts}"', allow_blank=True)
    for validation, column in ((unit_list, "A"), (metric_list, "E"), (quarter_list, "D")):
        validation.error = "Hãy chọn một giá trị trong danh sách."
        validation.errorTitle = "Giá trị không hợp lệ"
        data.add_data_validation(validation)
        validation.add(f"{column}2:{column}{last}")

    guide = book.create_sheet(GUIDE_SHEET, 0)
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.append([])
    guide.append(["Cột", "Ý nghĩa"])
    for column in TEMPLATE_COLUMNS:
        guide.append([column, HEADER_HELP[column]])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 70
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    book.active = 1
    book.properties.creator = "danvan"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

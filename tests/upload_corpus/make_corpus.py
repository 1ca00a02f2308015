"""Write the upload test corpus (synthetic sample figures, not real data): `python tests/upload_corpus/make_corpus.py`.

Each file exercises one way staff files arrive or one validation rule; `tests/test_ingest_corpus.py`
holds the exact expected outcome of each. The files are committed; this script reproduces them.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
H = "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu"
NOTE = "SỐ LIỆU MẪU để kiểm thử"


def csv(*rows: str, header: str = H, sep: str = ",") -> str:
    return "\n".join([header.replace(",", sep), *rows]) + "\n"


def xlsx(rows: list[list[object]], header: str = H) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Text as Excel on Vietnamese Windows saves it: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 300_000_000 + "</a>")
    return buffer.getvalue()


GOOD = 'pre-d001,Quận Ba Đình,2024,1,complaints_resolved_rate,"91,94",217,236,' + NOTE
CASES: dict[str, bytes] = {
    "01_utf8.csv": csv(GOOD, "pre-d001,,2024,1,citizen_receptions,1.250,,,").encode(),
    "02_utf8_bom.csv": ("\ufeff" + csv(GOOD)).encode(),
    "03_utf16_tab.txt": csv(
        GOOD.replace(',"91,94"', ",91,94").replace(",", "\t").replace("\t94\t", ",94\t"), sep="\t"
    ).encode("utf-16"),
    "04_cp1258_semicolon.csv": windows_1258(
        csv("pre-d001;Quận Ba Đình;2024;1;complaints_resolved_rate;91,94;217;236;ghi chú", sep=";")
    ),
    "05_cp1252.csv": csv("pre-d001,,2024,1,citizen_receptions,1250,,,café").encode("cp1252"),
    "06_semicolon_decimal_comma.csv": csv(
        "pre-d001;Q. Ba Đình;2024;1;complaints_resolved_rate;91,94;217;236;", sep=";"
    ).encode(),
    "07_title_block.csv": ("BÁO CÁO SỐ LIỆU QUÝ 1/2024\nĐơn vị: Quận Ba Đình\n\n" + csv(GOOD)).encode(),
    "08_english_headers.csv": csv(
        "pre-d001,,2024,1,citizen_receptions,120,,,",
        header="unit_id,unit_name,year,quarter,metric_id,value,numerator,denominator,note",
    ).encode(),
    "09_plain_numbers.csv": csv("pre-d001,,2024,1,complaints_resolved_rate,91.94,217,236,").encode(),
    "10_ambiguous_number.csv": csv("pre-d001,,2024,1,citizen_receptions,1.250,,,").encode(),
    "11_mixed_notation.csv": csv(
        'pre-d001,,2024,1,complaints_resolved_rate,"91,94",217,236,',
        "pre-d001,,2024,2,complaints_resolved_rate,90.5,,,",
    ).encode(),
    "12_unknown_unit.csv": csv(",Quận Ba Dinhh,2024,1,citizen_receptions,120,,,").encode(),
    "13_unknown_metric.csv": csv("pre-d001,,2024,1,so_cuoc_hop,120,,,").encode(),
    "14_year_out_of_range.csv": csv("pre-d001,,1999,1,citizen_receptions,120,,,").encode(),
    "15_bad_quarter.csv": csv("pre-d001,,2024,5,citizen_receptions,120,,,").encode(),
    "16_value_not_number.csv": csv("pre-d001,,2024,1,citizen_receptions,nhiều,,,").encode(),
    "17_rate_over_100.csv": csv("pre-d001,,2024,1,complaints_resolved_rate,120,,,").encode(),
    "18_numerator_over_denominator.csv": csv("pre-d001,,2024,1,complaints_resolved_rate,,240,236,").encode(),
    "19_value_disagrees_with_parts.csv": csv('pre-d001,,2024,1,complaints_resolved_rate,"95,00",217,236,').encode(),
    "20_negative_count.csv": csv("pre-d001,,2024,1,citizen_receptions,-5,,,").encode(),
    "21_duplicate_rows.csv": csv(
        "pre-d001,,2024,1,citizen_receptions,120,,,", "pre-d001,,2024,1,citizen_receptions,120,,,"
    ).encode(),
    "22_conflicting_rows.csv": csv(
        "pre-d001,,2024,1,citizen_receptions,120,,,", "pre-d001,,2024,1,citizen_receptions,130,,,"
    ).encode(),
    "23_unit_gone_in_period.csv": csv("pre-d001,,2025,4,citizen_receptions,120,,,").encode(),
    "24_id_and_name_disagree.csv": csv("pre-d001,Quận Thanh Xuân,2024,1,citizen_receptions,120,,,").encode(),
    "25_empty.csv": b"",
    "26_header_only.csv": (H + "\n").encode(),
    "27_truncated.xlsx": xlsx([["pre-d001", "", 2024, 1, "citizen_receptions", 120]])[:900],
    "28_corrupt.xlsx": b"PK\x03\x04" + bytes(range(256)) * 8,
    "29_zip_bomb.xlsx": zip_bomb(),
    "30_renamed_png.csv": b"\x89PNG\r\n\x1a\n" + bytes(200),
    "31_formula.xlsx": xlsx([["pre-d001", "", 2024, 1, "citizen_receptions", "=SUM(1,2)"]]),
    "32_very_long_note.csv": csv("pre-d001,,2024,1,citizen_receptions,120,,," + "x" * 5000).encode(),
    "33_macro.xlsm": xlsx([]),
    "34_good.xlsx": xlsx(
        [
            ["pre-d001", "Quận Ba Đình", 2024, 1, "complaints_resolved_rate", 91.94, 217, 236, NOTE],
            ["pre-d009", "", 2024, "II", "citizen_receptions", 75, None, None, NOTE],
        ]
    ),
    "35_quarter_words.csv": csv(
        "pre-d001,,2024,Quý 2,citizen_receptions,120,,,",
        "pre-d009,,2024,III,citizen_receptions,80,,,",
        "TP. Bạc Liêu,,2024,,poor_household_loans,600,,,",
    ).encode(),
    "36_no_template_header.csv": "đơn vị,số liệu\nBa Đình,12\n".encode(),
    "37_metric_by_name.csv": csv("pre-d001,,2024,1,Lượt tiếp công dân,120,,,").encode(),
    "38_ambiguous_name.csv": csv(",Ba Đình,2024,1,citizen_receptions,120,,,").encode(),
}


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    for name, data in CASES.items():
        (FILES / name).write_bytes(data)
    print(f"{len(CASES)} files in {FILES}")


if __name__ == "__main__":
    main()

"""A small, synthetic curated data set (not real figures) for query and store tests.

Built to make wrong answers visible: a mean of percentages differs from the pooled rate,
two units report over different periods, and one unit's name holds both kinds of quotes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from danvan_metrics.core.model import CURATED_FILES

if TYPE_CHECKING:
    from danvan_metrics.services.uploads import Preview
    from danvan_metrics.store.connection import Store

SOURCE_ID = "synthetic_fixture"
QUOTE_NAME = 'Phường "Đồng Xuân" & O\'Neil'
SOURCE_TEXT = (
    "VĂN BẢN THỬ NGHIỆM — số liệu tổng hợp, không phải số liệu thật.\n"
    "Quý 1/2023 Quận Một giải quyết 9/10 đơn khiếu nại, đạt 90,00%.\n"
    "Quý 2/2023 Quận Một giải quyết 50/100 đơn khiếu nại, đạt 50,00%.\n"
    "Quý 1/2023 Huyện Hai giải quyết đạt 80,00% đơn khiếu nại.\n"
    "Quý 1/2023 Quận Một tiếp 1.250 lượt công dân.\n"
    "Năm 2023 Huyện Hai tiếp trên 4.941 lượt công dân.\n"
    "Quý 1/2023 phường thử tiếp 12 lượt công dân.\n"
)

UNITS = [
    {
        "unit_id": "t-p1",
        "official_code": "99",
        "name": "Tỉnh Thử Nghiệm",
        "short_name": "Thử Nghiệm",
        "kind": "tỉnh",
        "level": "province",
        "parent_id": "",
        "valid_from": "",
        "valid_to": "2025-06-30",
        "variants": "Thử Nghiệm",
    },
    {
        "unit_id": "t-d1",
        "official_code": "991",
        "name": "Quận Một",
        "short_name": "Một",
        "kind": "quận",
        "level": "district",
        "parent_id": "t-p1",
        "valid_from": "",
        "valid_to": "2025-06-30",
        "variants": "Q. Một",
    },
    {
        "unit_id": "t-d2",
        "official_code": "992",
        "name": "Huyện Hai",
        "short_name": "Hai",
        "kind": "huyện",
        "level": "district",
        "parent_id": "t-p1",
        "valid_from": "",
        "valid_to": "2025-06-30",
        "variants": "",
    },
    {
        "unit_id": "t-c1",
        "official_code": "99101",
        "name": QUOTE_NAME,
        "short_name": QUOTE_NAME,
        "kind": "phường",
        "level": "commune",
        "parent_id": "t-d1",
        "valid_from": "",
        "valid_to": "2025-06-30",
        "variants": "",
    },
]

METRICS = [
    {
        "metric_id": "complaints_resolved_rate",
        "name_vi": "Tỷ lệ giải quyết đơn khiếu nại",
        "name_en": "Complaints resolved",
        "category": "Giải quyết khiếu nại, tố cáo",
        "unit": "%",
        "kind": "rate",
        "direction": "higher",
        "numerator_label": "đơn đã giải quyết",
        "denominator_label": "đơn thuộc thẩm quyền",
        "target": "",
        "decimals": "2",
        "description": "Tỷ lệ đơn khiếu nại đã giải quyết.",
    },
    {
        "metric_id": "citizen_receptions",
        "name_vi": "Lượt tiếp công dân",
        "name_en": "Citizen receptions",
        "category": "Tiếp công dân",
        "unit": "lượt",
        "kind": "count",
        "direction": "neutral",
        "numerator_label": "",
        "denominator_label": "",
        "target": "",
        "decimals": "0",
        "description": "Số lượt tiếp công dân.",
    },
]

SOURCES = [
    {
        "source_id": SOURCE_ID,
        "title": "Văn bản thử nghiệm",
        "publisher": "Bộ kiểm thử",
        "published": "2024-01-15",
        "doc_kind": "bài viết",
        "unit_id": "t-p1",
        "file": f"sources/{SOURCE_ID}.txt",
        "author": "",
    },
]


def _obs(
    unit: str,
    metric: str,
    start: str,
    end: str,
    label: str,
    value: str,
    qualifier: str,
    num: str,
    den: str,
    value_text: str,
    quote: str,
) -> dict[str, str]:
    return {
        "unit_id": unit,
        "metric_id": metric,
        "period_start": start,
        "period_end": end,
        "period_label": label,
        "value": value,
        "qualifier": qualifier,
        "numerator": num,
        "denominator": den,
        "value_text": value_text,
        "source_id": SOURCE_ID,
        "source_quote": quote,
        "note": "",
    }


OBSERVATIONS = [
    _obs(
        "t-d1",
        "complaints_resolved_rate",
        "2023-01-01",
        "2023-03-31",
        "Quý 1/2023",
        "90",
        "=",
        "9",
        "10",
        "90,00%",
        "Quý 1/2023 Quận Một giải quyết 9/10 đơn khiếu nại, đạt 90,00%.",
    ),
    _obs(
        "t-d1",
        "complaints_resolved_rate",
        "2023-04-01",
        "2023-06-30",
        "Quý 2/2023",
        "50",
        "=",
        "50",
        "100",
        "50,00%",
        "Quý 2/2023 Quận Một giải quyết 50/100 đơn khiếu nại, đạt 50,00%.",
    ),
    _obs(
        "t-d2",
        "complaints_resolved_rate",
        "2023-01-01",
        "2023-03-31",
        "Quý 1/2023",
        "80",
        "=",
        "",
        "",
        "80,00%",
        "Quý 1/2023 Huyện Hai giải quyết đạt 80,00% đơn khiếu nại.",
    ),
    _obs(
        "t-d1",
        "citizen_receptions",
        "2023-01-01",
        "2023-03-31",
        "Quý 1/2023",
        "1250",
        "=",
        "",
        "",
        "1.250",
        "Quý 1/2023 Quận Một tiếp 1.250 lượt công dân.",
    ),
    _obs(
        "t-d2",
        "citizen_receptions",
        "2023-01-01",
        "2023-12-31",
        "Năm 2023",
        "4941",
        ">",
        "",
        "",
        "4.941",
        "Năm 2023 Huyện Hai tiếp trên 4.941 lượt công dân.",
    ),
    _obs(
        "t-c1",
        "citizen_receptions",
        "2023-01-01",
        "2023-03-31",
        "Quý 1/2023",
        "12",
        "=",
        "",
        "",
        "12",
        "Quý 1/2023 phường thử tiếp 12 lượt công dân.",
    ),
]


def write_fixture(root: Path) -> Path:
    """Write the fixture under ``root`` (curated/ and sources/); return the curated folder."""
    curated = root / "curated"
    curated.mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / f"{SOURCE_ID}.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    tables = {"units.csv": UNITS, "metrics.csv": METRICS, "sources.csv": SOURCES, "observations.csv": OBSERVATIONS}
    for name, rows in tables.items():
        write_csv(curated / name, list(CURATED_FILES[name]), rows)
    return curated


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


TEST_PASSWORD = "mat-khau-kiem-thu-1"  # accounts of the tests' own temporary state directories
ADMIN_NAMES = frozenset({"admin", "quan.tri", "quantri"})


def ensure_account(store: Store, name: str, role: str | None = None, units: tuple[str, ...] = ()) -> str:
    """An active account ``name`` in the store's state directory (admin for `ADMIN_NAMES`, else editor)."""
    from danvan_metrics.auth import accounts

    if accounts.get(name, store.home) is None:
        accounts.add(name, TEST_PASSWORD, role or ("admin" if name in ADMIN_NAMES else "editor"), units, store.home)
    return name


def commit_as(store: Store, preview: Preview, data: bytes, name: str = "editor1") -> str:
    """Commit through the write service as ``name`` (the account is created if missing)."""
    from danvan_metrics.services import writes

    return writes.commit_upload(store, ensure_account(store, name), preview, data, channel="kiểm thử")


def retract_as(store: Store, upload_id: str, name: str = "admin") -> int:
    """Retract through the write service as ``name`` (the account is created if missing)."""
    from danvan_metrics.services import writes

    return writes.retract_upload(store, ensure_account(store, name), upload_id, channel="kiểm thử")

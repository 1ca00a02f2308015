"""Build the national unit registry in ``data/registry`` from the upstream reference lists.

Only ``python -m danvan_metrics registry build`` reads the reference folder
(``../shared/reference/admin-units``); the product reads the files written here. Output is
sorted and written byte-for-byte the same on every run, so a rebuild shows as no change.

Ids never collide across the reform: ``pre-p01``/``pre-d001``/``pre-c00004`` before
1 July 2025, ``post-p01``/``post-c00004`` after it (codes were reused: 00004 was Phường Trúc
Bạch and is now Phường Ba Đình). Successor links are in `registry_links`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_metrics.core import config
from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.model import UNIT_COLUMNS
from danvan_metrics.core.text import fold
from danvan_metrics.registry import links as registry_links
from danvan_metrics.registry import names
from danvan_metrics.registry.units import LINK_COLUMNS, LINKS_FILE, UNITS_FILE

DEFAULT_REFERENCE = config.PROJECT_DIR.parent / "shared" / "reference" / "admin-units"
DEFAULT_OUT = config.DATA_DIR / "registry"
LAST_DAY_BEFORE = dt.date(2025, 6, 30)
_VAU = "vietnamadminunits"
_DVHCVN = "dvhcvn-20250701"


@dataclass(frozen=True, slots=True)
class Upstream:
    """One reference folder: where it came from and what the registry takes from it."""

    folder: str
    repository: str
    commit: str
    date: str
    used_for: str


UPSTREAMS: tuple[Upstream, ...] = (
    Upstream(
        _VAU,
        "tranngocminhhieu/vietnamadminunits",
        "780c279",
        "2025-08-27",
        "units before the reform (statistics office list of 18 July 2025: provinces, districts, communes), "
        "units after it (34 provinces, 3,321 communes), commune links (convert_legacy_2025_simple.csv), "
        "spelling variants and aliases",
    ),
    Upstream(
        _DVHCVN,
        "dvhcvn/20250701",
        "dd94887",
        "2025-07-12",
        "the second, independent set of successor links (splits.json, merges.json: full/partial), "
        "official codes of the 34 provinces (915_CTK-CSCL.csv), spelling variants",
    ),
)


@dataclass
class BuildReport:
    """Row counts of what was written, and the upstream oddities met on the way."""

    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as printable lines (counts first)."""
        return [f"{key}: {value}" for key, value in self.counts.items()] + [f"note: {n}" for n in self.notes]


@dataclass
class _Unit:
    unit_id: str
    official_code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_id: str
    era: str  # "pre" or "post"
    variants: set[str] = field(default_factory=set)

    def row(self) -> list[str]:
        valid_from = REFORM_DAY.isoformat() if self.era == "post" else ""
        valid_to = LAST_DAY_BEFORE.isoformat() if self.era == "pre" else ""
        spare = {self.name.casefold(), self.short_name.casefold()}
        variants = sorted({v for v in self.variants if v.casefold() not in spare}, key=lambda v: (v.casefold(), v))
        return [
            self.unit_id,
            self.official_code,
            self.name,
            self.short_name,
            self.kind,
            self.level,
            self.parent_id,
            valid_from,
            valid_to,
            "|".join(variants),
        ]


class _Builder:
    def __init__(self, reference: Path) -> None:
        self.ref = reference
        self.units: dict[str, _Unit] = {}
        self.notes: list[str] = []
        self._read: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._json: dict[str, list[dict[str, Any]]] = {}

    # -- reading ---------------------------------------------------------------------------
    def csv(self, folder: str, name: str) -> list[dict[str, str]]:
        """Rows with every cell NFC and whitespace-folded; how many cells needed it is noted once."""
        if (folder, name) in self._read:
            return self._read[(folder, name)]
        with (self.ref / folder / name).open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.DictReader(handle))
        rows = [{k: fold(v or "") for k, v in row.items()} for row in raw]
        changed = sum(1 for a, b in zip(raw, rows, strict=True) for k in a if (a[k] or "") != b[k])
        if changed:
            self.notes.append(f"{name}: {changed} cells with stray spaces or not in NFC, folded")
        self._read[(folder, name)] = rows
        return rows

    def json(self, name: str) -> list[dict[str, Any]]:
        """The ``data`` list of a dvhcvn file; names are folded where they are used."""
        if name not in self._json:
            text = (self.ref / _DVHCVN / name).read_text(encoding="utf-8")
            if fold(text) != " ".join(text.split()):
                self.notes.append(f"{name}: some names are not in NFC; folded before use")
            self._json[name] = json.loads(text)["data"]
        return self._json[name]

    # -- units -----------------------------------------------------------------------------
    def official(self, raw: str, level: str, declared: str, where: str, parent_kind: str = "") -> tuple[str, str]:
        """(name with its kind word spelled canonically, kind) — the kind is read from the name."""
        folded = fold(raw)
        for prefix in names.PREFIXES:
            word = prefix.word
            if folded.casefold().startswith(word.casefold() + " "):
                name = word + folded[len(word) :]
                if not folded.startswith(word):
                    self.notes.append(f"{where}: {raw!r} written {name!r} (case of the kind word)")
                kind = self.city_kind(level, parent_kind) if prefix.kinds == names.CITY_KINDS else min(prefix.kinds)
                if declared and declared.casefold() != word.casefold():
                    self.notes.append(f"{where}: {name!r} listed as {declared!r}; kind taken from the name")
                return name, kind
        raise ValueError(f"{where}: no kind word in {raw!r}")

    @staticmethod
    def city_kind(level: str, parent_kind: str) -> str:
        if level == "province":
            return names.CENTRAL_CITY
        return names.MUNICIPAL_CITY if parent_kind == names.CENTRAL_CITY else names.PROVINCIAL_CITY

    def add(self, era: str, level: str, code: str, raw: str, declared: str, parent_id: str, where: str) -> None:
        letter = level[0]
        unit_id = f"{era}-{letter}{code}"
        if unit_id in self.units:
            raise ValueError(f"{where}: duplicate id {unit_id}")
        parent_kind = self.units[parent_id].kind if parent_id else ""
        name, kind = self.official(raw, level, declared, where, parent_kind)
        self.units[unit_id] = _Unit(unit_id, code, name, names.short_name(name, kind), kind, level, parent_id, era)

    def build_units(self) -> None:
        districts = self.csv(_VAU, "danhmuchanhchinh.gso.gov.vn_district_2025-07-18.csv")
        wards = self.csv(_VAU, "danhmuchanhchinh.gso.gov.vn_ward_2025-07-18.csv")
        provinces = sorted({(r["Mã TP"], r["Tỉnh / Thành Phố"]) for r in districts + wards})
        for code, name in provinces:
            self.add("pre", "province", code, name, "", "", f"pre-reform province {code}")
        for r in districts:
            self.add("pre", "district", r["Mã"], r["Tên"], r["Cấp"], f"pre-p{r['Mã TP']}", f"district {r['Mã']}")
        for r in wards:
            self.add("pre", "commune", r["Mã"], r["Tên"], r["Cấp"], f"pre-d{r['Mã QH']}", f"commune {r['Mã']}")
        new = self.csv(_VAU, "2025_34-province-3221-ward_with_location.csv")
        official_codes = {r["Mã số"]: r["Tên 34 tỉnh sau sáp nhập"] for r in self.csv(_DVHCVN, "915_CTK-CSCL.csv")}
        for code, name in sorted({(f"{int(r['provinceCode']):02d}", r["province"]) for r in new}):
            if code not in official_codes:
                raise ValueError(f"province {code} {name!r} is not in document 915/CTK-CSCL")
            self.add("post", "province", code, name, "", "", f"post-reform province {code}")
            self.alternative(f"post-p{code}", official_codes[code])
        for r in new:
            code, province = f"{int(r['wardCode']):05d}", f"post-p{int(r['provinceCode']):02d}"
            self.add("post", "commune", code, r["ward"], r["wardType"], province, f"post-reform commune {code}")

    # -- variants --------------------------------------------------------------------------
    def alternative(self, unit_id: str, raw: str) -> None:
        """Another upstream's spelling of a unit's name, kept when it differs in more than case."""
        unit = self.units.get(unit_id)
        if unit is None or not raw.strip():
            return
        text = fold(raw)
        kinds, rest = names.split_prefix(text)
        if kinds is not None:
            text = f"{names.KIND_WORD[unit.kind if unit.kind in kinds else min(kinds)]} {rest}"  # canonical case
        unit.variants.add(text)

    def build_variants(self) -> None:
        for r in self.csv(_VAU, "convert_legacy_2025_simple.csv"):
            self.alternative(f"pre-p{int(r['provinceCode']):02d}", r["province"])
            self.alternative(f"pre-d{int(r['districtCode']):03d}", r["district"])
            if r["wardCode"]:
                self.alternative(f"pre-c{int(float(r['wardCode'])):05d}", r["ward"])
            self.alternative(f"post-p{r['newProvinceCode']}", r["newProvince"])
            self.alternative(f"post-c{r['newWardCode']}", r["newWard"])
        for province in self.json("splits.json"):
            self.alternative(f"pre-p{province['level1_id']}", province["name"])
            for district in province.get("level2s", []):
                self.alternative(f"pre-d{district['level2_id']}", district["name"])
            for commune in province["level3s"]:
                self.alternative(f"pre-c{commune['level3_id']}", commune["name"])
        for province in self.json("merges.json"):
            self.alternative(f"post-p{province['level1_id']}", province["name"])
            for old in province["merges"]:
                self.alternative(f"pre-p{old['old_id']}", old["name"])
            for commune in province["level2s"]:
                self.alternative(f"post-c{commune['level2_id']}", commune["name"])
        self.joined_forms()
        self.aliases()
        for unit in self.units.values():
            abbreviation = names.KIND_ABBREVIATION.get(unit.kind)
            rest = unit.name[len(names.KIND_WORD[unit.kind]) + 1 :]
            if abbreviation:
                unit.variants.add(f"{abbreviation} {rest}")

    def joined_forms(self) -> None:
        """ "Đa Krông" ↔ "Đakrông": where upstream writes a name both ways, each unit gets the other."""
        spellings: dict[str, set[str]] = defaultdict(set)
        for unit in self.units.values():
            short = unit.name[len(names.KIND_WORD[unit.kind]) + 1 :]
            if not any(ch.isdigit() for ch in short):
                spellings["".join(short.split()).casefold()].add(short)
        for unit in self.units.values():
            short = unit.name[len(names.KIND_WORD[unit.kind]) + 1 :]
            for other in spellings.get("".join(short.split()).casefold(), set()):
                if other.count(" ") != short.count(" ") and other.casefold() != short.casefold():
                    unit.variants.add(f"{names.KIND_WORD[unit.kind]} {other}")
                    if unit.kind in names.KIND_ABBREVIATION:
                        unit.variants.add(f"{names.KIND_ABBREVIATION[unit.kind]} {other}")

    def aliases(self) -> None:
        """Upstream's matching aliases ("hn", "q9", "huyenmyloc"), kept as written, on the unit they name."""
        by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit in self.units.values():
            parent = self.units[unit.parent_id].name if unit.parent_id else ""
            by_key[(names.bare_key(parent), names.bare_key(unit.name))].append(unit.unit_id)
        for r in self.csv(_VAU, "alias_province.csv"):
            self._alias(by_key.get(("", r["province_key"]), []), r["alias_keyword"], f"province {r['province_key']}")
        for r in self.csv(_VAU, "alias_district.csv"):
            found = by_key.get((r["province_key"], r["district_key"]), [])
            self._alias(found, r["alias_keyword"], f"district {r['province_key']}/{r['district_key']}")

    def _alias(self, unit_ids: list[str], keyword: str, where: str) -> None:
        if not unit_ids:
            self.notes.append(f"alias {keyword!r}: {where} not in the lists; skipped")
        for unit_id in unit_ids:
            self.units[unit_id].variants.add(keyword)


def build_registry(reference: Path = DEFAULT_REFERENCE, out: Path = DEFAULT_OUT) -> BuildReport:
    """Regenerate ``out`` (units.csv, links.csv, README.md) and ``out/../LICENSES`` from ``reference``.

    Args:
        reference: the folder holding ``vietnamadminunits/`` and ``dvhcvn-20250701/``.
        out: where to write the registry (default ``data/registry``).

    Returns:
        Row counts and the upstream oddities met (names respelled, kinds corrected, rows skipped).

    Raises:
        FileNotFoundError: the reference folder is missing.
        ValueError: the upstream lists contradict themselves (duplicate codes, unknown parents).
    """
    if not (reference / _VAU).is_dir() or not (reference / _DVHCVN).is_dir():
        raise FileNotFoundError(f"reference lists not found in {reference}")
    builder = _Builder(reference)
    builder.build_units()
    builder.build_variants()
    units = builder.units
    for unit in units.values():
        if unit.parent_id and unit.parent_id not in units:
            raise ValueError(f"{unit.unit_id}: unknown parent {unit.parent_id}")
    links = registry_links.build_links(
        {u.unit_id: u.parent_id for u in units.values()},
        builder.csv(_VAU, "convert_legacy_2025_simple.csv"),
        builder.json("splits.json"),
        builder.json("merges.json"),
        builder.notes,
    )
    report = BuildReport(notes=builder.notes)
    for era in ("pre", "post"):
        for level in ("province", "district", "commune"):
            count = sum(1 for u in units.values() if u.era == era and u.level == level)
            if count:
                report.counts[f"units {era}-reform {level}"] = count
    for level in ("province", "district", "commune"):
        rows = [link for link in links if link[0].startswith(f"pre-{level[0]}")]
        report.counts[f"links {level}"] = len(rows)
        report.counts[f"links {level} disputed"] = sum(1 for link in rows if link[5] == "true")
    order = {"pre": 0, "post": 1, "province": 0, "district": 1, "commune": 2}
    unit_rows = [u.row() for u in sorted(units.values(), key=lambda u: (order[u.era], order[u.level], u.unit_id))]
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / UNITS_FILE, list(UNIT_COLUMNS), unit_rows)
    _write_csv(out / LINKS_FILE, list(LINK_COLUMNS), links)
    _write_licenses(reference, out.parent / "LICENSES")
    (out / "README.md").write_text(_readme(report), encoding="utf-8")
    return report


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_licenses(reference: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Upstream licences",
        "",
        "`data/registry/` is derived from these MIT-licensed lists; each notice is copied beside this file.",
        "",
    ]
    for upstream in UPSTREAMS:
        target = f"{upstream.folder}.LICENSE"
        shutil.copyfile(reference / upstream.folder / "LICENSE", folder / target)
        lines.append(
            f"- `{target}`: {upstream.repository}, commit {upstream.commit} ({upstream.date}). "
            f"Used for: {upstream.used_for}."
        )
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _readme(report: BuildReport) -> str:
    counts = "\n".join(f"| {key} | {value:,} |" for key, value in report.counts.items())
    notes = "\n".join(f"- {note}" for note in report.notes)
    return f"""# The national unit registry (generated — do not edit by hand)

Regenerate with `python -m danvan_metrics registry build` (reads `../shared/reference/admin-units`;
sources and licences in `data/LICENSES/`). The app reads only these files.

- `{UNITS_FILE}` — every unit before the 1 July 2025 reform (`pre-p01`, `pre-d001`, `pre-c00004`;
  valid to 2025-06-30) and after it (`post-p01`, `post-c00004`; valid from 2025-07-01), with the
  columns of `data/curated/units.csv`. The kind is read from the official name; `variants` holds
  other upstream spellings, abbreviations ("Q. Ba Đình"), joined forms ("Đakrông") and upstream
  matching aliases ("hn", "q9").
- `{LINKS_FILE}` — successor links `old_id → new_id` at every level: province → province,
  district → commune (through its communes, or directly for districts without communes) and
  commune → commune. `kind` is `full` when the whole old unit went into the new one, else `partial`.
  `in_convert` / `in_dvhcvn` say which upstream mapping holds the link; `disputed` is true when the
  two mappings disagree about what the old unit became (the link is kept, never dropped; where one
  says full and the other partial, `kind` is `partial`).

| rows | count |
|---|---|
{counts}

## Upstream oddities met by the last build

{notes}
"""

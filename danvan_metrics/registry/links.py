"""Successor links across the 1 July 2025 reform, from two upstream mappings that mostly agree.

``convert_legacy_2025_simple.csv`` (vietnamadminunits) and ``splits.json``/``merges.json``
(dvhcvn) each say what every pre-reform commune became. Each is read into one map
``old id → {new id: full|partial}`` per level; the two are then laid side by side. A link
either mapping holds is kept; it is ``disputed`` when the other lacks it or calls it by
another kind, so nobody silently picks a side. Where one says full and the other partial,
the link's kind is ``partial`` (the claim both can live with).

Districts are gone after the reform: a district's links are those of its communes (plus the
direct links of island districts that had no communes). A province's links are explicit
in dvhcvn and follow from the communes in convert.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

FULL = "full"
PARTIAL = "partial"

# old id -> {new id: kind}
LinkMap = dict[str, dict[str, str]]


def build_links(
    parents: dict[str, str],
    convert_rows: list[dict[str, str]],
    splits: list[dict[str, Any]],
    merges: list[dict[str, Any]],
    notes: list[str],
) -> list[list[str]]:
    """Every successor link at every level, as rows of ``registry.LINK_COLUMNS``, sorted.

    Args:
        parents: unit id → parent id for every unit of the registry.
        convert_rows: the rows of ``convert_legacy_2025_simple.csv``.
        splits: ``splits.json``'s ``data`` (old → new, used to check merges).
        merges: ``merges.json``'s ``data`` (new ← old, with full/partial).
        notes: upstream oddities are appended here.
    """
    convert, dvhcvn = _convert_maps(convert_rows, parents, notes), _dvhcvn_maps(splits, merges, parents, notes)
    rows: list[list[str]] = []
    for level in ("province", "district", "commune"):
        rows += _side_by_side(convert[level], dvhcvn[level])
    return sorted(rows)


def _kinds_by_count(targets: dict[str, set[str]]) -> LinkMap:
    """An old unit wholly inside one new unit links ``full``; one split among several, ``partial``."""
    return {old: {new: FULL if len(news) == 1 else PARTIAL for new in news} for old, news in targets.items()}


def _known(unit_id: str, parents: dict[str, str], skipped: set[str]) -> bool:
    if unit_id in parents:
        return True
    skipped.add(unit_id)
    return False


def _convert_maps(rows: list[dict[str, str]], parents: dict[str, str], notes: list[str]) -> dict[str, LinkMap]:
    communes: dict[str, set[str]] = defaultdict(set)
    direct: dict[str, set[str]] = defaultdict(set)
    skipped: set[str] = set()
    for row in rows:
        new = f"post-c{row['newWardCode']}"
        if not _known(new, parents, skipped):
            continue
        if row["wardCode"]:
            old = f"pre-c{int(float(row['wardCode'])):05d}"
            if _known(old, parents, skipped):
                communes[old].add(new)
        else:  # a district without communes (islands) became one special zone
            old = f"pre-d{int(row['districtCode']):03d}"
            if _known(old, parents, skipped):
                direct[old].add(new)
    if skipped:
        notes.append(f"convert_legacy_2025_simple.csv: {len(skipped)} ids not in the lists, links skipped")
    commune_map = _kinds_by_count(communes)
    district_map = _roll_up(commune_map, _kinds_by_count(direct), parents)
    province_targets: dict[str, set[str]] = defaultdict(set)
    for district, news in district_map.items():
        province_targets[parents[district]] |= {parents[new] for new in news}
    return {"commune": commune_map, "district": district_map, "province": _kinds_by_count(province_targets)}


def _dvhcvn_maps(
    splits: list[dict[str, Any]], merges: list[dict[str, Any]], parents: dict[str, str], notes: list[str]
) -> dict[str, LinkMap]:
    communes: LinkMap = defaultdict(dict)
    direct: LinkMap = defaultdict(dict)
    provinces: LinkMap = defaultdict(dict)
    skipped: set[str] = set()
    for province in merges:
        for old in province["merges"]:
            provinces[f"pre-p{old['old_id']}"][f"post-p{province['level1_id']}"] = old["type"]
        for commune in province["level2s"]:
            new = f"post-c{commune['level2_id']}"
            for old in commune["merges"]:
                code = old["old_id"]
                old_id = f"pre-c{code}" if len(code) == 5 else f"pre-d{code}"
                if _known(old_id, parents, skipped) and _known(new, parents, skipped):
                    (communes if len(code) == 5 else direct)[old_id][new] = old["type"]
    if skipped:
        notes.append(
            f"dvhcvn merges.json: codes not in the statistics office lists ({', '.join(sorted(skipped))}); "
            "their links are skipped (where only the new code is unknown, the other mapping's link stands alone, "
            "disputed)"
        )
    split_pairs = {
        (f"pre-c{c['level3_id']}", f"post-c{s['new_id']}") for p in splits for c in p["level3s"] for s in c["splits"]
    }
    merge_pairs = {(old, new) for old, news in communes.items() for new in news}
    differ = {pair for pair in merge_pairs ^ split_pairs if pair[0] in parents and pair[1] in parents}
    if differ:
        notes.append(f"dvhcvn: splits.json and merges.json differ on {len(differ)} commune links; merges.json used")
    return {"commune": dict(communes), "district": _roll_up(communes, direct, parents), "province": dict(provinces)}


def _roll_up(communes: LinkMap, direct: LinkMap, parents: dict[str, str]) -> LinkMap:
    """District links through the district's communes: full only if the whole district became one unit."""
    targets: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for old, news in list(communes.items()) + list(direct.items()):
        district = old if old.startswith("pre-d") else parents[old]
        for new, kind in news.items():
            targets[district][new].append(kind)
    return {
        district: {
            new: FULL if len(news) == 1 and all(k == FULL for k in kinds) else PARTIAL for new, kinds in news.items()
        }
        for district, news in targets.items()
    }


def _side_by_side(convert: LinkMap, dvhcvn: LinkMap) -> list[list[str]]:
    rows: list[list[str]] = []
    for old in sorted(set(convert) | set(dvhcvn)):
        by_convert, by_dvhcvn = convert.get(old, {}), dvhcvn.get(old, {})
        for new in sorted(set(by_convert) | set(by_dvhcvn)):
            kinds = {k for k in (by_convert.get(new), by_dvhcvn.get(new)) if k is not None}
            in_convert, in_dvhcvn = new in by_convert, new in by_dvhcvn
            disputed = not (in_convert and in_dvhcvn) or len(kinds) > 1
            kind = PARTIAL if PARTIAL in kinds else FULL
            rows.append([old, new, kind, _flag(in_convert), _flag(in_dvhcvn), _flag(disputed)])
    return rows


def _flag(value: bool) -> str:
    return "true" if value else "false"

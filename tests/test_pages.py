"""Every page under AppTest: renders, shows the right data, reacts to filters, restores from the URL."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import chart_specs, open_app, page_text, signed_in, table_text
from tests.fixtures import commit_as, retract_as

PAGES = ["", "pages/compare.py", "pages/trends.py", "pages/unit_profile.py", "pages/data_sources.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_error(page: str) -> None:
    at = open_app(page)
    assert not at.exception
    assert not at.error
    assert at.title


def test_overview_shows_headline_cards_and_coverage() -> None:
    at = open_app()
    text = page_text(at)
    for unit in ["Quận Ba Đình", "Quận Bắc Từ Liêm", "Quận Thanh Xuân", "Huyện Đa Krông", "Thành phố Bạc Liêu"]:
        # Every curated unit was dissolved by the 2025 reform: each heading says so.
        assert f"{unit} (đến 30/06/2025)" in [h.value for h in at.subheader]
    assert "### 91,94%" in text  # headline figure in Vietnamese format
    assert "217/236 đơn khiếu nại" in text  # the case count it rests on
    assert "### ≥ 92%" in text  # the qualifier stays
    assert "### > 15.590 triệu đồng" in text
    assert "Nhiệm kỳ 2015–2020" in text
    coverage = chart_specs(at)[0]
    assert coverage["layout"]["title"]["text"].startswith("Số liệu hiện có")
    heatmap = coverage["data"][0]
    row = dict(zip(coverage["layout"]["yaxis"]["ticktext"], heatmap["text"], strict=True))[
        "Quận Ba Đình (đến 30/06/2025)"
    ]
    assert row[heatmap["x"].index("Giải quyết khiếu nại, tố cáo")] == "2"


def test_overview_puts_my_unit_first() -> None:
    at = open_app(toi="pre-d954")
    assert at.subheader[0].value == "Thành phố Bạc Liêu (đến 30/06/2025) ★"


def test_compare_default_shows_rate_with_case_count_and_table_with_quote() -> None:
    at = open_app("pages/compare.py")
    spec = chart_specs(at)[0]
    title = spec["layout"]["title"]["text"]
    assert title.startswith("Tỷ lệ giải quyết đơn khiếu nại (%)<br>")
    assert "Kỳ: Nhiệm kỳ 2015–2020 · Quận Ba Đình" in title  # the figure says when and who
    # The footnote may be wrapped onto several lines (<br>) so that it fits the chart.
    footnotes = [
        a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"] if a["text"].startswith("Nguồn:")
    ]
    assert footnotes and footnotes[0].startswith("Nguồn: Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020")
    assert "số liệu cập nhật" in footnotes[0]
    assert spec["data"][0]["text"] == ["91,94% · 217/236 đơn"]
    table = at.dataframe[0].value
    assert table.loc[0, "Trích dẫn nguyên văn"] == "đã giải quyết 217/236 đơn khiếu nại, đạt tỷ lệ 91,94%"
    assert at.query_params["chi_tieu"] == "complaints_resolved_rate"


def test_compare_reacts_to_metric_and_warns_when_periods_differ() -> None:
    at = open_app("pages/compare.py")
    at.selectbox(key="compare_metric").set_value("communes").run()
    assert not at.exception
    spec = chart_specs(at)[0]
    labels = spec["data"][0]["text"]
    assert labels == [
        "14 đơn vị · Tại ngày 02/06/2020",
        "13 đơn vị · Tại ngày 17/09/2021",
        "11 đơn vị · Tại ngày 16/12/2021",
    ]
    assert any("không cùng kỳ" in a["text"] for a in spec["layout"]["annotations"])
    assert any("không cùng kỳ" in w.value for w in at.warning)
    assert at.query_params["chi_tieu"] == "communes"


def test_compare_restores_its_view_from_the_url() -> None:
    at = open_app("pages/compare.py", chi_tieu="mediation_success_rate", toi="pre-d001", nhom="custom",
                  don_vi="pre-d001,pre-d954")  # fmt: skip
    assert not at.exception
    assert at.selectbox(key="compare_metric").value == "mediation_success_rate"
    assert at.multiselect(key="compare_units").value == ["pre-d001", "pre-d954"]
    spec = chart_specs(at)[0]
    assert spec["data"][0]["y"] == ["<b>Quận Ba Đình (đến 30/06/2025) ★</b>"]  # my unit, highlighted, former
    assert spec["data"][0]["text"] == ["≥ 92%"]


def test_compare_for_one_period_ranks_and_a_stale_link_falls_back_safely() -> None:
    at = open_app("pages/compare.py", chi_tieu="no_such_metric", ky="1999-01-01..1999-12-31")
    assert not at.exception
    assert at.selectbox(key="compare_metric").value == "complaints_resolved_rate"
    assert at.selectbox(key="compare_period").value == ""
    at.selectbox(key="compare_period").set_value("2015-01-01..2020-06-02").run()
    table = at.dataframe[0].value
    assert len(table) == 1 and "Hạng" not in table  # one unit has no rank ("Hạng 1/1" says nothing)
    assert at.query_params["ky"] == "2015-01-01..2020-06-02"


def test_trends_with_one_figure_per_unit_says_there_is_no_series_yet() -> None:
    at = open_app("pages/trends.py", chi_tieu="communes")
    assert not at.exception
    assert any("chưa có chuỗi" in i.value for i in at.info)
    spec = chart_specs(at)[0]
    markers = [t for t in spec["data"] if t.get("mode") == "markers"]
    assert len(markers) == 3  # one point per unit, drawn; never an empty axis
    assert spec["layout"]["xaxis"]["type"] == "date"


def test_trends_follow_the_unit_filter() -> None:
    at = open_app("pages/trends.py", chi_tieu="communes")
    at.multiselect(key="trend_units").set_value(["pre-d467"]).run()
    names = [t["name"].replace("<br>", " ") for t in chart_specs(at)[0]["data"] if "name" in t]
    assert names == ["Huyện Đa Krông (đến 30/06/2025)"]
    assert at.query_params["don_vi"] == "pre-d467"


def test_unit_profile_shows_every_figure_of_the_unit_with_its_quote() -> None:
    at = open_app("pages/unit_profile.py", don_vi="pre-d954")
    assert at.title[0].value == "Hồ sơ: Thành phố Bạc Liêu"
    text = page_text(at)
    assert "### 597 hộ" in text
    assert "### > 650 cuộc" in text
    assert "### 22.785 lượt người" in text
    assert "“hộ cận nghèo 4.007 thẻ”" in text
    assert "9 tháng năm 2022" in text
    assert {h.value for h in at.subheader} == {"An sinh xã hội", "Tuyên truyền, vận động", "Bộ slide cho cuộc họp"}


def test_unit_profile_follows_the_unit_picker() -> None:
    at = open_app("pages/unit_profile.py")
    at.selectbox(key="profile_unit").set_value("pre-d001").run()
    assert at.title[0].value == "Hồ sơ: Quận Ba Đình"
    assert "### 4.941 lượt" in page_text(at)
    assert at.query_params["don_vi"] == "pre-d001"


def test_data_page_lists_every_figure_and_filters_by_source() -> None:
    at = open_app("pages/data_sources.py")
    assert len(at.dataframe[0].value) == 33
    at.multiselect(key="data_sources").set_value(["004_930ea4f2786e2977"]).run()
    table = at.dataframe[0].value
    assert len(table) == 8
    assert set(table["Đơn vị"]) == {"Thành phố Bạc Liêu"}
    assert "> 15.590 triệu đồng" in table["Số liệu"].tolist()
    assert at.query_params["nguon"] == "004_930ea4f2786e2977"
    assert "ĐỖ ÁI" in page_text(at)


def test_data_page_offers_downloads_of_the_rows_shown() -> None:
    at = open_app("pages/data_sources.py", don_vi="pre-d001")
    buttons = at.get("download_button")
    assert len(buttons) == 2
    assert len(at.dataframe[0].value) == 8  # Ba Đình's eight figures


def test_a_former_districts_profile_links_to_the_communes_it_became() -> None:
    at = open_app("pages/unit_profile.py", don_vi="pre-d001")
    assert "nhập vào 8 đơn vị mới" in page_text(at)
    links = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("Phường Ba Đình (") for label in links)


def test_a_new_communes_profile_shows_former_units_figures_labelled_as_theirs() -> None:
    at = open_app("pages/unit_profile.py", don_vi="post-c00004")
    assert at.title[0].value == "Hồ sơ: Phường Ba Đình"
    assert "Hình thành ngày 01/07/2025 từ" in page_text(at)
    assert "không phải của đơn vị hiện nay" in page_text(at)
    assert [s.value for s in at.subheader] == [
        "Quận Ba Đình (đơn vị cũ, trước 01/07/2025 · nhập một phần vào đơn vị này)"
    ]
    assert "91,94%" in table_text(at)


def test_a_link_may_name_the_unit_as_people_write_it() -> None:
    at = open_app("pages/unit_profile.py", don_vi="TP Bạc Liêu")
    assert at.title[0].value == "Hồ sơ: Thành phố Bạc Liêu"
    assert at.query_params["don_vi"] == "pre-d954"  # the link is rewritten to the stable id


def test_a_chart_added_to_the_slide_deck_appears_in_the_sidebar() -> None:
    at = open_app("pages/compare.py")
    at.button(key="compare_export_add").click().run()
    assert any(m.value == "**Bộ slide: 1 biểu đồ**" for m in at.sidebar.markdown)
    assert at.button(key="compare_export_add").disabled  # the same chart is not added twice
    at.button(key="deck_clear").click().run()
    assert not any("Bộ slide" in m.value for m in at.sidebar.markdown)


def test_demo_mode_says_on_every_page_and_chart_that_figures_are_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_DEMO", "1")
    for page in ["", "pages/compare.py"]:
        at = open_app(page)
        assert any("DỮ LIỆU MẪU" in w.value for w in at.warning)
        assert all("DỮ LIỆU MẪU" in json.dumps(spec, ensure_ascii=False) for spec in chart_specs(at))


# -- Links: multi-values by id or slug, and a value not understood is said (never silently replaced) --

COMMA_CATEGORY = "Giải quyết khiếu nại, tố cáo"


def test_a_category_whose_name_has_a_comma_survives_the_copied_link() -> None:
    at = open_app("pages/data_sources.py")
    at.multiselect(key="data_categories").set_value([COMMA_CATEGORY]).run()
    assert at.query_params["linh_vuc"] == "giai-quyet-khieu-nai-to-cao"  # a slug: no comma to split on
    filtered = len(at.dataframe[0].value)
    assert 0 < filtered < 33
    reopened = open_app("pages/data_sources.py", linh_vuc=at.query_params["linh_vuc"])
    assert reopened.multiselect(key="data_categories").value == [COMMA_CATEGORY]
    assert len(reopened.dataframe[0].value) == filtered
    assert not reopened.warning


def test_a_link_written_before_slugs_still_reads_its_comma_names() -> None:
    at = open_app("pages/data_sources.py", linh_vuc=f"{COMMA_CATEGORY},Hòa giải")
    assert at.multiselect(key="data_categories").value == [COMMA_CATEGORY, "Hòa giải"]
    assert at.query_params["linh_vuc"] == "giai-quyet-khieu-nai-to-cao,hoa-giai"  # rewritten the new way
    assert not at.warning


def test_a_list_value_not_understood_is_named_in_a_warning() -> None:
    at = open_app("pages/data_sources.py", linh_vuc="hoa-giai,khong-co-linh-vuc-nay")
    assert at.multiselect(key="data_categories").value == ["Hòa giải"]
    assert [w.value for w in at.warning] == [
        "Đường dẫn ghi “khong\\-co\\-linh\\-vuc\\-nay” ở ô “Lĩnh vực”, nhưng không có lựa chọn nào như vậy "
        "(có thể đường dẫn cũ hoặc gõ sai); bộ lọc đã bỏ qua giá trị này."
    ]


@pytest.mark.parametrize(
    ("unit", "why"), [("pre-d999", "no such unit"), ("pre-c00004", "a real unit the picker does not list")]
)
def test_a_profile_link_to_a_unit_not_offered_says_so_and_what_it_shows(unit: str, why: str) -> None:
    at = open_app("pages/unit_profile.py", don_vi=unit)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1, why
    assert f"“{unit.replace('-', chr(92) + '-')}”" in warnings[0]
    assert "ô “Đơn vị (● có số liệu)”" in warnings[0]
    assert (
        f"Trang đang hiển thị: **{at.selectbox(key='profile_unit').format_func(at.selectbox(key='profile_unit').value)}"
        in warnings[0]
    )
    at.selectbox(key="profile_unit").set_value("pre-d954").run()
    assert not at.warning  # said once, for the link; a choice made on the page is not questioned


def test_a_link_that_names_a_unit_as_people_write_it_raises_no_warning() -> None:
    at = open_app("pages/unit_profile.py", don_vi="TP Bạc Liêu")
    assert at.title[0].value == "Hồ sơ: Thành phố Bạc Liêu"
    assert not at.warning


def test_a_stale_metric_in_a_link_is_named_and_the_default_shown() -> None:
    at = open_app("pages/compare.py", chi_tieu="no_such_metric")
    assert any("“no\\_such\\_metric”" in w.value and "ô “Chỉ tiêu”" in w.value for w in at.warning)


# -- Vietnamese everywhere: every picker has a Vietnamese placeholder, no English "Select all" row --


@pytest.mark.parametrize("page", [*PAGES, "pages/compare.py?nhom=custom"])
def test_every_picker_has_a_vietnamese_placeholder_and_no_select_all(page: str) -> None:
    path, _, query = page.partition("?")
    at = open_app(path, **dict([query.split("=")] if query else []))
    pickers = [*at.selectbox, *at.multiselect]
    assert pickers
    for picker in pickers:
        assert picker.proto.placeholder, picker.label  # else Streamlit shows "Choose an option"
    for picker in at.multiselect:
        assert picker.proto.select_all == 0, picker.label  # else an English "Select all" row


def test_presentation_mode_writes_out_the_hidden_filters_choice() -> None:
    at = open_app("pages/data_sources.py", present="1", linh_vuc="giai-quyet-khieu-nai-to-cao")
    assert "**Lĩnh vực:** Giải quyết khiếu nại, tố cáo" in [c.value for c in at.caption]


# -- Tables: retracted uploads, and downloads of logs and former units' figures --


def _signed_in(page: str, name: str, **query: str) -> AppTest:
    return signed_in(page, name, **query)


def _commit(name: str, rows: str) -> str:
    from danvan_metrics.services import uploads
    from danvan_metrics.store.connection import open_store
    from danvan_metrics.store.resolving import resolver_for

    store = open_store()
    data = ("ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n" + rows).encode()
    preview = uploads.prepare(store, data, "q1-2024.csv", resolver_for(store))
    assert preview.ok, preview.errors
    return commit_as(store, preview, data, name)


def test_a_retracted_upload_is_marked_so_under_its_source_and_no_longer_cited() -> None:
    from danvan_metrics.store.connection import open_store

    upload_id = _commit("lan.tai", "pre-d001,2024,1,citizen_receptions,120\n")
    retract_as(open_store(), upload_id, "quan.tri")
    at = open_app("pages/data_sources.py")
    labels = [e.label for e in at.expander if "q1\\-2024" in e.label]  # shown literally (`ui.md_text`)
    assert len(labels) == 1 and labels[0].endswith("· đã rút lại")
    assert "0 số liệu" not in labels[0]
    assert "Lần tải lên này đã được quan.tri rút lại lúc" in page_text(at)
    overview = open_app()
    assert "lan.tai" not in json.dumps(chart_specs(overview), ensure_ascii=False)  # the coverage note cites it no more


def test_the_audit_log_and_both_upload_logs_offer_downloads() -> None:
    from danvan_metrics.auth import accounts
    from danvan_metrics.core import config

    accounts.add("quan.tri", "mat-khau-thu-nghiem-1", "admin", home=config.state_dir())
    _commit("quan.tri", "pre-d001,2024,1,citizen_receptions,120\n")
    audit = _signed_in("pages/audit_log.py", "quan.tri")
    keys = {b.proto.id.split("-")[-1] for b in audit.get("download_button")}
    assert {"audit_download_csv", "audit_download_xlsx", "audit_uploads_download_csv"} <= keys
    upload = _signed_in("pages/upload.py", "quan.tri")
    assert {"upload_log_download_csv", "upload_log_download_xlsx"} <= {
        b.proto.id.split("-")[-1] for b in upload.get("download_button")
    }


def test_the_log_files_have_vietnamese_headers_sortable_times_and_no_formula() -> None:
    import pandas as pd

    from danvan_metrics.export import tables as export
    from danvan_metrics.ui import tables as ui

    when = pd.Timestamp("2026-01-02 08:30")
    log = pd.DataFrame({"happened_at": [when], "actor": ["=1+1"], "action": ["sign_in_failed"], "detail": [None]})
    table = ui.audit_table(log, for_file=True)
    assert list(table.columns) == ["Lúc", "Người", "Hoạt động", "Chi tiết"]
    assert export.to_csv_bytes(table).decode("utf-8-sig").splitlines()[1].startswith("2026-01-02 08:30:00;'=1+1;")


def test_a_new_communes_former_units_figures_can_be_downloaded() -> None:
    at = open_app("pages/unit_profile.py", don_vi="post-c00004")
    keys = {b.proto.id.split("-")[-1] for b in at.get("download_button")}
    assert {"predecessor_download_csv", "predecessor_download_xlsx"} <= keys

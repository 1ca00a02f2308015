"""Tình hình nộp báo cáo: for a regime's cycle, which units have reported, late, in part, or not at all."""

import streamlit as st

from danvan_metrics.core import formats
from danvan_metrics.reporting import book, views
from danvan_metrics.reporting.status import STATUS_LABELS, Status
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache, cards, questions, widgets
from danvan_metrics.ui import reporting as ui_reporting

st.title("Tình hình nộp báo cáo")
ui_reporting.st_saved_notice()
store = cache.get_store()
account = ui_auth.current_user()

# 1. Which regime and cycle
regime = ui_reporting.st_pick_regime()
if regime is None:
    st.info("Chưa có chế độ báo cáo nào. Quản trị viên thêm một chế độ ở phần dưới (nhập trên trang hoặc từ tệp "
            "JSON), hoặc bằng lệnh `python -m danvan_metrics cycles define TỆP.json`.")  # fmt: skip
    ui_reporting.st_regime_loader(store, account)
    st.stop()
left, middle, right = st.columns(3)
cycle = ui_reporting.st_pick_cycle(regime, container=left)
rows = ui_reporting.cycle_statuses(regime.regime_id, cycle.key, ui_reporting.today())
provinces = sorted({r.province_name for r in rows if r.province_name})
province = widgets.st_url_select("Tỉnh/thành", ["", *provinces], key="reporting_province", param="tinh", default="",
                                 format_func=lambda p: p or "Tất cả", container=middle)  # fmt: skip
shown_status = widgets.st_url_multiselect("Tình trạng", [str(s) for s in Status], key="reporting_status",
                                          param="trang_thai", format_func=lambda s: STATUS_LABELS[Status(s)],
                                          container=right, placeholder="Tất cả")  # fmt: skip
ui_reporting.st_regime_note(regime, cycle)
rows = views.chosen(rows, province)

# 2. How many have reported, by status and by province
ui_reporting.st_counts(rows)
if len(provinces) > 1 and not province:
    st.subheader("Theo tỉnh/thành")
    st.dataframe(views.province_counts(rows), hide_index=True, width="stretch")

# 3. Every unit's status for the cycle; the units to chase, downloadable for follow-up
metric_names = questions.metric_names()
listed = views.chosen(rows, statuses=shown_status)
st.subheader(f"Từng đơn vị — {cycle.label}")
if listed:
    st.dataframe(ui_reporting.tinted(views.status_table(listed, metric_names), ["Tình trạng"]), hide_index=True,
                 width="stretch")  # fmt: skip
else:
    st.caption("Không có đơn vị nào khớp bộ lọc.")
chase = views.follow_up(rows)
st.subheader("Cần đôn đốc: chưa nộp, thiếu chỉ tiêu hoặc nộp muộn")
if chase:
    follow_up = views.status_table(chase, metric_names, for_file=True)
    cards.st_table_downloads(follow_up, "don-doc-bao-cao", regime.regime_id, cycle.key, key="reporting_follow_up",
                             sheet_title="Cần đôn đốc")  # fmt: skip
    st.caption(f"{formats.format_number(len(chase))} đơn vị, quá hạn lâu nhất trước.")
else:
    st.caption("Không có đơn vị nào quá hạn: mọi đơn vị đã nộp đủ, hoặc chưa đến hạn nộp.")

# 4. The last cycles side by side
st.subheader("Các kỳ gần đây")
recent = book.regime_cycles(regime, ui_reporting.today())[: ui_reporting.GRID_CYCLES]
by_cycle = [(c, ui_reporting.cycle_statuses(regime.regime_id, c.key, ui_reporting.today())) for c in recent]
by_cycle = [(c, views.chosen(found, province)) for c, found in by_cycle]
grid = views.grid(by_cycle)
st.dataframe(ui_reporting.tinted(grid, [c.label for c, _ in by_cycle]), hide_index=True, width="stretch")

ui_reporting.st_regime_loader(store, account)

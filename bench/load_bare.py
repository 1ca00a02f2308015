"""The baseline for `make load`: a bare Streamlit page with the compare page's widgets and no danvan logic.

Fixed, invented numbers (this page is never a product page): a title, four selectboxes, a radio,
a toggle, a Plotly bar chart of five units, a five-row table and two download buttons, as the
compare page draws for the curated data. Its CPU per run is what Streamlit itself costs.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("So sánh đơn vị")
st.selectbox("Chỉ tiêu", ["Tỷ lệ giải quyết đơn khiếu nại", "Lượt tiếp công dân"], key="metric")
st.selectbox("Nhóm so sánh", ["Mọi đơn vị", "Cùng tỉnh"], key="group")
st.selectbox("Kỳ", ["Mới nhất", "Quý 1/2024"], key="period")
st.selectbox("Đơn vị của tôi", ["— Chưa chọn —", "Đơn vị A"], key="mine")
st.radio("Cách xem", ["Cột", "Bảng"], horizontal=True, key="view")
st.toggle("Chế độ trình chiếu", key="present")
frame = pd.DataFrame({"unit": list("ABCDE"), "value": [91.9, 97.6, 92.0, 88.1, 75.0]})
figure = go.Figure(go.Bar(x=frame["value"], y=frame["unit"], orientation="h", text=frame["value"]))
figure.update_layout(title="Mẫu", height=420)
st.plotly_chart(figure, key="chart", config={"displayModeBar": False})
st.dataframe(frame, hide_index=True, width="stretch")
st.download_button("Tải CSV", frame.to_csv(index=False), "mau.csv", key="csv")
st.download_button("Tải Excel", frame.to_csv(index=False), "mau.xlsx", key="xlsx")

"""The baseline for `make load`: a bare Streamlit page with the compare page's widgets and no danvan logic.

Fixed, invented numbers (this page is never a product page): the element types the compare page
draws for the curated data, counted under AppTest — a title, four selectboxes, a toggle, an HTML
block, a Plotly bar chart of five units, a button, three download buttons, a caption, a five-row
table, seven columns. Its CPU per run is what Streamlit itself costs.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("So sánh đơn vị")
left, middle, right = st.columns(3)
left.selectbox("Chỉ tiêu", ["Tỷ lệ giải quyết đơn khiếu nại", "Lượt tiếp công dân"], key="metric")
middle.selectbox("Nhóm so sánh", ["Mọi đơn vị", "Cùng tỉnh"], key="group")
right.selectbox("Kỳ", ["Mới nhất", "Quý 1/2024"], key="period")
st.sidebar.selectbox("Đơn vị của tôi", ["— Chưa chọn —", "Đơn vị A"], key="mine")
st.sidebar.toggle("Chế độ trình chiếu", key="present")
st.sidebar.html("<p>Mẫu</p>")
frame = pd.DataFrame({"unit": list("ABCDE"), "value": [91.9, 97.6, 92.0, 88.1, 75.0]})
figure = go.Figure(go.Bar(x=frame["value"], y=frame["unit"], orientation="h", text=frame["value"]))
figure.update_layout(title="Mẫu", height=420)
st.plotly_chart(figure, key="chart", config={"displayModeBar": False})
png, deck = st.columns(2)
png.button("Thêm vào bộ slide", key="deck")
deck.download_button("Tải PowerPoint", b"x", "mau.pptx", key="pptx")
st.caption("Mẫu")
st.dataframe(frame, hide_index=True, width="stretch")
csv, xlsx = st.columns(2)
csv.download_button("Tải CSV", frame.to_csv(index=False), "mau.csv", key="csv")
xlsx.download_button("Tải Excel", frame.to_csv(index=False), "mau.xlsx", key="xlsx")

"""Duyệt số liệu: uploads under a reporting regime wait here until a reviewer approves or returns them."""

import streamlit as st

from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache
from danvan_metrics.ui import review as ui_review

st.title("Duyệt số liệu")
ui_review.st_notice()
account = ui_auth.current_user()
if not ui_auth.is_reviewer(account):
    st.info("Chỉ người duyệt (hoặc quản trị viên) mới duyệt số liệu. Số liệu gửi theo một chế độ báo cáo chỉ được "
            "tính trên biểu đồ sau khi được duyệt.")  # fmt: skip
    ui_auth.st_sign_in_form(cache.get_store())
    st.stop()
assert account is not None
st.caption("Số liệu chờ duyệt chưa được tính trên biểu đồ. Duyệt thì số liệu được tính (thay số liệu cũ nếu "
           "là đính chính); trả lại thì đơn vị thấy lý do và gửi tệp đã sửa. Mọi quyết định vào nhật ký.")  # fmt: skip
queue = ui_review.st_queue(account)
if not queue.empty:
    ui_review.st_decide(queue)

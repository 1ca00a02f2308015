"""Duyệt số liệu under AppTest: who is offered the page, the queue and its comparison, a return with its
reason (refused without one), what the ward then sees on its upload page, and a reviewer's reach."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from danvan_metrics.auth import accounts, sessions
from danvan_metrics.core import config
from danvan_metrics.reporting.regimes import Frequency, Regime
from danvan_metrics.services import review, uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import open_store
from danvan_metrics.store.resolving import resolver_for
from danvan_metrics.ui import auth as ui_auth
from tests.apptest_helpers import APP, TIMEOUT, open_app, page_text, signed_in, table_text
from tests.fixtures import TEST_PASSWORD, commit_as

PAGE = "pages/review.py"
WARD, PEERS = "post-c00004", ("post-c00008", "post-c00025")  # Ba Đình; Ngọc Hà, Giảng Võ (Hà Nội)
METRIC = "citizen_receptions"
SENT = "ba-dinh-quy-4.csv"
CHOICE = f"{SENT} · xa.ba.dinh · Phường Ba Đình"  # how the page names the upload in its picker
Q3, Q4 = "Quý 3/2025 (số liệu 15/06/2025–14/09/2025)", "Quý 4/2025 (số liệu 15/09/2025–14/12/2025)"  # Decree 09
REASON = "Số lượt tiếp dân lệch sổ tiếp công dân quý 4"


def _csv(*rows: tuple[str, int, int]) -> bytes:
    lines = "".join(f"{unit},2025,{quarter},{METRIC},{value}\n" for unit, quarter, value in rows)
    return ("ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n" + lines).encode()


def _commit(data: bytes, file_name: str, name: str) -> str:
    store = open_store()
    preview = uploads.prepare(store, data, file_name, resolver_for(store))
    assert preview.ok, preview.errors
    return commit_as(store, preview, data, name)


def _ward_sends_quarter_4() -> str:
    """A regime over Ba Đình and its two peers, its editor, two reviewers (Hà Nội, Hải Phòng); Ba Đình's
    Quý 3 and the peers' Quý 4 approved, then Ba Đình's Quý 4 waiting: 240 against 100 and a median of 44."""
    store = open_store()
    regime = Regime(
        regime_id="thu-duyet", name="Báo cáo thử duyệt", legal_basis="Quyết định thử",
        legal_basis_date=dt.date(2025, 7, 1), metrics=(METRIC,), frequency=Frequency.QUARTERLY,
        first_period="2025-Q3", deadline_days=6, units=(WARD, *PEERS),
    )  # fmt: skip
    writes.define_regime(store, writes.Operator("root"), regime)
    accounts.add("xa.ba.dinh", TEST_PASSWORD, "editor", [WARD], home=store.home)
    accounts.add("duyet.ha.noi", TEST_PASSWORD, "reviewer", ["post-p01"], home=store.home)
    accounts.add("duyet.tinh.khac", TEST_PASSWORD, "reviewer", ["post-p02"], home=store.home)
    before = _commit(_csv((WARD, 3, 100), (PEERS[0], 4, 38), (PEERS[1], 4, 50)), "nen.csv", "nhap.truoc")
    review.review_upload(store, "duyet.ha.noi", before, approve=True, channel="test")
    return _commit(_csv((WARD, 4, 240)), SENT, "xa.ba.dinh")


def _page_alone(name: str | None) -> AppTest:
    """The review page's script run by itself (as a stale link or tab reaches it), signed in as ``name``."""
    at = AppTest.from_file(str(Path(APP).parent / PAGE), default_timeout=TIMEOUT)
    if name is not None:
        account = accounts.get(name, config.state_dir())
        assert account is not None
        at.session_state[ui_auth.TOKEN_KEY] = sessions.start(config.state_dir(), account)
    return at.run()


def _submit(at: AppTest, decision: str, comment: str = "") -> AppTest:
    """Decide on the upload the picker shows (the only one waiting) and press "Ghi quyết định"."""
    at.radio(key="review_decision").set_value(decision)
    at.text_area(key="review_comment").input(comment)
    return next(b for b in at.button if b.label == "Ghi quyết định").click().run()


def _waiting() -> set[str]:
    return set(queries.review_uploads(open_store())["upload_id"])


def test_visitors_and_editors_are_not_offered_the_page_and_a_link_to_it_shows_only_the_notice() -> None:
    upload = _ward_sends_quarter_4()
    with pytest.raises(ValueError, match="review.py"):  # not in a visitor's menu: the router has no such page
        open_app(PAGE)
    with pytest.raises(ValueError, match="review.py"):
        signed_in(PAGE, "xa.ba.dinh")
    for name in (None, "xa.ba.dinh"):
        at = _page_alone(name)
        assert not at.exception
        assert any("Chỉ người duyệt (hoặc quản trị viên) mới duyệt số liệu" in str(i.value) for i in at.info)
        assert not at.dataframe and not at.radio and SENT not in page_text(at)  # no queue, no decision
    editor = signed_in("pages/upload.py", "xa.ba.dinh")
    assert not [i for i in editor.sidebar.info if "chờ bạn duyệt" in str(i.value)]
    assert _waiting() == {upload}


def test_a_reviewer_compares_returns_with_a_reason_only_and_the_ward_sees_why_then_the_fix_is_approved() -> None:
    upload = _ward_sends_quarter_4()
    at = signed_in(PAGE, "duyet.ha.noi")
    assert not at.exception
    assert any("1 tệp chờ bạn duyệt" in str(i.value) for i in at.sidebar.info)
    queue, figures = (frame.value for frame in at.dataframe)
    assert list(queue["Mã tải lên"]) == [upload] and list(queue["Tệp"]) == [SENT]
    assert list(queue["Đơn vị"]) == ["Phường Ba Đình"] and list(queue["Chế độ báo cáo"]) == ["Báo cáo thử duyệt"]
    [row] = figures.to_dict("records")
    assert (row["Kỳ"], row["Số liệu gửi"], row["Đang dùng (sẽ được thay)"]) == (Q4, "240 lượt", "")
    assert row["Kỳ trước"] == f"100 lượt ({Q3})"
    assert row["Trung vị đơn vị cùng cấp"] == "44 lượt (2 đơn vị)"  # Ngọc Hà 38 and Giảng Võ 50
    assert row["Cần xem lại"] == "tăng 140% so với kỳ trước; bằng 5,5 lần trung vị đơn vị cùng cấp"
    assert any(str(w.value).startswith("1 số liệu khác xa kỳ trước") for w in at.warning)

    _submit(at, "return", "   ")  # a return without a reason is refused and changes nothing
    assert [str(e.value) for e in at.error] == ["Khi trả lại, hãy ghi rõ lý do để đơn vị biết cần sửa gì."]
    assert not at.success and _waiting() == {upload}
    assert "return" not in set(queries.audit_log(open_store())["action"])
    assert SENT in table_text(at)

    _submit(at, "return", REASON)
    assert not at.exception and not at.error
    assert [str(s.value) for s in at.success] == [
        f"Đã trả lại tệp {CHOICE}. Đơn vị sẽ thấy lý do khi mở trang tải lên.",
        "Không có tệp nào chờ bạn duyệt.",
    ]
    assert SENT not in table_text(at) and not at.radio  # it has left the queue
    assert _waiting() == set()

    editor = signed_in("pages/upload.py", "xa.ba.dinh")
    assert not editor.exception
    [returned] = [str(e.value) for e in editor.error if str(e.value).startswith("**Bị trả lại**")]
    assert "Phường Ba Đình, Báo cáo thử duyệt, Quý 4/2025" in returned and REASON in returned
    log = editor.dataframe[-1].value
    assert log.loc[log["Tệp"] == SENT, "Trạng thái"].tolist() == [f"trả lại (duyet.ha.noi): {REASON}"]

    fixed = _commit(_csv((WARD, 4, 112)), "ba-dinh-quy-4-da-sua.csv", "xa.ba.dinh")
    reviewer = signed_in(PAGE, "duyet.ha.noi")
    assert reviewer.dataframe[1].value["Số liệu gửi"].tolist() == ["112 lượt"]
    _submit(reviewer, "approve")
    assert reviewer.success[0].value == "Đã duyệt tệp ba-dinh-quy-4-da-sua.csv · xa.ba.dinh · Phường Ba Đình."
    editor = signed_in("pages/upload.py", "xa.ba.dinh")
    assert not [e for e in editor.error if str(e.value).startswith("**Bị trả lại**")]
    log = editor.dataframe[-1].value
    assert log.set_index("Mã tải lên").loc[fixed, "Trạng thái"] == "đã duyệt (duyet.ha.noi)"


def test_a_reviewer_of_another_province_does_not_see_the_ward_s_upload() -> None:
    _ward_sends_quarter_4()
    at = signed_in(PAGE, "duyet.tinh.khac")
    assert not at.exception
    assert [str(s.value) for s in at.success] == ["Không có tệp nào chờ bạn duyệt."]
    assert not at.dataframe and not at.radio and SENT not in page_text(at)
    assert not [i for i in at.sidebar.info if "chờ bạn duyệt" in str(i.value)]
    assert SENT in table_text(signed_in(PAGE, "duyet.ha.noi"))  # the province's own reviewer does

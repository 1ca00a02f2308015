"""Sign-in and the upload page under AppTest: visitors change nothing, editors only their own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from danvan_metrics.auth import accounts, sessions
from danvan_metrics.core import config
from danvan_metrics.core.messages import UNEXPECTED_ERROR
from danvan_metrics.services import uploads
from danvan_metrics.store.connection import open_store
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.web import routes
from tests.apptest_helpers import APP, open_app, page_text, signed_in
from tests.fixtures import commit_as

PASSWORD = "mat-khau-thu-nghiem-1"


def _home() -> Path:
    return config.state_dir()


def _signed_in(page: str, name: str) -> AppTest:
    return signed_in(page, name)


def _with_token(token: object, page: str = "pages/upload.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[ui_auth.TOKEN_KEY] = token
    return at.run().switch_page(page).run()


def test_a_visitor_sees_no_uploader_and_on_a_fresh_install_the_first_admin_command() -> None:
    at = open_app("pages/upload.py")
    assert not at.exception
    assert not at.get("file_uploader")
    text = page_text(at)
    assert "Chỉ cán bộ được giao" in text
    assert "python -m danvan_metrics user add TEN_DANG_NHAP --role admin" in [c.value for c in at.code]


def test_the_sign_in_form_posts_to_the_sign_in_route_with_a_valid_form_token() -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = open_app("pages/sign_in.py")
    form = at.get("html")[0].proto.body
    assert f'action="{routes.SIGN_IN_PATH}"' in form and 'type="password"' in form
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    assert sessions.form_token_ok(_home(), token)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"loi": "sai"}, "Tên đăng nhập hoặc mật khẩu không đúng."),
        ({"loi": "cho", "giay": "42"}, "Đăng nhập sai nhiều lần; hãy thử lại sau 42 giây."),
        ({"loi": "bieu-mau"}, "Biểu mẫu đăng nhập đã cũ hoặc không đến từ trang này; hãy nhập lại."),
        ({"loi": "vo-hieu"}, "Tài khoản đã bị vô hiệu hóa; liên hệ quản trị viên."),
        ({"loi": "<script>"}, None),  # an unknown code shows nothing, and never the text itself
    ],
)
def test_the_sign_in_page_says_what_the_route_answered_once(query: dict[str, str], message: str | None) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = open_app("pages/sign_in.py", **query)
    assert [e.value for e in at.error] == ([message] if message else [])
    assert "<script>" not in page_text(at)
    assert "loi" not in at.query_params  # a reload does not say it again


def test_after_signing_out_the_page_says_so() -> None:
    at = open_app("pages/sign_in.py", tb="da-dang-xuat")
    assert [s.value for s in at.success] == ["Bạn đã đăng xuất."]


def test_a_signed_in_editor_sees_the_uploader_their_name_and_a_sign_out_form() -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = _signed_in("pages/upload.py", "lan.nguyen")
    assert at.get("file_uploader")
    assert any("lan.nguyen" in m.value for m in at.sidebar.markdown)
    token = at.session_state[ui_auth.TOKEN_KEY]
    sign_out = [h.proto.body for h in at.sidebar.get("html")]
    assert any(f'action="{routes.SIGN_OUT_PATH}"' in b and sessions.sign_out_token(token) in b for b in sign_out)


def test_an_idle_session_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    account = accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    idle_since = dt.datetime.now() - dt.timedelta(minutes=config.session_minutes() + 1)
    at = _with_token(sessions.start(_home(), account, now=idle_since))
    assert not at.get("file_uploader")
    assert [i.value for i in at.info][-1] == "Phiên làm việc đã hết hạn do không hoạt động; hãy đăng nhập lại."


def _change_password(name: str) -> None:
    accounts.set_password(name, "mat-khau-moi-123456", _home())


def _disable_and_enable(name: str) -> None:
    accounts.set_disabled(name, True, _home())
    accounts.set_disabled(name, False, _home())


@pytest.mark.parametrize("change", [_change_password, _disable_and_enable], ids=["passwd", "disable-enable"])
def test_a_password_change_ends_a_session_signed_in_before_it(change: Callable[[str], None]) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = _signed_in("pages/upload.py", "lan.nguyen")
    assert at.get("file_uploader")
    change("lan.nguyen")
    at.run()
    assert not at.get("file_uploader")  # the old browser can no longer upload
    assert [i.value for i in at.info][-1] == "Mật khẩu hoặc trạng thái tài khoản đã được thay đổi; hãy đăng nhập lại."
    assert _signed_in("pages/upload.py", "lan.nguyen").get("file_uploader")  # signing in again works


BAD_TOKENS = {"number": 42, "empty": "", "unknown": "khong-phai-phien", "huge": "x" * 10_000, "list": ["a"]}


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_session_id_is_nobody_and_the_page_still_works(token: object) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = _with_token(token)
    assert not at.exception
    assert UNEXPECTED_ERROR not in page_text(at)
    assert not at.get("file_uploader")
    assert 'data-testid="dvSignInForm"' in at.get("html")[0].proto.body  # the sign-in form shows


def _commit_as(name: str, text: str) -> str:
    from danvan_metrics.store.resolving import resolver_for

    store = open_store()
    data = text.encode()
    preview = uploads.prepare(store, data, f"{name}.csv", resolver_for(store))
    assert preview.ok, preview.errors
    return commit_as(store, preview, data, name)


HEADER = "ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"


def test_an_editor_may_retract_only_their_own_uploads_and_an_admin_any() -> None:
    accounts.add("lan", PASSWORD, "editor", home=_home())
    accounts.add("minh", PASSWORD, "editor", home=_home())
    accounts.add("quantri", PASSWORD, "admin", home=_home())
    own = _commit_as("lan", HEADER + "pre-d001,2024,1,citizen_receptions,120\n")
    other = _commit_as("minh", HEADER + "pre-d001,2024,2,citizen_receptions,130\n")
    at = _signed_in("pages/upload.py", "lan")
    assert at.selectbox(key="retract_id").options == [f"{own} · lan.csv · lan"]  # not another editor's upload
    admin = _signed_in("pages/upload.py", "quantri")
    assert {o.split(" · ")[0] for o in admin.selectbox(key="retract_id").options} == {own, other}
    admin.selectbox(key="retract_id").set_value(other)
    admin.checkbox[0].check()
    admin.button(key="FormSubmitter:retract_form-Rút lại").click().run()
    assert "Đã rút lại" in page_text(admin)
    assert "đã rút lại bởi quantri" in admin.dataframe[0].value.to_csv()


def test_an_editor_limited_to_a_unit_cannot_upload_for_another() -> None:
    from danvan_metrics.services import writes
    from danvan_metrics.store.resolving import resolver_for

    accounts.add("phuong", PASSWORD, "editor", ["pre-d009"], home=_home())
    store = open_store()
    data = (HEADER + "pre-d001,2024,1,citizen_receptions,120\n").encode()
    preview = uploads.prepare(store, data, "q1.csv", resolver_for(store))
    assert [i.describe("q1.csv") for i in writes.refusals(store, "phuong", preview)] == [
        "tệp q1.csv, dòng 2, cột ma_don_vi: tài khoản phuong không được tải lên số liệu của Quận Ba Đình"
    ]
    with pytest.raises(writes.WriteRefused):
        writes.commit_upload(store, "phuong", preview, data, channel="kiểm thử")


def test_viewing_can_require_sign_in_by_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_REQUIRE_SIGN_IN", "1")
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = open_app()
    assert at.title[0].value == "Đăng nhập"
    assert not at.get("plotly_chart") and not at.dataframe  # no figure reaches a visitor


def test_an_identity_provider_email_maps_to_its_account() -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home(), email="Lan.Nguyen@example.gov.vn")
    assert accounts.by_email("lan.nguyen@example.gov.vn", _home()).name == "lan.nguyen"
    assert accounts.by_email("ai.do@example.gov.vn", _home()) is None

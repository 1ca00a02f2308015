"""Sign-in and the upload page under AppTest: visitors change nothing, editors only their own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from danvan_metrics.auth import accounts
from danvan_metrics.core import config
from danvan_metrics.core.messages import UNEXPECTED_ERROR
from danvan_metrics.services import uploads
from danvan_metrics.store.connection import open_store
from tests.apptest_helpers import open_app, page_text
from tests.fixtures import commit_as

PASSWORD = "mat-khau-thu-nghiem-1"


def _home() -> Path:
    return config.state_dir()


def _signed_in(page: str, name: str) -> AppTest:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30)
    at.session_state["auth_user"] = name
    at.session_state["auth_last_active"] = dt.datetime.now()
    at.session_state["auth_epoch"] = 0
    at.run()
    return at.switch_page(page).run()


def _sign_in_through_the_form(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def test_a_visitor_sees_no_uploader_and_on_a_fresh_install_the_first_admin_command() -> None:
    at = open_app("pages/upload.py")
    assert not at.exception
    assert not at.get("file_uploader")
    text = page_text(at)
    assert "Chỉ cán bộ được giao" in text
    assert "python -m danvan_metrics user add TEN_DANG_NHAP --role admin" in [c.value for c in at.code]


def test_a_wrong_password_is_refused_and_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = open_app("pages/sign_in.py")
    at.text_input(key="sign_in_name").input("lan.nguyen")
    at.text_input(key="sign_in_password").input("sai-mat-khau-1")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    assert "auth_user" not in at.session_state
    log = open_store().connect
    with log() as conn:
        assert conn.execute("SELECT actor, action FROM audit").fetchall() == [("lan.nguyen", "sign_in_failed")]


def test_repeated_failures_make_the_next_attempt_wait_whether_or_not_the_name_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DANVAN_MAX_FAILED_SIGNINS", "3")
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    answers: dict[str, list[str]] = {}
    for name in ("lan.nguyen", "khong.co"):
        at = open_app("pages/sign_in.py")
        for password in ["sai-1-aaaaaa", "sai-2-aaaaaa", "sai-3-aaaaaa", PASSWORD]:
            _sign_in_through_the_form(at, name, password)
            answers.setdefault(name, []).append(re.sub(r"\d+ giây", "N giây", at.error[0].value))
        assert "auth_user" not in at.session_state  # the right password waits too
    assert (
        answers["lan.nguyen"]
        == answers["khong.co"]
        == [
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "Đăng nhập sai nhiều lần; hãy thử lại sau N giây.",
            "Đăng nhập sai nhiều lần; hãy thử lại sau N giây.",
        ]
    )


def test_the_right_password_signs_in_and_shows_the_uploader() -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = open_app("pages/sign_in.py")
    at.text_input(key="sign_in_name").input("lan.nguyen")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["auth_user"] == "lan.nguyen"
    at.switch_page("pages/upload.py").run()
    assert at.get("file_uploader")
    assert any("lan.nguyen" in m.value for m in at.sidebar.markdown)


def test_an_idle_session_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30)
    at.session_state["auth_user"] = "lan.nguyen"
    at.session_state["auth_last_active"] = dt.datetime.now() - dt.timedelta(minutes=config.session_minutes() + 1)
    at.session_state["auth_epoch"] = 0
    at.run().switch_page("pages/upload.py").run()
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
    at = _sign_in_through_the_form(open_app("pages/sign_in.py"), "lan.nguyen", PASSWORD)
    at.switch_page("pages/upload.py").run()
    assert at.get("file_uploader")
    change("lan.nguyen")
    at.run()
    assert not at.get("file_uploader")  # the old browser can no longer upload
    assert "auth_user" not in at.session_state
    assert [i.value for i in at.info][-1] == "Mật khẩu hoặc trạng thái tài khoản đã được thay đổi; hãy đăng nhập lại."
    at.switch_page("pages/sign_in.py").run()
    _sign_in_through_the_form(at, "lan.nguyen", PASSWORD if change is _disable_and_enable else "mat-khau-moi-123456")
    assert at.session_state["auth_user"] == "lan.nguyen"  # signing in again works


NOW = dt.datetime.now()
HALF_WRITTEN = {
    "name without time": {"auth_user": "lan.nguyen"},
    "time without name": {"auth_last_active": NOW},
    "epoch alone": {"auth_epoch": 0},
    "no epoch (a session from before epochs)": {"auth_user": "lan.nguyen", "auth_last_active": NOW},
    "time as text": {"auth_user": "lan.nguyen", "auth_last_active": NOW.isoformat(), "auth_epoch": 0},
    "time with a time zone": {"auth_user": "lan.nguyen", "auth_last_active": NOW.astimezone(), "auth_epoch": 0},
    "name not text": {"auth_user": 42, "auth_last_active": NOW, "auth_epoch": 0},
    "empty name": {"auth_user": "", "auth_last_active": NOW, "auth_epoch": 0},
    "epoch as text": {"auth_user": "lan.nguyen", "auth_last_active": NOW, "auth_epoch": "0"},
    "epoch as a flag": {"auth_user": "lan.nguyen", "auth_last_active": NOW, "auth_epoch": False},
}


@pytest.mark.parametrize("state", HALF_WRITTEN.values(), ids=HALF_WRITTEN.keys())
def test_a_half_written_session_is_signed_out_and_the_page_still_works(state: dict[str, object]) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.run().switch_page("pages/upload.py").run()
    assert not at.exception
    assert UNEXPECTED_ERROR not in page_text(at)
    assert not at.get("file_uploader")
    assert at.text_input(key="sign_in_name")  # the sign-in form shows
    assert not any(key in at.session_state for key in ("auth_user", "auth_last_active", "auth_epoch"))


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

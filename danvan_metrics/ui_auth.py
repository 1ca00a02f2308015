"""Sign-in for the app: the signed-in account in the session, inactivity expiry, the sign-in form.

The session holds only the account name and the time of last activity; the role and unit
limits are re-read from the accounts file on every run, so disabling an account or changing
its role takes effect at once.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from danvan_metrics import accounts, audit, config
from danvan_metrics.accounts import Account, Role
from danvan_metrics.audit import Action
from danvan_metrics.store import Store

USER_KEY = "auth_user"
ACTIVE_KEY = "auth_last_active"
NOTICE_KEY = "auth_notice"


def current_user(now: dt.datetime | None = None) -> Account | None:
    """The signed-in account, or None; a session idle longer than the limit is signed out."""
    name = st.session_state.get(USER_KEY)
    if not name:
        name = _identity_provider_account()
        if not name:
            return None
        st.session_state[USER_KEY] = name
        st.session_state[ACTIVE_KEY] = now or dt.datetime.now()
    now = now or dt.datetime.now()
    last = st.session_state.get(ACTIVE_KEY)
    if last is None or now - last > dt.timedelta(minutes=config.session_minutes()):
        _forget()
        st.session_state[NOTICE_KEY] = "Phiên làm việc đã hết hạn do không hoạt động; hãy đăng nhập lại."
        return None
    account = accounts.get(name, config.state_dir())
    if account is None or account.disabled:
        _forget()
        return None
    st.session_state[ACTIVE_KEY] = now
    return account


def sso_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures sign-in through an identity provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 — no secrets file at all
        return False


def _identity_provider_account() -> str | None:
    """The account mapped to the identity provider's signed-in user (by e-mail), if any."""
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
    except Exception:  # noqa: BLE001
        return None
    account = accounts.by_email(email, config.state_dir()) if email else None
    return account.name if account and not account.disabled else None


def _forget() -> None:
    for key in (USER_KEY, ACTIVE_KEY):
        st.session_state.pop(key, None)


def is_editor(account: Account | None) -> bool:
    return account is not None and account.role in (Role.EDITOR, Role.ADMIN)


def is_admin(account: Account | None) -> bool:
    return account is not None and account.role == Role.ADMIN


def st_sign_in_form(store: Store) -> None:
    """The sign-in form; on success the session holds the account and the page reruns."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    if not accounts.has_accounts(config.state_dir()):
        st_first_admin_hint()
        return
    if sso_configured():
        if st.button("Đăng nhập bằng tài khoản cơ quan (SSO)", key="sso_sign_in", type="primary"):
            st.login()
        st.caption("Hoặc đăng nhập bằng tài khoản của hệ thống:")
    with st.form("sign_in_form", clear_on_submit=True):
        name = st.text_input("Tên đăng nhập", key="sign_in_name", autocomplete="username")
        password = st.text_input("Mật khẩu", type="password", key="sign_in_password", autocomplete="current-password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if not submitted:
        return
    result = accounts.sign_in(name, password, config.state_dir())
    if result.account is None:
        audit.record(store, name.strip()[:40] or "(trống)", Action.SIGN_IN_FAILED, result.message)
        st.error(result.message)
        return
    st.session_state[USER_KEY] = result.account.name
    st.session_state[ACTIVE_KEY] = dt.datetime.now()
    audit.record(store, result.account.name, Action.SIGN_IN)
    st.rerun()


def st_first_admin_hint() -> None:
    """What to do on a fresh install: no account exists, and there is no default password."""
    st.warning(
        "Chưa có tài khoản nào. Để bảo mật, hệ thống không có mật khẩu mặc định. "
        "Người quản trị máy chủ tạo tài khoản quản trị đầu tiên bằng một lệnh:"
    )
    st.code("python -m danvan_metrics user add TEN_DANG_NHAP --role admin", language="bash")
    st.caption("Lệnh sẽ hỏi mật khẩu (ít nhất 10 ký tự). Sau đó đăng nhập tại đây.")


def st_account_box(store: Store) -> Account | None:
    """In the sidebar: who is signed in, with a sign-out button."""
    account = current_user()
    if account is None:
        return None
    role = accounts.ROLE_LABELS.get(account.role, account.role)
    st.sidebar.markdown(f"Đã đăng nhập: **{account.name}** ({role})")
    if st.sidebar.button("Đăng xuất", key="sign_out"):
        audit.record(store, account.name, Action.SIGN_OUT)
        _forget()
        if sso_configured() and st.user.is_logged_in:
            st.logout()
        st.rerun()
    return account

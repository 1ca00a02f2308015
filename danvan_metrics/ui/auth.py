"""Sign-in for the app: the signed-in account in the session, when a session ends, the sign-in form.

The session holds only the account name, the time of last activity and the account's session
epoch at sign-in; the role and unit limits are re-read from the accounts file on every run, so
disabling an account or changing its role takes effect at once, and a password change (which
moves the epoch on) ends every session signed in before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from danvan_metrics.auth import accounts, audit
from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.auth.audit import Action
from danvan_metrics.core import config
from danvan_metrics.store.connection import Store

USER_KEY = "auth_user"
ACTIVE_KEY = "auth_last_active"
EPOCH_KEY = "auth_epoch"
NOTICE_KEY = "auth_notice"
EXPIRED = "Phiên làm việc đã hết hạn do không hoạt động; hãy đăng nhập lại."
CREDENTIALS_CHANGED = "Mật khẩu hoặc trạng thái tài khoản đã được thay đổi; hãy đăng nhập lại."


@dataclass(frozen=True, slots=True)
class Session:
    """What the session remembers of a sign-in."""

    name: str
    last_active: dt.datetime
    epoch: int


def current_user(now: dt.datetime | None = None) -> Account | None:
    """The signed-in account, or None; a session idle too long, or older than a password change, ends."""
    now = now or dt.datetime.now()
    session = read_session() or _identity_provider_session(now)
    if session is None:
        return None
    if now - session.last_active > dt.timedelta(minutes=config.session_minutes()):
        _end(EXPIRED)
        return None
    account = accounts.get(session.name, config.state_dir())
    if account is None or account.disabled:
        _forget()
        return None
    if account.session_epoch != session.epoch:
        _end(CREDENTIALS_CHANGED)
        return None
    st.session_state[ACTIVE_KEY] = now
    return account


def read_session() -> Session | None:
    """The sign-in the session holds, or None; anything half-written or mistyped is signed out."""
    state = st.session_state
    name, last, epoch = state.get(USER_KEY), state.get(ACTIVE_KEY), state.get(EPOCH_KEY)
    if name is None and last is None and epoch is None:
        return None
    if (
        isinstance(name, str)
        and name
        and isinstance(last, dt.datetime)
        and last.tzinfo is None
        and isinstance(epoch, int)
        and not isinstance(epoch, bool)
    ):
        return Session(name, last, epoch)
    _forget()
    return None


def _remember(account: Account, now: dt.datetime) -> Session:
    """Hold ``account`` as signed in, with its current session epoch."""
    session = Session(account.name, now, account.session_epoch)
    st.session_state[USER_KEY] = session.name
    st.session_state[ACTIVE_KEY] = session.last_active
    st.session_state[EPOCH_KEY] = session.epoch
    return session


def sso_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures sign-in through an identity provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 — no secrets file at all
        return False


def _identity_provider_session(now: dt.datetime) -> Session | None:
    """A session for the identity provider's signed-in user, if their e-mail maps to an enabled account."""
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
    except Exception:  # noqa: BLE001
        return None
    account = accounts.by_email(email, config.state_dir()) if email else None
    return _remember(account, now) if account and not account.disabled else None


def _forget() -> None:
    for key in (USER_KEY, ACTIVE_KEY, EPOCH_KEY):
        st.session_state.pop(key, None)


def _end(notice: str) -> None:
    """Sign the person out, telling them why on the sign-in form."""
    _forget()
    st.session_state[NOTICE_KEY] = notice


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
    result = accounts.sign_in(name, password, config.state_dir(), source=_source())
    if result.account is None:
        audit.record(store, name.strip()[:40] or "(trống)", Action.SIGN_IN_FAILED, result.message)
        st.error(result.message)
        return
    _remember(result.account, dt.datetime.now())
    audit.record(store, result.account.name, Action.SIGN_IN)
    st.rerun()


def _source() -> str:
    """The visitor's address, which sign-in throttling counts failures by; "" when there is none.

    Streamlit gives None on localhost; under AppTest the context is a stand-in, not a string.
    """
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


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

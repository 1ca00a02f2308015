"""Sign-in for the app: who the session cookie says is signed in, and the sign-in and sign-out forms.

The forms post to the routes in `danvan_metrics.web.routes`, which check the password and set or
clear the HttpOnly session cookie; a Streamlit page cannot set a cookie. Every run looks the cookie's
session up in the record (`auth.sessions`), so a reload, a new tab, a restart or another server
keeps the person signed in, and a sign-out, a password change or a disabled account ends it
everywhere at once. The role and unit limits are read from the record on every run too.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlparse

import streamlit as st

from danvan_metrics.auth import accounts, audit, sessions
from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.auth.audit import Action
from danvan_metrics.auth.sessions import Ended
from danvan_metrics.core import config
from danvan_metrics.store.connection import Store
from danvan_metrics.web import routes
from danvan_metrics.web.routes import Answer

# AppTest cannot send cookies: tests open a session in the record and hand its id over here.
TOKEN_KEY = "auth_session_token"
NOTICE_KEY = "auth_notice"
NOTICED_KEY = "auth_noticed"
UPLOAD_PAGE = "/tai-len"  # where signing in from the sign-in page leads: the reason to sign in
EXPIRED = "Phiên làm việc đã hết hạn do không hoạt động; hãy đăng nhập lại."
TOO_OLD = "Phiên đăng nhập đã dài quá {hours:g} giờ; hãy đăng nhập lại."
CREDENTIALS_CHANGED = "Mật khẩu hoặc trạng thái tài khoản đã được thay đổi; hãy đăng nhập lại."
SIGNED_OUT = "Bạn đã đăng xuất."
ANSWERS = {
    Answer.WRONG: accounts.REFUSED,
    Answer.DISABLED: accounts.DISABLED,
    Answer.FORM: "Biểu mẫu đăng nhập đã cũ hoặc không đến từ trang này; hãy nhập lại.",
    Answer.UNAVAILABLE: "Hệ thống tạm thời không đăng nhập được; hãy thử lại sau ít phút.",
}


def session_token() -> str:
    """The session id this browser sent (the cookie), or the one a test handed over; "" when none."""
    cookie = st.context.cookies.get(sessions.COOKIE_NAME) if _has_client() else None
    if isinstance(cookie, str) and cookie:
        return cookie
    held = st.session_state.get(TOKEN_KEY)
    return held if isinstance(held, str) else ""


def _has_client() -> bool:
    try:
        return st.context.cookies is not None
    except Exception:  # noqa: BLE001 — no browser behind the run (AppTest)
        return False


def current_user(now: dt.datetime | None = None) -> Account | None:
    """The signed-in account, or None; a session that has just ended says why on the sign-in form."""
    token = session_token()
    if token:
        found = sessions.look_up(config.state_dir(), token, now)
        if found.account is not None:
            return found.account
        if found.ended is not None:
            _notice_once(token, found.ended)
    return _identity_provider_account()


def _notice_once(token: str, ended: Ended) -> None:
    """Tell the person once per session why it ended (a sign-out has its own message)."""
    marker = sessions.digest(token)
    if st.session_state.get(NOTICED_KEY) == marker or ended == Ended.SIGNED_OUT:
        return
    st.session_state[NOTICED_KEY] = marker
    st.session_state[NOTICE_KEY] = {
        Ended.IDLE: EXPIRED,
        Ended.EXPIRED: TOO_OLD.format(hours=config.session_max_hours()),
        Ended.CHANGED: CREDENTIALS_CHANGED,
    }[ended]


def sso_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures sign-in through an identity provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 — no secrets file at all
        return False


def _identity_provider_account() -> Account | None:
    """The account the identity provider's signed-in user maps to by e-mail, if it is enabled."""
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
    except Exception:  # noqa: BLE001
        return None
    account = accounts.by_email(email, config.state_dir()) if email else None
    return account if account and not account.disabled else None


def is_editor(account: Account | None) -> bool:
    return account is not None and account.role in (Role.EDITOR, Role.ADMIN)


def is_reviewer(account: Account | None) -> bool:
    return account is not None and account.role in (Role.REVIEWER, Role.ADMIN)


def is_admin(account: Account | None) -> bool:
    return account is not None and account.role == Role.ADMIN


def st_sign_in_form(store: Store) -> None:
    """The sign-in form; it posts to the sign-in route, which comes back to this page signed in or with a reason."""
    del store  # the route writes the audit entry
    st_route_answer()
    if not accounts.has_accounts(config.state_dir()):
        st_first_admin_hint()
        return
    if sso_configured():
        if st.button("Đăng nhập bằng tài khoản cơ quan (SSO)", key="sso_sign_in", type="primary"):
            st.login()
        st.caption("Hoặc đăng nhập bằng tài khoản của hệ thống:")
    st.html(sign_in_form_html(sessions.form_token(config.state_dir()), _this_page()))


def st_route_answer() -> None:
    """What the last trip through a route left to say: why a session ended, a refusal, a sign-out."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    params = st.query_params
    code, wait = params.get("loi"), params.get("giay")
    if params.get("tb") == Answer.SIGNED_OUT:
        st.success(SIGNED_OUT)
    if code == Answer.WAIT:
        st.error(accounts.throttled_message(float(wait) if wait and wait.isdigit() else 60))
    elif code in ANSWERS:
        st.error(ANSWERS[code])
    for key in ("loi", "giay", "tb"):
        params.pop(key, None)


def _this_page() -> str:
    """Where the person is, to come back to after signing in (from the sign-in page: the upload page)."""
    url = st.context.url if _has_client() else None
    path = urlparse(url).path if isinstance(url, str) else ""
    return UPLOAD_PAGE if path.rstrip("/").endswith(routes.SIGN_IN_PAGE) or not path else routes.safe_next(path)


SIGN_IN_FORM = """
<style>
.dv-form{{max-width:26rem;display:flex;flex-direction:column;gap:.6rem;font-family:inherit}}
.dv-form label{{font-size:.875rem;display:flex;flex-direction:column;gap:.25rem}}
.dv-form input{{font:inherit;padding:.5rem .75rem;border:1px solid #d5dae5;border-radius:.5rem;background:#f0f2f6}}
.dv-form input:focus{{outline:2px solid #0072B2;border-color:#0072B2}}
.dv-form button{{font:inherit;align-self:flex-start;padding:.45rem 1rem;border:0;border-radius:.5rem;
  background:#0072B2;color:#fff;cursor:pointer}}
.dv-form button:hover{{background:#005a8c}}
.dv-link{{font:inherit;padding:.3rem .8rem;border:1px solid #d5dae5;border-radius:.5rem;background:#fff;cursor:pointer}}
</style>
<form class="dv-form" method="post" action="{action}" data-testid="dvSignInForm">
  <label>Tên đăng nhập<input name="username" autocomplete="username" required maxlength="64"></label>
  <label>Mật khẩu<input name="password" type="password" autocomplete="current-password" required
    maxlength="256"></label>
  <input type="hidden" name="form_token" value="{token}">
  <input type="hidden" name="next" value="{next}">
  <button type="submit">Đăng nhập</button>
</form>
"""

SIGN_OUT_FORM = """
<form method="post" action="{action}" data-testid="dvSignOutForm" style="margin:0">
  <input type="hidden" name="sign_out_token" value="{token}">
  <button class="dv-link" type="submit" style="font:inherit;padding:.3rem .8rem;border:1px solid #d5dae5;
    border-radius:.5rem;background:#fff;cursor:pointer">Đăng xuất</button>
</form>
"""


def sign_in_form_html(form_token: str, next_path: str) -> str:
    """The sign-in form's HTML (escaped values only)."""
    return SIGN_IN_FORM.format(action=routes.SIGN_IN_PATH, token=escape(form_token), next=escape(next_path))


def sign_out_form_html(token: str) -> str:
    return SIGN_OUT_FORM.format(action=routes.SIGN_OUT_PATH, token=escape(sessions.sign_out_token(token)))


def st_first_admin_hint() -> None:
    """What to do on a fresh install: no account exists, and there is no default password."""
    st.warning(
        "Chưa có tài khoản nào. Để bảo mật, hệ thống không có mật khẩu mặc định. "
        "Người quản trị máy chủ tạo tài khoản quản trị đầu tiên bằng một lệnh:"
    )
    st.code("python -m danvan_metrics user add TEN_DANG_NHAP --role admin", language="bash")
    st.caption("Lệnh sẽ hỏi mật khẩu (ít nhất 10 ký tự). Sau đó đăng nhập tại đây.")


def st_account_box(store: Store) -> Account | None:
    """In the sidebar: who is signed in, with a sign-out button (a form to the sign-out route)."""
    account = current_user()
    if account is None:
        return None
    role = accounts.ROLE_LABELS.get(account.role, account.role)
    st.sidebar.markdown(f"Đã đăng nhập: **{account.name}** ({role})")
    token = session_token()
    if token:
        st.sidebar.html(sign_out_form_html(token))
    elif st.sidebar.button("Đăng xuất", key="sign_out"):  # signed in through the identity provider
        audit.record(store, account.name, Action.SIGN_OUT)
        st.logout()
    return account

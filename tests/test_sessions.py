"""Sign-in sessions in the record, on both engines: what a reload, an idle hour, a password change,
a disabled account and a sign-out do to a person's sign-in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from danvan_metrics.auth import accounts, sessions
from danvan_metrics.auth.sessions import Ended
from danvan_metrics.core import config
from danvan_metrics.record import schema, transactions

pytestmark = pytest.mark.usefixtures("each_engine")
PASSWORD = "mat-khau-thu-nghiem-1"
T0 = dt.datetime(2026, 12, 4, 8, 0)


def _home() -> Path:
    return config.state_dir()


def _editor(name: str = "lan.nguyen") -> accounts.Account:
    return accounts.add(name, PASSWORD, "editor", home=_home())


def test_a_session_is_found_again_by_its_cookie_and_the_record_holds_only_its_hash() -> None:
    token = sessions.start(_home(), _editor(), "10.0.0.5", T0)
    assert sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=5)).account.name == "lan.nguyen"
    assert sessions.look_up(_home(), token + "x", T0).account is None  # a guessed id is nobody
    with transactions.read(_home()) as connection:
        stored = [tuple(row) for row in connection.execute(sa.select(schema.sessions))]
    assert token not in repr(stored) and sessions.digest(token) in repr(stored)


def test_using_a_session_keeps_it_open_and_leaving_it_idle_ends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_SESSION_MINUTES", "30")
    token = sessions.start(_home(), _editor(), now=T0)
    for minutes in (20, 40, 60):  # each use within 30 minutes of the last
        assert sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=minutes)).account is not None
    idle = sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=91))
    assert idle == sessions.Lookup(None, Ended.IDLE)
    assert sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=92)).ended == Ended.IDLE  # stays ended


def test_a_session_ends_at_its_absolute_limit_however_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_SESSION_MAX_HOURS", "2")
    token = sessions.start(_home(), _editor(), now=T0)
    for minutes in range(10, 120, 10):
        assert sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=minutes)).account is not None
    assert sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=121)).ended == Ended.EXPIRED


@pytest.mark.parametrize(
    "change",
    [
        lambda: accounts.set_password("lan.nguyen", "mat-khau-moi-123456", _home()),
        lambda: accounts.set_disabled("lan.nguyen", True, _home()),
    ],
    ids=["password", "disabled"],
)
def test_a_password_change_or_a_disabled_account_ends_every_session_of_that_account(change: object) -> None:
    _editor()
    _editor("minh")
    mine = [sessions.start(_home(), accounts.get("lan.nguyen", _home())) for _ in range(3)]
    other = sessions.start(_home(), accounts.get("minh", _home()))
    change()  # type: ignore[operator]
    assert [sessions.look_up(_home(), token).ended for token in mine] == [Ended.CHANGED] * 3
    assert sessions.open_sessions(_home(), "lan.nguyen") == 0
    assert sessions.look_up(_home(), other).account.name == "minh"  # another account is not touched


def test_signing_out_ends_that_session_only() -> None:
    account = _editor()
    here, there = sessions.start(_home(), account), sessions.start(_home(), account)
    assert sessions.end(_home(), here) == "lan.nguyen"
    assert sessions.look_up(_home(), here) == sessions.Lookup(None, Ended.SIGNED_OUT)
    assert sessions.look_up(_home(), there).account is not None  # the other tab's browser stays signed in
    assert sessions.end(_home(), here) is None  # twice is harmless


def test_sessions_do_not_move_the_data_version() -> None:
    account = _editor()
    before = transactions.version(_home())
    token = sessions.start(_home(), account, now=T0)
    sessions.look_up(_home(), token, T0 + dt.timedelta(minutes=2))  # a touch is a write too
    sessions.end(_home(), token)
    assert transactions.version(_home()) == before  # no server refreshes its charts for a sign-in


def test_the_sign_in_form_token_is_accepted_by_any_server_of_the_record_and_only_for_a_while() -> None:
    token = sessions.form_token(_home(), T0)
    assert sessions.form_token_ok(_home(), token, T0 + dt.timedelta(hours=11))
    assert not sessions.form_token_ok(_home(), token, T0 + dt.timedelta(hours=13))
    issued, _, signature = token.partition(".")
    assert not sessions.form_token_ok(_home(), f"{int(issued) + 3600}.{signature}", T0)  # a moved time
    assert not sessions.form_token_ok(_home(), "", T0)
    assert not sessions.form_token_ok(_home(), "123.abc", T0)

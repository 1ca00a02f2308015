"""Sign-in sessions, kept in the system of record so they survive a reload, a restart and a move of server.

The browser holds a random session id in an HttpOnly cookie; the record holds only its SHA-256,
with the account, when it was last used and when it must end. Every page run looks the id up, so
a sign-out, a password change or a disabled account ends the session on every server at once.
Sessions are written through `transactions.write_unversioned`: read stores do not copy them, so
a sign-in does not make every server refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa

from danvan_metrics.auth.accounts import Account
from danvan_metrics.auth.accounts import get as get_account
from danvan_metrics.core import config
from danvan_metrics.record import schema, transactions

COOKIE_NAME = "danvan_session"
# How often a session's last use is written back: page runs in between are reads only.
TOUCH_EVERY = dt.timedelta(seconds=60)
# Ended and expired sessions are deleted this long after they ended (the audit trail keeps sign-ins).
FORGET_AFTER = dt.timedelta(days=7)
FORM_TOKEN_LIFETIME = dt.timedelta(hours=12)


class Ended(StrEnum):
    """Why a session is over: each has its own message on the sign-in page."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    EXPIRED = "expired"
    CHANGED = "changed"  # the password changed, or the account was disabled


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a cookie's session id stands for: the account, or why there is none."""

    account: Account | None
    ended: Ended | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(home: Path, account: Account, source: str = "", now: dt.datetime | None = None) -> str:
    """Open a session for ``account``; returns the id for the cookie (never stored as it is)."""
    now = now or dt.datetime.now()
    token = secrets.token_urlsafe(32)
    table = schema.sessions
    with transactions.write_unversioned(home) as connection:
        connection.execute(table.delete().where(table.c.expires_at < now - FORGET_AFTER))
        connection.execute(table.delete().where(table.c.ended_at.is_not(None), table.c.ended_at < now - FORGET_AFTER))
        connection.execute(
            table.insert().values(
                id_hash=digest(token), account=account.name, epoch=account.session_epoch, created_at=now,
                last_seen=now, expires_at=now + dt.timedelta(hours=config.session_max_hours()), source=source[:64],
            )
        )  # fmt: skip
    return token


def look_up(home: Path, token: str, now: dt.datetime | None = None) -> Lookup:
    """The account signed in under ``token``; a session idle too long or past its end is ended here."""
    if not token or len(token) > 128:
        return Lookup(None)
    now = now or dt.datetime.now()
    table = schema.sessions
    with transactions.read(home) as connection:
        row = connection.execute(sa.select(table).where(table.c.id_hash == digest(token))).first()
    if row is None:
        return Lookup(None)
    if row.ended_at is not None:
        return Lookup(None, Ended(row.ended_why) if row.ended_why in set(Ended) else Ended.SIGNED_OUT)
    account = get_account(row.account, home)
    why = _why_over(row, account, now)
    if why is not None:
        _end_where(home, table.c.id_hash == row.id_hash, now, why)
        return Lookup(None, why)
    if now - row.last_seen >= TOUCH_EVERY:
        with transactions.write_unversioned(home) as connection:
            connection.execute(table.update().where(table.c.id_hash == row.id_hash).values(last_seen=now))
    return Lookup(account)


def _why_over(row: sa.Row[object], account: Account | None, now: dt.datetime) -> Ended | None:
    if account is None or account.disabled or account.session_epoch != row.epoch:
        return Ended.CHANGED
    if now >= row.expires_at:
        return Ended.EXPIRED
    if now - row.last_seen > dt.timedelta(minutes=config.session_minutes()):
        return Ended.IDLE
    return None


def end(home: Path, token: str, now: dt.datetime | None = None) -> str | None:
    """Sign out: end the session under ``token``; returns its account's name (None if it was not open)."""
    table = schema.sessions
    with transactions.read(home) as connection:
        row = connection.execute(
            sa.select(table.c.account).where(table.c.id_hash == digest(token), table.c.ended_at.is_(None))
        ).first()
    if row is None:
        return None
    _end_where(home, table.c.id_hash == digest(token), now or dt.datetime.now(), Ended.SIGNED_OUT)
    return str(row.account)


def _end_where(home: Path, condition: sa.ColumnElement[bool], now: dt.datetime, why: Ended) -> None:
    table = schema.sessions
    with transactions.write_unversioned(home) as connection:
        connection.execute(
            table.update().where(condition, table.c.ended_at.is_(None)).values(ended_at=now, ended_why=str(why))
        )


def open_sessions(home: Path, name: str) -> int:
    """How many sessions of ``name`` are open (for the CLI and tests)."""
    table = schema.sessions
    with transactions.read(home) as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).where(table.c.account == name, table.c.ended_at.is_(None))
            ).scalar_one()
        )


def sign_out_token(token: str) -> str:
    """The value the sign-out form must send back: derived from the session id, which only this browser has."""
    return hmac.new(token.encode(), b"danvan-sign-out", hashlib.sha256).hexdigest()


def form_token(home: Path, now: dt.datetime | None = None) -> str:
    """A token for the sign-in form, signed with the record's secret so any server accepts it."""
    issued = str(int((now or dt.datetime.now()).timestamp()))
    return f"{issued}.{_sign(home, issued)}"


def form_token_ok(home: Path, token: str, now: dt.datetime | None = None) -> bool:
    """Whether ``token`` came from `form_token` within `FORM_TOKEN_LIFETIME`."""
    issued, _, signature = token.partition(".")
    if not issued.isdigit() or len(issued) > 12 or not hmac.compare_digest(signature, _sign(home, issued)):
        return False
    age = (now or dt.datetime.now()).timestamp() - int(issued)
    return -60 <= age <= FORM_TOKEN_LIFETIME.total_seconds()


def _sign(home: Path, issued: str) -> str:
    with transactions.read(home) as connection:
        secret = transactions.get_meta(connection, "form_secret") or ""
    return hmac.new(secret.encode(), f"danvan-sign-in|{issued}".encode(), hashlib.sha256).hexdigest()

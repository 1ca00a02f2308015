"""Accounts and sign-in: who may change data, with passwords hashed by Argon2 and throttled guessing.

Accounts live in the system of record (`record`: SQLite in the state directory, or the shared
PostgreSQL), never in the repository, one row per user: role, the units an editor may upload for,
an Argon2id hash (argon2-cffi), and a session epoch that changing the password or disabling the
account moves on, which ends the sessions signed in before. Every server sharing the record sees
the same accounts. A fresh install has no account and no default password:
`python -m danvan_metrics user add NAME --role admin` creates the first.

Failed sign-ins are counted in the record per source (the visitor's address) and typed name, and
per name from all sources, for names that exist and names that do not alike, under SHA-256 keys
(never the typed text). Each change is one transaction, so the app and the command line, on one
machine or several, can all make them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from danvan_metrics.core import config
from danvan_metrics.record import engine, schema, transactions

AUDIT_ACTION = "account"  # the audit trail's action for account changes (auth.audit.Action.ACCOUNT)
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10
# A name guessed from many sources is slowed too, once it collects this many times the per-source limit.
NAME_CEILING_FACTOR = 10
FORGET_FAILURES_AFTER = dt.timedelta(days=1)
REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng."
DISABLED = "Tài khoản đã bị vô hiệu hóa; liên hệ quản trị viên."
_HASHER = PasswordHasher()
# Verifying against this keeps the time of a sign-in with an unknown name like that of a known one.
_DUMMY_HASH = _HASHER.hash("danvan-timing-equaliser")
LEGACY_FIELDS = ("failed", "locked_until")  # the per-account lock-out of earlier versions, no longer used


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    REVIEWER = "reviewer"  # approves or returns uploads under a reporting regime, for its units only
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {
    Role.VIEWER: "người xem", Role.EDITOR: "biên tập viên", Role.REVIEWER: "người duyệt", Role.ADMIN: "quản trị",
}  # fmt: skip


class AccountError(Exception):
    """A refused account operation; the message (Vietnamese) says why."""


@dataclass(slots=True)
class Account:
    name: str
    role: str
    password_hash: str
    units: list[str] = field(default_factory=list)  # empty: every unit
    disabled: bool = False
    created_at: str = ""
    email: str | None = None  # for sign-in through the organisation's identity provider (OIDC)
    session_epoch: int = 0  # moved on by a password change or (dis)abling: older sessions end

    @property
    def locked_until(self) -> str | None:
        """Always None: accounts are no longer locked; guessing is throttled per source (see ``sign_in``)."""
        return None

    def may_upload_for(self, unit_id: str) -> bool:
        """Whether this account may add or withdraw figures of ``unit_id``."""
        if self.disabled or self.role not in (Role.EDITOR, Role.ADMIN):
            return False
        return self.role == Role.ADMIN or not self.units or unit_id in self.units

    def may_review_for(self, unit_and_ancestors: Collection[str]) -> bool:
        """Whether this account may approve or return figures of a unit (given with its district and
        province, so a reviewer limited to a province covers its communes)."""
        if self.disabled or self.role not in (Role.REVIEWER, Role.ADMIN):
            return False
        return self.role == Role.ADMIN or not self.units or any(u in self.units for u in unit_and_ancestors)


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in attempt."""

    account: Account | None
    message: str

    @property
    def ok(self) -> bool:
        return self.account is not None


@dataclass(slots=True)
class _Failures:
    """Failed sign-ins under one throttle key: how many, and when the last was."""

    count: int
    last: dt.datetime


def record_path(home: Path | None = None) -> Path:
    """Where the record keeps accounts when it is SQLite (the default): made readable by the service only."""
    return (home or config.state_dir()) / config.RECORD_FILE_NAME


def _home(home: Path | None) -> Path:
    return home or config.state_dir()


def _private(home: Path) -> None:
    """The SQLite record holds password hashes: readable and writable by the service's user only (0600)."""
    for path in (
        record_path(home),
        *(record_path(home).with_name(record_path(home).name + s) for s in ("-wal", "-shm")),
    ):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)


def _from_row(row: sa.Row[Any]) -> Account:
    return Account(
        name=row.name, role=row.role, password_hash=row.password_hash, units=list(json.loads(row.units)),
        disabled=bool(row.disabled), created_at=row.created_at, email=row.email, session_epoch=int(row.session_epoch),
    )  # fmt: skip


def _values(account: Account) -> dict[str, Any]:
    values = asdict(account)
    values["units"] = json.dumps(account.units, ensure_ascii=False)
    return values


@contextlib.contextmanager
def _locked(home: Path | None, audit_by: str | None = None, detail: str = "") -> Iterator[dict[str, Account]]:
    """The accounts, read and (on exit) written back in one write of the record, with its audit entry.

    ``audit_by`` names who made the change: the entry is written in the same transaction.
    """
    where = _home(home)
    table = schema.accounts
    with transactions.write(where, transactions.KIND_ACCOUNT) as connection:
        before = {row.name: _from_row(row) for row in connection.execute(sa.select(table))}
        found = {name: dataclasses.replace(account, units=list(account.units)) for name, account in before.items()}
        yield found
        for name, account in found.items():
            if name not in before:
                connection.execute(table.insert().values(**_values(account)))
            elif account != before[name]:
                connection.execute(table.update().where(table.c.name == name).values(**_values(account)))
                if account.session_epoch != before[name].session_epoch:  # a password or state change
                    _end_sessions(connection, name)
        if audit_by is not None:
            transactions.add_audit(connection, dt.datetime.now(), audit_by, AUDIT_ACTION, detail)
    _private(where)


def _end_sessions(connection: sa.Connection, name: str) -> None:
    """Every open sign-in session of ``name`` ends, in the same write as the change that ends them."""
    table = schema.sessions
    connection.execute(
        table.update()
        .where(table.c.account == name, table.c.ended_at.is_(None))
        .values(ended_at=dt.datetime.now(), ended_why="changed")
    )


def _read(home: Path | None) -> dict[str, Account]:
    with transactions.read(_home(home)) as connection:
        return {row.name: _from_row(row) for row in connection.execute(sa.select(schema.accounts))}


def list_accounts(home: Path | None = None) -> list[Account]:
    """Every account, by name."""
    return sorted(_read(home).values(), key=lambda a: a.name)


def has_accounts(home: Path | None = None) -> bool:
    with transactions.read(_home(home)) as connection:
        return connection.execute(sa.select(schema.accounts.c.name).limit(1)).first() is not None


def get(name: str, home: Path | None = None) -> Account | None:
    table = schema.accounts
    with transactions.read(_home(home)) as connection:
        row = connection.execute(sa.select(table).where(table.c.name == name)).first()
    return None if row is None else _from_row(row)


def check_password_strength(password: str) -> None:
    """Raises AccountError for a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def by_email(email: str, home: Path | None = None) -> Account | None:
    """The account an identity provider's verified e-mail maps to (case-insensitive), if any."""
    wanted = email.strip().casefold()
    return next((a for a in _read(home).values() if a.email and a.email.casefold() == wanted), None)


def add(
    name: str,
    password: str,
    role: str,
    units: Sequence[str] = (),
    home: Path | None = None,
    email: str | None = None,
    *,
    by: str | None = None,
) -> Account:
    """Create an account; ``by`` (who made it) gets an audit entry in the same transaction.

    Raises:
        AccountError: bad name, role or password, or the name is taken.
    """
    if not NAME_PATTERN.match(name):
        raise AccountError("Tên đăng nhập gồm 2–40 ký tự a–z, 0–9, dấu chấm, gạch dưới hoặc gạch ngang.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"Vai trò phải là một trong: {', '.join(r.value for r in Role)}.")
    check_password_strength(password)
    password_hash = _HASHER.hash(password)  # before the write: the record is not held while hashing
    with _locked(home, by, f"tạo {name} ({role})") as accounts:
        if name in accounts:
            raise AccountError(f"Tài khoản “{name}” đã có.")
        account = Account(
            name=name,
            role=role,
            password_hash=password_hash,
            units=list(units),
            created_at=dt.datetime.now().isoformat(timespec="seconds"),
            email=email or None,
        )
        accounts[name] = account
    return account


def set_password(name: str, password: str, home: Path | None = None, *, by: str | None = None) -> None:
    """Change a password; sessions signed in with the old one end at their next run."""
    check_password_strength(password)
    password_hash = _HASHER.hash(password)
    with _locked(home, by, f"đổi mật khẩu {name}") as accounts:
        account = _existing(accounts, name)
        account.password_hash = password_hash
        account.session_epoch += 1


def set_disabled(name: str, disabled: bool = True, home: Path | None = None, *, by: str | None = None) -> None:
    """Disable (or enable) an account; either way the sessions signed in before end."""
    with _locked(home, by, f"{'disable' if disabled else 'enable'} {name}") as accounts:
        account = _existing(accounts, name)
        account.disabled = disabled
        account.session_epoch += 1


def _existing(accounts: dict[str, Account], name: str) -> Account:
    if name not in accounts:
        raise AccountError(f"Không có tài khoản “{name}”.")
    return accounts[name]


def sign_in(
    name: str, password: str, home: Path | None = None, now: dt.datetime | None = None, source: str = ""
) -> SignIn:
    """Check a name and password, slowing repeated failures from one source for one name.

    Every attempt costs one Argon2 verification and gets the same answers whether the name
    exists or not, throttled or not, so names cannot be probed by message or by time.

    Args:
        name: the typed name.
        password: the typed password.
        home: the state directory (default: ``config.state_dir()``).
        now: the time of the attempt (tests inject it).
        source: where the attempt comes from (the visitor's address); "" when unknown.
    """
    now = now or dt.datetime.now()
    folded = name.strip().casefold()  # account names are lower case; "Lan.Nguyen " is lan.nguyen
    keys = _throttle_keys(folded, source)
    with _throttle(home, keys, now) as failures:
        wait = _wait_seconds(failures, keys, now)
        account = None if wait else get(folded, home)
        matches = _verify(account.password_hash if account else _DUMMY_HASH, password)
        if wait:
            return SignIn(None, throttled_message(wait))
        if account is None or not matches:
            _count_failure(failures, keys, now)
            wait = _wait_seconds(failures, keys, now)
            return SignIn(None, throttled_message(wait) if wait else REFUSED)
        if account.disabled:
            return SignIn(None, DISABLED)
        failures.pop(keys[0], None)  # this source's counter; the name's, across sources, stays
    return SignIn(_rehashed(account, password, home), "Đăng nhập thành công.")


def throttled_message(wait: float) -> str:
    """The answer while a source must wait, the same for any name."""
    return f"Đăng nhập sai nhiều lần; hãy thử lại sau {math.ceil(wait)} giây."


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _rehashed(account: Account, password: str, home: Path | None) -> Account:
    """The account, its hash upgraded first if Argon2's parameters have grown since it was made."""
    if not _HASHER.check_needs_rehash(account.password_hash):
        return account
    with _locked(home) as accounts:
        fresh = _existing(accounts, account.name)
        fresh.password_hash = _HASHER.hash(password)
    return fresh


def _throttle_keys(name: str, source: str) -> tuple[str, str]:
    """Keys for (source, name) and for the name from every source: SHA-256, never the typed text."""
    return _digest("source", source, name), _digest("name", name)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _wait_seconds(failures: dict[str, _Failures], keys: tuple[str, str], now: dt.datetime) -> float:
    """Seconds before the next attempt under ``keys`` is heard: the longer of the two waits."""
    limit = config.max_failed_sign_ins()
    per_source = _wait(failures.get(keys[0]), limit, now)
    return max(per_source, _wait(failures.get(keys[1]), limit * NAME_CEILING_FACTOR, now))


def _wait(record: _Failures | None, limit: int, now: dt.datetime) -> float:
    """None below ``limit`` failures; then 2^failures seconds after the last one, at most the lock-out."""
    if record is None or record.count < limit:
        return 0.0
    delay = min(2.0 ** min(record.count, 62), config.lockout_minutes() * 60)
    return max(0.0, (record.last - now).total_seconds() + delay)


def _count_failure(failures: dict[str, _Failures], keys: tuple[str, str], now: dt.datetime) -> None:
    for key in keys:
        record = failures.setdefault(key, _Failures(0, now))
        record.count, record.last = record.count + 1, now


@contextlib.contextmanager
def _throttle(home: Path | None, keys: tuple[str, str], now: dt.datetime) -> Iterator[dict[str, _Failures]]:
    """The failure counters under ``keys``, read and (on exit) written back in one transaction of the record.

    The transaction holds the keys' lock for the whole attempt (on SQLite, the write lock; on
    PostgreSQL, an advisory lock per key), so parallel guesses cannot slip past the count. It does
    not move the record's version: no figure or log changes. Counters a day old are forgotten.
    """
    table = schema.signin_failures
    transactions.adopt_old_files(_home(home))  # before the lock below: adopting writes to the record
    with contextlib.closing(engine.connect_write(_home(home))) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            for key in sorted(keys):
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(key[:15], 16)})
        connection.execute(table.delete().where(table.c.last <= now - FORGET_FAILURES_AFTER))
        rows = connection.execute(sa.select(table).where(table.c.key.in_(keys))).all()
        before = {row.key: _Failures(int(row._mapping["count"]), row.last) for row in rows}
        failures = {key: _Failures(f.count, f.last) for key, f in before.items()}
        yield failures
        for key in keys:
            now_held, was = failures.get(key), before.get(key)
            if now_held == was:
                continue
            connection.execute(table.delete().where(table.c.key == key))
            if now_held is not None:
                connection.execute(table.insert().values(key=key, count=now_held.count, last=now_held.last))

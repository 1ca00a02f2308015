"""Accounts and sign-in: who may change data, with passwords hashed by Argon2 and throttled guessing.

Accounts live in ``accounts.json`` in the state directory (never in the repository), one
record per user: role, the units an editor may upload for, an Argon2id hash (argon2-cffi),
and a session epoch that changing the password or disabling the account moves on, which
ends the sessions signed in before. A fresh install has no account and no default password:
`python -m danvan_metrics user add NAME --role admin` creates the first.

Failed sign-ins are counted in ``signin_throttle.json`` per source (the visitor's address) and
typed name, and per name from all sources, for names that exist and names that do not alike,
under SHA-256 keys (never the typed text). Both files are rewritten atomically under an
exclusive lock, so the app and the command line can both change them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from danvan_metrics.core import config

ACCOUNTS_FILE = "accounts.json"
THROTTLE_FILE = "signin_throttle.json"
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
_LEGACY_FIELDS = ("failed", "locked_until")  # the per-account lock-out of earlier versions, no longer used


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {Role.VIEWER: "người xem", Role.EDITOR: "biên tập viên", Role.ADMIN: "quản trị"}


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


def accounts_path(home: Path | None = None) -> Path:
    return (home or config.state_dir()) / ACCOUNTS_FILE


def throttle_path(home: Path | None = None) -> Path:
    return (home or config.state_dir()) / THROTTLE_FILE


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s sibling lock file (``.NAME.lock``) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{path.stem}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by the service's user only (0600)."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


@contextlib.contextmanager
def _locked(home: Path | None) -> Iterator[dict[str, Account]]:
    """The accounts, read and (on exit) written back under an exclusive file lock."""
    path = accounts_path(home)
    with _exclusive(path):
        accounts = _read(path)
        before = json.dumps({n: asdict(a) for n, a in accounts.items()}, sort_keys=True)
        yield accounts
        after = json.dumps({n: asdict(a) for n, a in accounts.items()}, sort_keys=True, indent=1, ensure_ascii=False)
        if after != before and json.loads(after) != json.loads(before):
            _write_private(path, after)


def _read(path: Path) -> dict[str, Account]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: _account(record) for name, record in raw.items()}


def _account(record: dict[str, Any]) -> Account:
    """One account record; fields of the old per-account lock-out are read and dropped."""
    return Account(**{key: value for key, value in record.items() if key not in _LEGACY_FIELDS})


def list_accounts(home: Path | None = None) -> list[Account]:
    """Every account, by name."""
    return sorted(_read(accounts_path(home)).values(), key=lambda a: a.name)


def has_accounts(home: Path | None = None) -> bool:
    return bool(_read(accounts_path(home)))


def get(name: str, home: Path | None = None) -> Account | None:
    return _read(accounts_path(home)).get(name)


def check_password_strength(password: str) -> None:
    """Raises AccountError for a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def by_email(email: str, home: Path | None = None) -> Account | None:
    """The account an identity provider's verified e-mail maps to (case-insensitive), if any."""
    wanted = email.strip().casefold()
    return next((a for a in _read(accounts_path(home)).values() if a.email and a.email.casefold() == wanted), None)


def add(
    name: str,
    password: str,
    role: str,
    units: Sequence[str] = (),
    home: Path | None = None,
    email: str | None = None,
) -> Account:
    """Create an account.

    Raises:
        AccountError: bad name, role or password, or the name is taken.
    """
    if not NAME_PATTERN.match(name):
        raise AccountError("Tên đăng nhập gồm 2–40 ký tự a–z, 0–9, dấu chấm, gạch dưới hoặc gạch ngang.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"Vai trò phải là một trong: {', '.join(r.value for r in Role)}.")
    check_password_strength(password)
    with _locked(home) as accounts:
        if name in accounts:
            raise AccountError(f"Tài khoản “{name}” đã có.")
        account = Account(
            name=name,
            role=role,
            password_hash=_HASHER.hash(password),
            units=list(units),
            created_at=dt.datetime.now().isoformat(timespec="seconds"),
            email=email or None,
        )
        accounts[name] = account
    return account


def set_password(name: str, password: str, home: Path | None = None) -> None:
    """Change a password; sessions signed in with the old one end at their next run."""
    check_password_strength(password)
    with _locked(home) as accounts:
        account = _existing(accounts, name)
        account.password_hash = _HASHER.hash(password)
        account.session_epoch += 1


def set_disabled(name: str, disabled: bool = True, home: Path | None = None) -> None:
    """Disable (or enable) an account; either way the sessions signed in before end."""
    with _locked(home) as accounts:
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
    with _throttle(home, now) as failures:
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
def _throttle(home: Path | None, now: dt.datetime) -> Iterator[dict[str, _Failures]]:
    """The failure counters, read and (on exit) written back under an exclusive file lock.

    The lock is held for the whole attempt, so parallel guesses cannot slip past the count.
    Counters whose last failure is over a day old are forgotten.
    """
    path = throttle_path(home)
    with _exclusive(path):
        raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        failures = {
            key: _Failures(int(item["count"]), last)
            for key, item in raw.items()
            if (last := dt.datetime.fromisoformat(item["last"])) > now - FORGET_FAILURES_AFTER
        }
        yield failures
        after = {key: {"count": f.count, "last": f.last.isoformat()} for key, f in failures.items()}
        if after != raw:
            _write_private(path, json.dumps(after, sort_keys=True, indent=1))

"""Accounts and sign-in: who may change data, with passwords hashed by Argon2 and lock-out on guessing.

Accounts live in ``accounts.json`` in the state directory (never in the repository), one
record per user: role, the units an editor may upload for, an Argon2id hash (argon2-cffi),
and the failed-attempt counter behind the lock-out. A fresh install has no account and no
default password: `python -m danvan_metrics user add NAME --role admin` creates the first.
The file is rewritten atomically under an exclusive lock, so the app and the command line
can both change it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from danvan_metrics import config

ACCOUNTS_FILE = "accounts.json"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
# Verifying against this keeps the time of a sign-in with an unknown name like that of a known one.
_DUMMY_HASH = _HASHER.hash("danvan-timing-equaliser")


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
    failed: int = 0
    locked_until: str | None = None
    created_at: str = ""
    email: str | None = None  # for sign-in through the organisation's identity provider (OIDC)

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


def accounts_path(home: Path | None = None) -> Path:
    return (home or config.state_dir()) / ACCOUNTS_FILE


@contextlib.contextmanager
def _locked(home: Path | None) -> Iterator[dict[str, Account]]:
    """The accounts, read and (on exit) written back under an exclusive file lock."""
    path = accounts_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / ".accounts.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        accounts = _read(path)
        before = json.dumps({n: asdict(a) for n, a in accounts.items()}, sort_keys=True)
        yield accounts
        after = json.dumps({n: asdict(a) for n, a in accounts.items()}, sort_keys=True, indent=1, ensure_ascii=False)
        if after != before and json.loads(after) != json.loads(before):
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(after)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(path)


def _read(path: Path) -> dict[str, Account]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: Account(**record) for name, record in raw.items()}


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
    check_password_strength(password)
    with _locked(home) as accounts:
        account = _existing(accounts, name)
        account.password_hash = _HASHER.hash(password)
        account.failed, account.locked_until = 0, None


def set_disabled(name: str, disabled: bool = True, home: Path | None = None) -> None:
    with _locked(home) as accounts:
        _existing(accounts, name).disabled = disabled


def _existing(accounts: dict[str, Account], name: str) -> Account:
    if name not in accounts:
        raise AccountError(f"Không có tài khoản “{name}”.")
    return accounts[name]


def sign_in(name: str, password: str, home: Path | None = None, now: dt.datetime | None = None) -> SignIn:
    """Check a name and password, counting failures and locking the account after too many.

    The same message answers an unknown name and a wrong password, so names cannot be probed.
    """
    now = now or dt.datetime.now()
    refused = "Tên đăng nhập hoặc mật khẩu không đúng."
    with _locked(home) as accounts:
        account = accounts.get(name.strip())
        if account is None:
            with contextlib.suppress(VerificationError, InvalidHashError):
                _HASHER.verify(_DUMMY_HASH, password)
            return SignIn(None, refused)
        if account.locked_until and dt.datetime.fromisoformat(account.locked_until) > now:
            until = dt.datetime.fromisoformat(account.locked_until)
            return SignIn(None, f"Tài khoản tạm khóa do nhập sai nhiều lần; thử lại sau {until:%H:%M}.")
        try:
            _HASHER.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            account.failed += 1
            if account.failed >= config.max_failed_sign_ins():
                account.locked_until = (now + dt.timedelta(minutes=config.lockout_minutes())).isoformat()
                account.failed = 0
                return SignIn(None, f"Nhập sai quá nhiều lần: tài khoản bị khóa {config.lockout_minutes():g} phút.")
            return SignIn(None, refused)
        if account.disabled:
            return SignIn(None, "Tài khoản đã bị vô hiệu hóa; liên hệ quản trị viên.")
        account.failed, account.locked_until = 0, None
        if _HASHER.check_needs_rehash(account.password_hash):
            account.password_hash = _HASHER.hash(password)
        return SignIn(account, "Đăng nhập thành công.")

"""Accounts: hashed passwords, no defaults, throttled guessing that reveals no name, unit limits for editors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from danvan_metrics.auth import accounts
from danvan_metrics.record import schema, transactions

PASSWORD = "mat-khau-thu-nghiem-1"


def test_a_fresh_install_has_no_account_and_no_default_password(tmp_path: Path) -> None:
    assert not accounts.has_accounts(tmp_path)
    assert not accounts.sign_in("admin", "admin", tmp_path).ok


def _record_bytes(home: Path) -> bytes:
    """The SQLite record and its write-ahead log, as an attacker copying the files would read them."""
    path = accounts.record_path(home)
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.is_file())


def test_the_record_holds_no_plain_text_password(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", ["pre-d001"], home=tmp_path)
    text = _record_bytes(tmp_path)
    assert PASSWORD.encode() not in text
    assert b"$argon2id$" in text
    assert accounts.record_path(tmp_path).stat().st_mode & 0o077 == 0  # readable by the service only


def test_wrong_password_is_refused_without_revealing_whether_the_name_exists(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    wrong = accounts.sign_in("lan.nguyen", "sai-mat-khau-123", tmp_path)
    unknown = accounts.sign_in("khong.co", "sai-mat-khau-123", tmp_path)
    assert not wrong.ok and not unknown.ok
    assert wrong.message == unknown.message == "Tên đăng nhập hoặc mật khẩu không đúng." == accounts.REFUSED
    assert accounts.sign_in("lan.nguyen", PASSWORD, tmp_path).ok


T0 = dt.datetime(2026, 11, 26, 9, 0)


def _attempts(name: str, home: Path, count: int = 8, source: str = "10.0.0.9") -> list[str]:
    """The answers to ``count`` wrong passwords for ``name``, one second apart."""
    return [
        accounts.sign_in(name, "sai-mat-khau-123", home, T0 + dt.timedelta(seconds=i), source).message
        for i in range(count)
    ]


def test_an_unknown_name_and_an_existing_one_get_the_same_answers_to_wrong_passwords(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    existing, unknown = _attempts("lan.nguyen", tmp_path), _attempts("khong.co", tmp_path)
    assert existing == unknown
    wait = [f"Đăng nhập sai nhiều lần; hãy thử lại sau {s} giây." for s in (32, 31, 30, 29)]
    assert existing == [accounts.REFUSED] * 4 + wait  # 5 failures (the default): 2^5 s from the last


def test_an_unknown_name_costs_as_many_argon2_verifications_as_an_existing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real_verify(self, password_hash, password)

    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    monkeypatch.setattr(PasswordHasher, "verify", counting)
    _attempts("lan.nguyen", tmp_path)
    existing = len(calls)
    _attempts("khong.co", tmp_path)
    assert existing == len(calls) - existing == 8  # one each, throttled or not


def test_a_strangers_failures_do_not_keep_the_owner_out(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    for _ in range(20):
        assert not accounts.sign_in("lan.nguyen", "doan-mo-123", tmp_path, T0, source="10.0.0.9").ok
    assert not accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, T0, source="10.0.0.9").ok  # the stranger waits
    assert accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, T0, source="10.0.0.5").ok


def test_the_wait_grows_with_each_failure_and_a_success_clears_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_MAX_FAILED_SIGNINS", "3")
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)

    def attempt(seconds: float, password: str = "sai-mat-khau-123", source: str = "10.0.0.5") -> str:
        return accounts.sign_in("Lan.Nguyen ", password, tmp_path, T0 + dt.timedelta(seconds=seconds), source).message

    assert [attempt(0), attempt(0)] == [accounts.REFUSED] * 2
    assert attempt(0) == "Đăng nhập sai nhiều lần; hãy thử lại sau 8 giây."  # 3 failures: 2^3 s
    assert attempt(7.5, PASSWORD) == "Đăng nhập sai nhiều lần; hãy thử lại sau 1 giây."  # even the right one waits
    assert attempt(8) == "Đăng nhập sai nhiều lần; hãy thử lại sau 16 giây."  # 4 failures: 2^4 s
    assert attempt(23) == "Đăng nhập sai nhiều lần; hãy thử lại sau 1 giây."
    assert attempt(24, PASSWORD) == "Đăng nhập thành công."
    assert attempt(24) == accounts.REFUSED  # this source starts afresh


def test_the_wait_is_capped_and_many_sources_together_slow_a_name_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_MAX_FAILED_SIGNINS", "2")
    monkeypatch.setenv("DANVAN_LOCKOUT_MINUTES", "1")
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    minutes = [accounts.sign_in("lan.nguyen", "sai", tmp_path, T0 + dt.timedelta(minutes=i)).message for i in range(8)]
    assert minutes[-1] == "Đăng nhập sai nhiều lần; hãy thử lại sau 60 giây."  # 2^8 s, capped at 1 minute
    later = T0 + dt.timedelta(hours=1)
    for i in range(20):  # 2 failures each from 10 more sources: the name's ceiling (10 × 2) is reached
        accounts.sign_in("lan.nguyen", "sai", tmp_path, later, source=f"10.1.0.{i // 2}")
    refused = accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, later, source="10.0.0.5")
    assert refused.message == "Đăng nhập sai nhiều lần; hãy thử lại sau 60 giây."
    assert accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, later + dt.timedelta(minutes=1), "10.0.0.5").ok


def _throttle_keys(home: Path) -> list[str]:
    with transactions.read(home) as record:
        return list(record.execute(sa.select(schema.signin_failures.c.key)).scalars())


def test_the_throttle_keeps_no_typed_name_and_forgets_after_a_day(tmp_path: Path) -> None:
    accounts.sign_in("mat-khau-go-nham-o-o-ten", "sai", tmp_path, T0, source="10.0.0.9")
    text = _record_bytes(tmp_path)
    assert b"mat-khau-go-nham" not in text and b"10.0.0.9" not in text
    assert accounts.record_path(tmp_path).stat().st_mode & 0o077 == 0
    keys = _throttle_keys(tmp_path)
    assert len(keys) == 2 and all(len(key) == 64 for key in keys)
    accounts.sign_in("lan.nguyen", "sai", tmp_path, T0 + dt.timedelta(days=1, seconds=1))
    assert len(set(_throttle_keys(tmp_path)) - set(keys)) == 2 == len(_throttle_keys(tmp_path))  # first two gone


def test_a_password_change_and_disabling_move_the_session_epoch_on(tmp_path: Path) -> None:
    assert accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path).session_epoch == 0
    accounts.set_password("lan.nguyen", "mat-khau-moi-12345", home=tmp_path)
    accounts.set_disabled("lan.nguyen", home=tmp_path)
    accounts.set_disabled("lan.nguyen", False, home=tmp_path)
    assert accounts.get("lan.nguyen", tmp_path).session_epoch == 3


def test_an_accounts_file_from_the_lock_out_version_still_reads(tmp_path: Path) -> None:
    record = {"name": "cu", "role": "editor", "password_hash": accounts._HASHER.hash(PASSWORD), "units": []}
    old = {"cu": {**record, "disabled": False, "failed": 4, "locked_until": "2999-01-01T00:00:00", "created_at": ""}}
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "accounts.json").write_text(json.dumps(old), encoding="utf-8")
    assert accounts.sign_in("cu", PASSWORD, tmp_path).ok  # adopted into the record; the old lock no longer applies
    (account,) = accounts.list_accounts(tmp_path)
    assert (account.session_epoch, account.locked_until) == (0, None)


def test_disabled_accounts_cannot_sign_in_and_weak_passwords_are_refused(tmp_path: Path) -> None:
    accounts.add("cu", PASSWORD, "editor", home=tmp_path)
    accounts.set_disabled("cu", home=tmp_path)
    assert "vô hiệu hóa" in accounts.sign_in("cu", PASSWORD, tmp_path).message
    with pytest.raises(accounts.AccountError, match="ít nhất 10 ký tự"):
        accounts.add("moi", "ngan", "editor", home=tmp_path)
    with pytest.raises(accounts.AccountError, match="đã có"):
        accounts.add("cu", PASSWORD, "editor", home=tmp_path)


def test_an_editor_limited_to_units_may_upload_only_for_them(tmp_path: Path) -> None:
    editor = accounts.add("phuong", PASSWORD, "editor", ["post-c00004"], home=tmp_path)
    admin = accounts.add("quantri", PASSWORD, "admin", home=tmp_path)
    viewer = accounts.add("xem", PASSWORD, "viewer", home=tmp_path)
    assert editor.may_upload_for("post-c00004") and not editor.may_upload_for("pre-d001")
    assert admin.may_upload_for("pre-d001")
    assert not viewer.may_upload_for("post-c00004")

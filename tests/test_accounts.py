"""Accounts: hashed passwords, no defaults, lock-out after repeated failures, unit limits for editors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from danvan_metrics import accounts

PASSWORD = "mat-khau-thu-nghiem-1"


def test_a_fresh_install_has_no_account_and_no_default_password(tmp_path: Path) -> None:
    assert not accounts.has_accounts(tmp_path)
    assert not accounts.sign_in("admin", "admin", tmp_path).ok


def test_the_accounts_file_holds_no_plain_text_password(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", ["pre-d001"], home=tmp_path)
    text = accounts.accounts_path(tmp_path).read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "$argon2id$" in text
    assert accounts.accounts_path(tmp_path).stat().st_mode & 0o077 == 0  # readable by the service only


def test_wrong_password_is_refused_without_revealing_whether_the_name_exists(tmp_path: Path) -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    wrong = accounts.sign_in("lan.nguyen", "sai-mat-khau-123", tmp_path)
    unknown = accounts.sign_in("khong.co", "sai-mat-khau-123", tmp_path)
    assert not wrong.ok and not unknown.ok
    assert wrong.message == unknown.message == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert accounts.sign_in("lan.nguyen", PASSWORD, tmp_path).ok


def test_repeated_failures_lock_the_account_for_a_while(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_MAX_FAILED_SIGNINS", "3")
    monkeypatch.setenv("DANVAN_LOCKOUT_MINUTES", "15")
    accounts.add("lan.nguyen", PASSWORD, "editor", home=tmp_path)
    now = dt.datetime(2026, 11, 26, 9, 0)
    results = [accounts.sign_in("lan.nguyen", "sai", tmp_path, now) for _ in range(3)]
    assert "bị khóa 15 phút" in results[-1].message
    locked = accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, now + dt.timedelta(minutes=5))
    assert not locked.ok and "09:15" in locked.message  # even the right password waits
    assert accounts.sign_in("lan.nguyen", PASSWORD, tmp_path, now + dt.timedelta(minutes=16)).ok


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

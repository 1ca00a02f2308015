"""The write service checks who is writing, at the moment of writing, whoever calls it.

Each refusal is asserted with the store unchanged: no upload logged, no figure, no audit entry.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from danvan_metrics.auth import accounts
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL

HEADER = "ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"
ROW = "pre-d001,2024,1,citizen_receptions,120\n"  # Quận Ba Đình


def _preview(store: Store, rows: str = ROW, name: str = "q1.csv") -> tuple[uploads.Preview, bytes]:
    data = (HEADER + rows).encode()
    preview = uploads.prepare(store, data, name, resolver_for(store))
    assert preview.ok, preview.errors
    return preview, data


def _state(store: Store) -> tuple[int, int, int]:
    return len(queries.upload_log(store)), len(queries.dump(store)), len(queries.audit_log(store))


@pytest.mark.parametrize(
    ("who", "role", "units", "disabled"),
    [
        ("xem", "viewer", (), False),  # a viewer looks only
        ("cu", "editor", (), True),  # disabled after signing in
        ("phuong", "editor", ("pre-d009",), False),  # an editor for another unit
        ("khong.co", None, (), False),  # no such account (deleted, or a forged session)
    ],
)
def test_no_one_but_an_active_editor_for_the_units_can_commit(
    real_store: Store, who: str, role: str | None, units: tuple[str, ...], disabled: bool
) -> None:
    if role is not None:
        accounts.add(who, TEST_PASSWORD, role, units, real_store.home)
    if disabled:
        accounts.set_disabled(who, True, real_store.home)
    preview, data = _preview(real_store)
    before = _state(real_store)
    with pytest.raises(writes.WriteRefused) as refused:
        writes.commit_upload(real_store, who, preview, data, channel="kiểm thử")
    assert refused.value.message
    assert _state(real_store) == before
    assert not (real_store.home / "uploads").exists()  # refused before the file is archived


def test_an_editor_for_the_unit_commits_and_the_audit_entry_names_them(real_store: Store) -> None:
    accounts.add("lan", TEST_PASSWORD, "editor", ("pre-d001",), real_store.home)
    preview, data = _preview(real_store)
    upload_id = writes.commit_upload(real_store, "lan", preview, data, channel="trang web")
    log = queries.audit_log(real_store)
    assert log.iloc[0]["actor"] == "lan" and upload_id in log.iloc[0]["detail"]
    assert "(trang web)" in log.iloc[0]["detail"]


def test_rights_are_read_when_writing_not_when_the_preview_was_made(real_store: Store) -> None:
    accounts.add("lan", TEST_PASSWORD, "editor", home=real_store.home)
    preview, data = _preview(real_store)
    assert writes.refusals(real_store, "lan", preview) == []  # allowed when the page showed the button
    accounts.set_disabled("lan", True, real_store.home)  # then an admin disables the account
    with pytest.raises(writes.WriteRefused):
        writes.commit_upload(real_store, "lan", preview, data, channel="trang web")
    assert queries.upload_log(real_store).empty


def test_only_the_uploader_or_an_admin_can_retract(real_store: Store) -> None:
    for name, role in (("lan", "editor"), ("minh", "editor"), ("xem", "viewer"), ("quantri", "admin")):
        accounts.add(name, TEST_PASSWORD, role, home=real_store.home)
    preview, data = _preview(real_store)
    upload_id = writes.commit_upload(real_store, "lan", preview, data, channel="kiểm thử")
    before = _state(real_store)
    for who in ("minh", "xem", "khong.co", writes.Operator("root")):
        with pytest.raises(writes.WriteRefused, match="chính mình"):
            writes.retract_upload(real_store, who, upload_id, channel="kiểm thử")
    assert _state(real_store) == before
    assert writes.retract_upload(real_store, "quantri", upload_id, channel="kiểm thử") == 1
    assert queries.upload_log(real_store).iloc[0]["status"] == "retracted"


def test_the_console_cannot_write_real_figures_without_an_editor(real_store: Store) -> None:
    preview, data = _preview(real_store)
    with pytest.raises(writes.WriteRefused, match="--by"):
        writes.commit_upload(real_store, writes.Operator("root"), preview, data, channel="dòng lệnh")
    assert queries.upload_log(real_store).empty


def test_accounts_are_changed_by_the_console_or_an_admin_only(real_store: Store) -> None:
    operator = writes.Operator("root")
    writes.add_account(real_store, operator, "quantri", TEST_PASSWORD, "admin")
    writes.add_account(real_store, "quantri", "lan", TEST_PASSWORD, "editor")
    for change in (
        lambda: writes.add_account(real_store, "lan", "minh", TEST_PASSWORD, "admin"),
        lambda: writes.set_disabled(real_store, "lan", "quantri"),
        lambda: writes.set_password(real_store, "lan", "quantri", "mat-khau-chiem-quyen-1"),
    ):
        with pytest.raises(writes.WriteRefused, match="quản trị"):
            change()
    assert accounts.get("minh", real_store.home) is None
    assert not accounts.get("quantri", real_store.home).disabled  # type: ignore[union-attr]
    writes.set_password(real_store, "lan", "lan", "mat-khau-moi-cua-lan-1")  # one's own password
    writes.set_disabled(real_store, operator, "lan")
    actors = queries.audit_log(real_store)["actor"].tolist()
    assert actors == ["cli:root", "lan", "quantri", "cli:root"]


def test_nothing_but_the_write_service_writes_to_the_record() -> None:
    """A new caller cannot skip the checks: record writes and table inserts/updates appear only there."""
    package = Path(__file__).resolve().parents[1] / "danvan_metrics"
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute):
                continue
            on_name = node.value.id if isinstance(node.value, ast.Name) else None
            on_table = isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name)
            if on_name == "transactions" and node.attr == "write":
                found.setdefault(str(path.relative_to(package)), set()).add("transactions.write")
            if on_table and node.value.value.id == "schema" and node.attr in {"insert", "update", "delete"}:  # type: ignore[attr-defined]
                found.setdefault(str(path.relative_to(package)), set()).add(node.attr)
    # record/: the record itself (migration, restore); store/connection: the synthetic flag, once;
    # services/review: the reviewer's decision, the write service's second module (same Actor, same refusals)
    allowed = {"services/writes.py", "services/review.py", "auth/accounts.py", "auth/audit.py", "store/connection.py"}
    assert {p for p in found if not p.startswith("record/")} <= allowed, found
    assert "transactions.write" in found["services/writes.py"]
    assert not hasattr(uploads, "commit") and not hasattr(uploads, "retract")

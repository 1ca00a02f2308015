"""The one write service: every change to data goes through a function here, whoever calls it.

Each function takes the acting person, looks their account up again at the moment of writing
(a role changed or an account disabled a second ago counts), checks role and unit limits, writes,
and records the audit entry — all in one transaction of the system of record (`record`), after
which this process's read store copies the change at once (other processes within
``DANVAN_REFRESH_MS``). Pages and the command line call these and hold no permission logic of their own.

Who may do what:
- commit an upload: an active editor or admin, every row within the account's units;
- retract an upload: an admin, or the editor who made it (still active, still an editor);
- add accounts, set passwords, (dis)able accounts: the `Operator` at the server's console, or an
  active admin; anyone may set their own password;
- define (or redefine) a reporting regime: the `Operator` or an active admin;
- approve or return an upload under a regime: see `review` (a reviewer within their units, or an admin).
The `Operator` (someone with a shell on the server, who can read the state directory anyway) may
also load uploads into a synthetic store, for the demo and the benchmark; never into real data.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from danvan_metrics.auth import accounts
from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.auth.audit import Action
from danvan_metrics.ingest.issues import Issue
from danvan_metrics.record import schema, transactions
from danvan_metrics.reporting import book
from danvan_metrics.reporting.regimes import Regime
from danvan_metrics.services.uploads import (
    Preview,
    UploadError,
    archive,
    choices_text,
    new_upload_id,
    sha256_of,
)
from danvan_metrics.store.connection import Store

CHANNEL_WEB = "trang web"
CHANNEL_CLI = "dòng lệnh"
WRITER_ROLES = (Role.EDITOR, Role.ADMIN)
NOT_YOURS = "Bạn chỉ được rút lại lần tải lên của chính mình (quản trị viên rút lại được mọi lần tải lên)."


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone at the server's console (the command line), named by their system login."""

    login: str
    prefix: str = "cli:"  # the audit trail reads "cli:root"; the demo loader is named as it is

    @property
    def name(self) -> str:
        return f"{self.prefix}{self.login}"


Actor = str | Operator  # a str is an account name, looked up when the write happens


class WriteRefused(Exception):
    """The acting person may not make this change; ``message`` (Vietnamese) says why, ``issues`` by row."""

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues: list[Issue] = list(issues)


def _fault(point: str) -> None:
    """Fault injection for the crash tests: die here, as a power cut would, when asked to."""
    if os.environ.get("DANVAN_FAULT_POINT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _account(store: Store, name: str) -> Account | None:
    """The account as it is now (not as a session remembers it): active, or None."""
    account = accounts.get(name, store.home)
    return None if account is None or account.disabled else account


def _writer(store: Store, actor: Actor) -> Account | None:
    """The active editor or admin ``actor`` names; None for the console on a synthetic store.

    Raises:
        WriteRefused: anyone else.
    """
    if isinstance(actor, Operator):
        if store.synthetic:
            return None
        raise WriteRefused("Cần một tài khoản biên tập viên hoặc quản trị đang hoạt động (--by TÊN).")
    account = _account(store, actor)
    if account is None or account.role not in WRITER_ROLES:
        raise WriteRefused("Bạn không còn quyền ghi số liệu; hãy đăng nhập lại bằng tài khoản biên tập viên.")
    return account


def refusals(store: Store, actor: Actor, preview: Preview) -> list[Issue]:
    """Why ``actor`` may not commit ``preview``, by row (units outside the account's list); empty if allowed.

    Shown in the preview before anyone presses "Ghi"; `commit_upload` checks the same again.
    """
    try:
        account = _writer(store, actor)
    except WriteRefused as refused:
        return [Issue(None, None, refused.message)]
    if account is None:
        return []
    column = preview.table.columns.get("ma_don_vi") if preview.table else None
    return [
        Issue(row.row, column, f"tài khoản {account.name} không được tải lên số liệu của {row.unit_name}")
        for row in preview.validation.rows
        if not account.may_upload_for(row.unit_id)
    ]


def commit_upload(store: Store, actor: Actor, preview: Preview, data: bytes, *, channel: str) -> str:
    """Archive the file, then add its rows, log the upload and its audit entry, all in one transaction.

    Args:
        store: the store to write to.
        actor: the account name (or console operator) committing.
        preview: `uploads.prepare` of ``data``.
        data: the file's bytes, archived byte-for-byte before anything else.
        channel: where it came from, for the audit entry (`CHANNEL_WEB`, `CHANNEL_CLI`).

    Returns:
        The new upload's id.

    Raises:
        WriteRefused: the actor may not write, or not for every unit in the file.
        UploadError: the preview has errors, repeats a committed file, or the data changed.
    """
    denied = refusals(store, actor, preview)
    if denied:
        raise WriteRefused(denied[0].message if denied[0].row is None else "Tệp có số liệu của đơn vị ngoài quyền.",
                           denied)  # fmt: skip
    by = actor.name if isinstance(actor, Operator) else actor
    if preview.duplicate_of is not None:
        prior = preview.duplicate_of
        raise UploadError(f"Tệp này đã được tải lên ngày {prior.uploaded_at:%d/%m/%Y %H:%M} (mã {prior.upload_id}).")
    if not preview.ok:
        raise UploadError("Tệp còn lỗi: chưa ghi số liệu nào.")
    if sha256_of(data) != preview.sha256:
        raise UploadError("Nội dung tệp đã thay đổi sau khi xem trước; hãy tải lên lại.")
    # Under a regime it waits for review (one defined since the preview counts too).
    regime = preview.regime or book.covering_regime(store, preview.validation.rows)
    path = archive(store, data, preview.file_name)
    _fault("after_archive")
    now = dt.datetime.now()  # microseconds order versions: the later commit is the current one
    upload_id = new_upload_id(now)
    rows = _rows(preview, upload_id)
    note = f"{len(preview.validation.rows)} dòng ({channel})"
    if preview.choices:
        note += " · " + choices_text(preview.choices)
    if regime:
        note += f" · chờ duyệt ({regime.name})"
    faults = {"before_commit": lambda: _fault("before_commit"), "after_commit": lambda: _fault("after_commit")}
    with transactions.write(store.home, transactions.KIND_COMMIT, upload_id, **faults) as record:
        uploads = schema.uploads
        taken = record.execute(
            sa.select(uploads.c.upload_id).where(uploads.c.sha256 == preview.sha256, uploads.c.status == "committed")
        ).first()
        if taken is not None:
            raise UploadError("Tệp này vừa được tải lên từ một phiên khác.")
        files = schema.upload_files
        if record.execute(sa.select(files.c.sha256).where(files.c.sha256 == preview.sha256)).first() is None:
            record.execute(files.insert().values(sha256=preview.sha256, size=len(data), content=data))
        record.execute(
            uploads.insert().values(
                upload_id=upload_id, sha256=preview.sha256, file_name=preview.file_name,
                archive_path=str(path.relative_to(store.home)), uploaded_by=by, uploaded_at=now,
                rows_added=preview.rows_added, rows_replaced=preview.rows_replaced, status="committed",
                choices=choices_text(preview.choices) or None,
                review="pending" if regime else None, regime_id=regime.regime_id if regime else None,
            )
        )  # fmt: skip
        if rows:
            record.execute(schema.upload_rows.insert(), rows)
        transactions.add_audit(record, now, by, str(Action.UPLOAD), f"{upload_id} · {preview.file_name} · {note}")
        _fault("after_rows")
    store.refresh()
    return upload_id


def _rows(preview: Preview, upload_id: str) -> list[dict[str, object]]:
    """The figures an upload adds, each citing its line of the file."""
    return [
        {
            "obs_id": f"{upload_id}#{row.row}",
            "upload_id": upload_id,
            "unit_id": row.unit_id,
            "metric_id": row.metric_id,
            "period_start": row.period_start,
            "period_end": row.period_end,
            "period_label": row.period_label,
            "value": row.value,
            "qualifier": "=",
            "numerator": row.numerator,
            "denominator": row.denominator,
            "value_text": row.value_text or None,
            "source_quote": f"Dòng {row.row} của tệp: {row.quote}",
            "note": row.note or None,
        }
        for row in preview.validation.rows
    ]


def may_retract(store: Store, actor: Actor, uploaded_by: str) -> bool:
    """Whether ``actor`` may retract an upload made by ``uploaded_by`` (for offering the choice)."""
    if isinstance(actor, Operator):
        return store.synthetic
    account = _account(store, actor)
    if account is None:
        return False
    return account.role == Role.ADMIN or (account.role == Role.EDITOR and uploaded_by == account.name)


def retract_upload(store: Store, actor: Actor, upload_id: str, *, channel: str) -> int:
    """Withdraw an upload: its figures stop being current and what they replaced comes back.

    Who made it is read inside the transaction, with the audit entry written there too.

    Returns:
        How many figures the upload had.

    Raises:
        WriteRefused: the actor is neither an admin nor the editor who made it.
        UploadError: no such upload, or it is already retracted.
    """
    by = actor.name if isinstance(actor, Operator) else actor
    uploads = schema.uploads
    with transactions.write(store.home, transactions.KIND_RETRACT, upload_id) as record:
        row = record.execute(
            sa.select(uploads.c.status, uploads.c.uploaded_by).where(uploads.c.upload_id == upload_id)
        ).first()
        if row is None:
            raise UploadError(f"Không có lần tải lên mã {upload_id}.")
        if not may_retract(store, actor, str(row.uploaded_by)):
            raise WriteRefused(NOT_YOURS)
        if row.status != "committed":
            raise UploadError(f"Lần tải lên {upload_id} đã được rút lại trước đó.")
        now = dt.datetime.now()
        record.execute(
            uploads.update().where(uploads.c.upload_id == upload_id)
            .values(status="retracted", retracted_by=by, retracted_at=now)
        )  # fmt: skip
        rows = schema.upload_rows
        figures = int(
            record.execute(
                sa.select(sa.func.count()).select_from(rows).where(rows.c.upload_id == upload_id)
            ).scalar_one()
        )
        transactions.add_audit(record, now, by, str(Action.RETRACT), f"{upload_id} · {figures} số liệu ({channel})")
    store.refresh()
    return figures


def _administrator(store: Store, actor: Actor, refusal: str = "Chỉ quản trị viên được thay đổi tài khoản.") -> str:
    """The name the audit trail records for an administrative change (accounts, regimes) by ``actor``.

    Raises:
        WriteRefused: ``actor`` is neither the console operator nor an active admin.
    """
    if isinstance(actor, Operator):
        return actor.name
    account = _account(store, actor)
    if account is None or account.role != Role.ADMIN:
        raise WriteRefused(refusal)
    return account.name


def add_account(
    store: Store,
    actor: Actor,
    name: str,
    password: str,
    role: str,
    units: Sequence[str] = (),
    email: str | None = None,
) -> Account:
    """Create an account (console operator or admin), with its audit entry.

    Raises:
        WriteRefused: ``actor`` may not administer accounts.
        accounts.AccountError: bad name, role or password, or the name is taken.
    """
    by = _administrator(store, actor)
    account = accounts.add(name, password, role, units, store.home, email, by=by)
    store.refresh()
    return account


def set_password(store: Store, actor: Actor, name: str, password: str) -> None:
    """Set a password (console operator, admin, or the account itself); its sessions end.

    Raises:
        WriteRefused: someone else's password, by someone not an admin.
        accounts.AccountError: no such account, or a weak password.
    """
    own = isinstance(actor, str) and actor == name and _account(store, actor) is not None
    by = name if own else _administrator(store, actor)
    accounts.set_password(name, password, store.home, by=by)
    store.refresh()


def set_disabled(store: Store, actor: Actor, name: str, disabled: bool = True) -> None:
    """Disable (or enable) an account (console operator or admin); its sessions end either way.

    Raises:
        WriteRefused: ``actor`` may not administer accounts.
        accounts.AccountError: no such account.
    """
    by = _administrator(store, actor)
    accounts.set_disabled(name, disabled, store.home, by=by)
    store.refresh()


def define_regime(store: Store, actor: Actor, regime: Regime) -> bool:
    """Keep ``regime`` in the record (replacing one of the same id), with its audit entry.

    Returns:
        True when it replaced an earlier definition.

    Raises:
        WriteRefused: ``actor`` is neither the console operator nor an active admin.
    """
    by = _administrator(store, actor, "Chỉ quản trị viên được định nghĩa chế độ báo cáo.")
    now = dt.datetime.now()
    table = schema.regimes
    with transactions.write(store.home, transactions.KIND_AUDIT) as record:
        known = record.execute(sa.select(table.c.regime_id).where(table.c.regime_id == regime.regime_id)).first()
        values = {"definition": regime.to_json(), "defined_by": by, "defined_at": now}
        if known is None:
            record.execute(table.insert().values(regime_id=regime.regime_id, **values))
        else:
            record.execute(table.update().where(table.c.regime_id == regime.regime_id).values(**values))
        what = "sửa" if known else "thêm"
        transactions.add_audit(record, now, by, str(Action.REGIME), f"{what} {regime.regime_id} · {regime.name}")
    store.refresh()
    return known is not None

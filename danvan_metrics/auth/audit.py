"""The audit trail: who signed in (or failed to), uploaded, retracted, reviewed or changed an account, and when."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

from danvan_metrics.record import transactions
from danvan_metrics.store.connection import Store


class Action(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    UPLOAD = "upload"
    RETRACT = "retract"
    ACCOUNT = "account"
    REGIME = "regime"
    APPROVE = "approve"
    RETURN = "return"


ACTION_LABELS: dict[str, str] = {
    Action.SIGN_IN: "Đăng nhập",
    Action.SIGN_IN_FAILED: "Đăng nhập thất bại",
    Action.SIGN_OUT: "Đăng xuất",
    Action.UPLOAD: "Tải lên",
    Action.RETRACT: "Rút lại",
    Action.ACCOUNT: "Tài khoản",
    Action.REGIME: "Chế độ báo cáo",
    Action.APPROVE: "Duyệt",
    Action.RETURN: "Trả lại",
}


def record(store: Store, actor: str, action: Action, detail: str = "", at: dt.datetime | None = None) -> None:
    """Append one event to the audit trail (in the record; this server's read store shows it at once)."""
    record_in(store.home, actor, action, detail, at)
    store.refresh()


def record_in(home: Path, actor: str, action: Action, detail: str = "", at: dt.datetime | None = None) -> None:
    """Append one event to ``home``'s record (read stores show it at their next refresh)."""
    with transactions.write(home, transactions.KIND_AUDIT) as connection:
        transactions.add_audit(connection, at or dt.datetime.now(), actor, str(action), detail)

"""The audit trail: who signed in (or failed to), uploaded, retracted or changed an account, and when."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from danvan_metrics.store import sql
from danvan_metrics.store.connection import Store


class Action(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    UPLOAD = "upload"
    RETRACT = "retract"
    ACCOUNT = "account"


ACTION_LABELS: dict[str, str] = {
    Action.SIGN_IN: "Đăng nhập",
    Action.SIGN_IN_FAILED: "Đăng nhập thất bại",
    Action.SIGN_OUT: "Đăng xuất",
    Action.UPLOAD: "Tải lên",
    Action.RETRACT: "Rút lại",
    Action.ACCOUNT: "Tài khoản",
}


def record(store: Store, actor: str, action: Action, detail: str = "", at: dt.datetime | None = None) -> None:
    """Append one event to the audit trail."""
    with store.connect() as conn:
        conn.execute(
            sql.load("audit_insert"),
            {"at": at or dt.datetime.now(), "actor": actor, "action": str(action), "detail": detail},
        )

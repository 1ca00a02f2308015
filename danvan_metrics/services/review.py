"""Review, part of the one write service (`writes`): uploads under a reporting regime wait for a
reviewer (người duyệt) before their figures count.

- `book.covering_regime` says, when an upload is committed, whether a regime covers it: any of its rows
  gives a metric of a regime for a unit that must report under it. Such an upload lands as
  "pending"; its figures are kept but not current, so an approved figure it corrects stays in force.
- `review_upload` approves it (its figures become current) or returns it with a comment (they
  never do; the editor sends a corrected file, which is reviewed in turn).

Who may review: an active reviewer whose units reach every unit of the upload (a unit counts when
it, its district or its province is in the reviewer's list; an empty list reaches every unit), or an
active admin; if the regime names reviewers, only they (and admins). Nobody reviews their own upload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa

from danvan_metrics.auth import accounts
from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.auth.audit import Action
from danvan_metrics.record import schema, transactions
from danvan_metrics.reporting import book
from danvan_metrics.reporting.regimes import Regime
from danvan_metrics.services.uploads import UploadError
from danvan_metrics.services.writes import Actor, Operator, WriteRefused
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


class Review(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


REVIEW_LABELS = {Review.PENDING: "chờ duyệt", Review.APPROVED: "đã duyệt", Review.RETURNED: "trả lại"}
MAX_COMMENT = 2000


def refusal(store: Store, actor: Actor, uploaded_by: str, regime_id: str | None, unit_ids: Sequence[str]) -> str | None:
    """Why ``actor`` may not review an upload by ``uploaded_by`` of ``unit_ids``; None if they may."""
    if isinstance(actor, Operator):
        return "Việc duyệt cần một người duyệt đăng nhập bằng tài khoản của mình, không làm từ máy chủ."
    regime = book.regime(store, regime_id) if regime_id else None
    return _why(accounts.get(actor, store.home), uploaded_by, regime, unit_ids, queries.unit_ancestors(store, unit_ids))


def _why(
    account: Account | None,
    uploaded_by: str,
    regime: Regime | None,
    unit_ids: Sequence[str],
    reach: Mapping[str, set[str]],
) -> str | None:
    if account is None or account.disabled or account.role not in (Role.REVIEWER, Role.ADMIN):
        return "Chỉ người duyệt (hoặc quản trị viên) đang hoạt động được duyệt số liệu."
    if account.name == uploaded_by:
        return "Không ai được tự duyệt tệp của chính mình; cần một người duyệt khác."
    if regime is not None and regime.reviewers and account.role != Role.ADMIN and account.name not in regime.reviewers:
        return f"Chế độ “{regime.name}” chỉ do {', '.join(regime.reviewers)} duyệt."
    outside = [u for u in unit_ids if not account.may_review_for(reach.get(u, {u}))]
    if outside:
        more = f" và {len(outside) - 5} đơn vị khác." if len(outside) > 5 else "."
        return f"Tài khoản {account.name} không được duyệt số liệu của {', '.join(outside[:5])}{more}"
    return None


def queue_for(store: Store, name: str) -> pd.DataFrame:
    """The uploads waiting that account ``name`` may review (`review_queries.review_uploads`), oldest first."""
    queue = queries.review_uploads(store)
    account = accounts.get(name, store.home)
    if queue.empty or account is None:
        return queue.iloc[0:0]
    reach = queries.unit_ancestors(store, sorted({str(u) for ids in queue["unit_ids"] for u in ids}))
    kept = {k.regime.regime_id: k.regime for k in book.regimes(store)}
    mine = [
        _why(account, str(r.uploaded_by), kept.get(str(r.regime_id)), [str(u) for u in r.unit_ids], reach) is None
        for r in queue.itertuples(index=False)
    ]
    return queue[mine].reset_index(drop=True)


def review_upload(
    store: Store, actor: Actor, upload_id: str, approve: bool, comment: str = "", *, channel: str
) -> None:
    """Approve an upload under review, or return it with ``comment``, with its audit entry, in one transaction.

    Raises:
        WriteRefused: ``actor`` may not review it (role, units, regime's reviewers, their own upload),
            or a return without a comment.
        UploadError: no such upload, or it is not waiting for review.
    """
    comment = comment.strip()
    if not approve and not comment:
        raise WriteRefused("Khi trả lại, hãy ghi rõ lý do để đơn vị biết cần sửa gì.")
    if len(comment) > MAX_COMMENT:
        raise WriteRefused(f"Nhận xét dài quá {MAX_COMMENT} ký tự.")
    uploads, rows = schema.uploads, schema.upload_rows
    with transactions.write(store.home, transactions.KIND_REVIEW, upload_id) as record:
        found = record.execute(
            sa.select(uploads.c.status, uploads.c.review, uploads.c.uploaded_by, uploads.c.regime_id,
                      uploads.c.file_name).where(uploads.c.upload_id == upload_id)
        ).first()  # fmt: skip
        if found is None:
            raise UploadError(f"Không có lần tải lên mã {upload_id}.")
        if found.status != "committed" or found.review != Review.PENDING:
            state = "đã rút lại" if found.status != "committed" else REVIEW_LABELS.get(found.review, "không cần duyệt")
            raise UploadError(f"Lần tải lên {upload_id} không chờ duyệt ({state}).")
        units = sorted(
            {str(u) for u in record.execute(sa.select(rows.c.unit_id).where(rows.c.upload_id == upload_id)).scalars()}
        )
        why = refusal(store, actor, str(found.uploaded_by), found.regime_id, units)
        if why:
            raise WriteRefused(why)
        assert isinstance(actor, str)
        now = dt.datetime.now()
        decision = Review.APPROVED if approve else Review.RETURNED
        record.execute(
            uploads.update().where(uploads.c.upload_id == upload_id)
            .values(review=str(decision), reviewed_by=actor, reviewed_at=now, review_comment=comment or None)
        )  # fmt: skip
        detail = f"{upload_id} · {found.file_name} ({channel})" + (f" · {comment}" if comment else "")
        transactions.add_audit(record, now, actor, str(Action.APPROVE if approve else Action.RETURN), detail)
    store.refresh()

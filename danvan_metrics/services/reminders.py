"""Deadline reminders: what each editor's units owe soon or already owe, in the app and by e-mail.

E-mail goes only through the organisation's own mail server, and only when ``DANVAN_SMTP_URL`` is
set (`core.config.smtp_url`); without it nothing is sent, and ``cycles remind`` says so. A
reminder goes to each active editor with an e-mail address whose units have a report missing,
partial or returned that is overdue or due within ``soon_days``, and to each active reviewer with
uploads waiting for their review.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from danvan_metrics.auth import accounts
from danvan_metrics.auth.accounts import Role
from danvan_metrics.core import config
from danvan_metrics.core.formats import format_datetime
from danvan_metrics.reporting import book
from danvan_metrics.reporting.status import label
from danvan_metrics.store.connection import Store

SOON_DAYS = book.SOON_DAYS


class ReminderError(Exception):
    """The mail server could not be reached or refused; ``message`` (Vietnamese) says what to check."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Reminder:
    """What one editor's units owe (overdue or due within the window), or what waits for one reviewer."""

    account: str
    email: str | None
    items: tuple[book.Due, ...]
    waiting: tuple[str, ...] = ()  # for a reviewer: "q3.xlsx (xa, 02/10/2026 09:15): Phường Ba Đình"

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.status.overdue)


def reminders(store: Store, today: dt.date | None = None, soon_days: int = SOON_DAYS) -> list[Reminder]:
    """One reminder per active editor whose units owe a report overdue or due within ``soon_days``,
    and per active reviewer with uploads waiting for their review."""
    from danvan_metrics.services import review  # after writes: review builds on it

    day = today or book.now_in_vietnam().date()
    found: list[Reminder] = []
    for account in accounts.list_accounts(store.home):
        if not account.disabled and account.role == Role.REVIEWER:
            queue = review.queue_for(store, account.name)
            waiting = tuple(f"{r.file_name} ({r.uploaded_by}, {format_datetime(r.uploaded_at)}): {r.unit_names}"
                            for r in queue.itertuples(index=False))  # fmt: skip
            if waiting:
                found.append(Reminder(account.name, account.email, (), waiting))
            continue
        if account.disabled or account.role != Role.EDITOR or not account.units:
            continue  # admins and unrestricted editors follow the status page
        owed = book.owed_soon(book.due_for(store, set(account.units), day), day, soon_days)
        if owed:
            found.append(Reminder(account.name, account.email, tuple(owed)))
    return found


def compose(reminder: Reminder, sender: str) -> EmailMessage:
    """The reminder as a Vietnamese e-mail: every report owed, its deadline and what is missing."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = reminder.email or ""
    if reminder.waiting:
        message["Subject"] = f"[danvan] {len(reminder.waiting)} tệp số liệu chờ bạn duyệt"
        lines = [f"Kính gửi {reminder.account},", "", "Các tệp sau đang chờ bạn duyệt:", ""]
        lines += [f"- {text}" for text in reminder.waiting]
        lines += ["", "Mở trang “Duyệt số liệu” để xem, so sánh và duyệt hoặc trả lại.", "",
                  "Thư gửi tự động từ danvan."]  # fmt: skip
        message.set_content("\n".join(lines))
        return message
    overdue = f", {reminder.overdue} đã quá hạn" if reminder.overdue else ""
    message["Subject"] = f"[danvan] Nhắc hạn nộp báo cáo: {len(reminder.items)} báo cáo cần nộp{overdue}"
    lines = [f"Kính gửi {reminder.account},", "", "Các báo cáo sau của đơn vị được giao còn chưa nộp đủ:", ""]
    for item in reminder.items:
        missing = ", ".join(item.status.missing_metrics)
        why = f"; lý do trả lại: {item.status.review_comment}" if item.status.review_comment else ""
        lines.append(f"- {item.regime.name} — {item.cycle.label} — {item.status.unit_name}: {label(item.status)}; "
                     f"hạn nộp {format_datetime(item.cycle.deadline)}; còn thiếu: {missing or '–'}{why}")  # fmt: skip
    lines += ["", "Mở trang “Tải lên số liệu” để tải mẫu đã điền sẵn và nộp báo cáo.", "", "Thư gửi tự động từ danvan."]
    message.set_content("\n".join(lines))
    return message


def send(messages: Sequence[EmailMessage], url: str, timeout: float = 30.0) -> int:
    """Send ``messages`` through the mail server ``url`` names; how many were sent.

    Raises:
        ReminderError: the server cannot be reached, refuses the sign-in or a recipient.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ReminderError("DANVAN_SMTP_URL phải có dạng smtp://máy-chủ:587?starttls=1 hoặc smtps://máy-chủ:465.")
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in {"1", "true", "yes", "on"}
    try:
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(parts.hostname, port, timeout=timeout, context=ssl.create_default_context())
            if secure else smtplib.SMTP(parts.hostname, port, timeout=timeout)
        )  # fmt: skip
        with client:
            if starttls:
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            for message in messages:
                client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ReminderError(f"Không gửi được thư qua {parts.hostname}:{port} ({type(exc).__name__}: {exc}). "
                            "Kiểm tra DANVAN_SMTP_URL và máy chủ thư của cơ quan.") from exc  # fmt: skip
    return len(messages)


def send_reminders(
    store: Store, today: dt.date | None = None, soon_days: int = SOON_DAYS
) -> tuple[int, list[Reminder]]:
    """Compose and send every reminder with an address; (how many sent, every reminder found).

    Sends nothing when ``DANVAN_SMTP_URL`` is not set (the count is then 0).
    """
    found = reminders(store, today, soon_days)
    url = config.smtp_url()
    if url is None:
        return 0, found
    sender = config.smtp_sender()
    return send([compose(r, sender) for r in found if r.email], url), found

"""The HTTP routes served beside Streamlit's: sign-in and sign-out (which set and clear the session
cookie, something a Streamlit page cannot do) and the health check a proxy polls.

Both forms are protected against cross-site requests three ways: the session cookie is
SameSite=Strict, the request's Origin (or Sec-Fetch-Site) must be this site, and the form carries
a token — for sign-in one signed with the record's secret, for sign-out one derived from the
session id. Blocking work (Argon2, the record) runs in a worker thread.
"""

from __future__ import annotations

import hmac
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from danvan_metrics.auth import accounts, audit, sessions
from danvan_metrics.auth.audit import Action
from danvan_metrics.core import config
from danvan_metrics.record import transactions
from danvan_metrics.record.engine import RecordUnavailableError

SIGN_IN_PATH = "/api/dang-nhap"
SIGN_OUT_PATH = "/api/dang-xuat"
HEALTH_PATH = "/healthz"
SIGN_IN_PAGE = "/dang-nhap"
WORKER_HEADER = "x-danvan-worker"
MAX_FORM_BYTES = 8_192
LOG = logging.getLogger("danvan")


class Answer:
    """What the sign-in page shows after a round trip through a route (``?loi=`` / ``?tb=``)."""

    WRONG = "sai"  # the same for an unknown name and a wrong password
    WAIT = "cho"
    DISABLED = "vo-hieu"
    FORM = "bieu-mau"  # an old, foreign or tampered form
    UNAVAILABLE = "he-thong"
    SIGNED_OUT = "da-dang-xuat"


def same_origin(request: Request) -> bool:
    """Whether the request comes from a page of this site (browsers send Origin on every form POST)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return bool(host) and urlparse(origin).netloc == host
    return request.headers.get("sec-fetch-site") in ("same-origin", "none")


def safe_next(value: object) -> str:
    """Where to go after the form: a path on this site, never another host (``//evil``, ``https://…``)."""
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith(("//", "/\\")) or len(text) > 2_000:
        return "/"
    if any(ord(c) < 32 for c in text) or urlparse(text).netloc:
        return "/"
    return text


def _back(answer: str, **extra: str) -> RedirectResponse:
    return RedirectResponse(f"{SIGN_IN_PAGE}?{urlencode({'loi': answer, **extra})}", status_code=303)


def _source(request: Request) -> str:
    return request.client.host if request.client else ""


async def _form(request: Request) -> dict[str, str] | None:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return None
    form = await request.form(max_files=0, max_fields=8)
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def sign_in(request: Request) -> Response:
    """Check the name and password; on success open a session and set its cookie."""
    form = await _form(request)
    if form is None or not same_origin(request):
        return _back(Answer.FORM)
    try:
        return await run_in_threadpool(_sign_in, request, form, config.state_dir())
    except RecordUnavailableError as exc:
        LOG.error("sign-in: record unavailable: %s", exc.__cause__ or exc)
        return _back(Answer.UNAVAILABLE)


def _sign_in(request: Request, form: dict[str, str], home: Path) -> Response:
    if not sessions.form_token_ok(home, form.get("form_token", "")):
        return _back(Answer.FORM)
    name = form.get("username", "")
    result = accounts.sign_in(name, form.get("password", ""), home, source=_source(request))
    if result.account is None:
        _audit(home, name.strip()[:40] or "(trống)", Action.SIGN_IN_FAILED, result.message)
        if result.message == accounts.DISABLED:
            return _back(Answer.DISABLED)
        if result.message == accounts.REFUSED:
            return _back(Answer.WRONG)
        return _back(Answer.WAIT, giay="".join(c for c in result.message if c.isdigit()) or "60")
    token = sessions.start(home, result.account, _source(request))
    _audit(home, result.account.name, Action.SIGN_IN)
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    response.set_cookie(
        sessions.COOKIE_NAME, token, path="/", httponly=True, samesite="strict", secure=_https(request),
        max_age=int(config.session_max_hours() * 3600),
    )  # fmt: skip
    return response


async def sign_out(request: Request) -> Response:
    """End the session named by the cookie (the form proves it came from this browser) and clear the cookie."""
    form = await _form(request)
    token = request.cookies.get(sessions.COOKIE_NAME, "")
    if form is None or not same_origin(request) or not token:
        return _back(Answer.FORM)
    if not _same_secret(form.get("sign_out_token", ""), sessions.sign_out_token(token)):
        return _back(Answer.FORM)
    try:
        await run_in_threadpool(_sign_out, token, config.state_dir())
    except RecordUnavailableError as exc:
        LOG.error("sign-out: record unavailable: %s", exc.__cause__ or exc)
        return _back(Answer.UNAVAILABLE)
    response = RedirectResponse(f"{SIGN_IN_PAGE}?{urlencode({'tb': Answer.SIGNED_OUT})}", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_https(request))
    return response


def _sign_out(token: str, home: Path) -> None:
    name = sessions.end(home, token)
    if name is not None:
        _audit(home, name, Action.SIGN_OUT)


def _same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _audit(home: Path, actor: str, action: Action, detail: str = "") -> None:
    audit.record_in(home, actor, action, detail)


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


async def health(_request: Request) -> Response:
    """For the proxy and monitoring: 200 with the record's data version, 503 when the record is unreachable."""
    body: dict[str, Any] = {"worker": worker_name()}
    try:
        body["data_version"] = await run_in_threadpool(transactions.version, config.state_dir())
    except RecordUnavailableError:
        return JSONResponse({**body, "status": "unavailable"}, status_code=503)
    return JSONResponse({**body, "status": "ok"})


def worker_name() -> str:
    """This server's name in a cluster (``DANVAN_WORKER_NAME``, set by `danvan_metrics.cluster`)."""
    return os.environ.get("DANVAN_WORKER_NAME", "").strip() or "danvan"


class WorkerHeader:
    """Names the server on every HTTP answer (``X-Danvan-Worker``): which server a proxy chose, for support."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.name = worker_name().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (WORKER_HEADER.encode(), self.name)]
            await send(message)

        await self.app(scope, receive, named)


ROUTES = [
    Route(SIGN_IN_PATH, sign_in, methods=["POST"]),
    Route(SIGN_OUT_PATH, sign_out, methods=["POST"]),
    Route(HEALTH_PATH, health, methods=["GET"]),
]

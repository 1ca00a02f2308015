"""The sign-in, sign-out and health routes, in process (Starlette's test client): cookies, refusals,
cross-site protection, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.testclient import TestClient

from danvan_metrics.auth import accounts, sessions
from danvan_metrics.core import config
from danvan_metrics.record import schema, transactions
from danvan_metrics.web import routes

PASSWORD = "mat-khau-thu-nghiem-1"
ORIGIN = {"origin": "http://testserver"}


def _home() -> Path:
    return config.state_dir()


@pytest.fixture
def client() -> Iterator[TestClient]:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    with TestClient(Starlette(routes=routes.ROUTES), follow_redirects=False) as test_client:
        yield test_client


def _form(**fields: str) -> dict[str, str]:
    return {"form_token": sessions.form_token(_home()), "username": "lan.nguyen", "password": PASSWORD, **fields}


def _audit() -> list[tuple[str, str]]:
    with transactions.read(_home()) as connection:
        return [(r.actor, r.action) for r in connection.execute(sa.select(schema.audit).order_by("audit_id"))]


def test_the_right_password_sets_an_httponly_strict_cookie_and_returns_to_the_page(client: TestClient) -> None:
    answer = client.post(routes.SIGN_IN_PATH, data=_form(next="/tai-len"), headers=ORIGIN)
    assert (answer.status_code, answer.headers["location"]) == (303, "/tai-len")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    token = answer.cookies[sessions.COOKIE_NAME]
    assert sessions.look_up(_home(), token).account.name == "lan.nguyen"
    assert _audit()[-1] == ("lan.nguyen", "sign_in")


def test_over_https_the_cookie_is_secure() -> None:
    accounts.add("lan.nguyen", PASSWORD, "editor", home=_home())
    with TestClient(Starlette(routes=routes.ROUTES), base_url="https://testserver", follow_redirects=False) as c:
        answer = c.post(routes.SIGN_IN_PATH, data=_form(), headers={"origin": "https://testserver"})
    assert "Secure" in answer.headers["set-cookie"]


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer_and_no_cookie(client: TestClient) -> None:
    wrong = client.post(routes.SIGN_IN_PATH, data=_form(password="sai-mat-khau-1"), headers=ORIGIN)
    unknown = client.post(routes.SIGN_IN_PATH, data=_form(username="khong.co"), headers=ORIGIN)
    assert wrong.headers["location"] == unknown.headers["location"] == "/dang-nhap?loi=sai"
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers
    assert _audit() == [("lan.nguyen", "sign_in_failed"), ("khong.co", "sign_in_failed")]


def test_repeated_failures_make_the_route_answer_wait(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_MAX_FAILED_SIGNINS", "2")
    for _ in range(2):
        client.post(routes.SIGN_IN_PATH, data=_form(password="sai-mat-khau-1"), headers=ORIGIN)
    answer = client.post(routes.SIGN_IN_PATH, data=_form(), headers=ORIGIN)  # even the right one waits
    assert answer.headers["location"].startswith("/dang-nhap?loi=cho&giay=")
    assert "set-cookie" not in answer.headers


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        ({"origin": "https://evil.example"}, {}),
        ({"origin": "null"}, {}),
        ({"sec-fetch-site": "cross-site"}, {}),
        ({}, {}),  # neither Origin nor Sec-Fetch-Site: not a browser form of this site
        (ORIGIN, {"form_token": ""}),
        (ORIGIN, {"form_token": "1700000000.deadbeef"}),
    ],
    ids=["other-site", "null-origin", "cross-site-fetch", "no-origin", "no-token", "forged-token"],
)
def test_a_sign_in_from_another_site_or_without_the_form_token_is_refused(
    client: TestClient, headers: dict[str, str], fields: dict[str, str]
) -> None:
    answer = client.post(routes.SIGN_IN_PATH, data=_form(**fields), headers=headers)
    assert answer.headers["location"] == "/dang-nhap?loi=bieu-mau"
    assert "set-cookie" not in answer.headers
    assert sessions.open_sessions(_home(), "lan.nguyen") == 0


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "tai-len", ""])
def test_after_sign_in_the_route_never_sends_the_person_to_another_site(client: TestClient, target: str) -> None:
    answer = client.post(routes.SIGN_IN_PATH, data=_form(next=target), headers=ORIGIN)
    assert answer.headers["location"] == "/"


def test_sign_out_needs_the_token_derived_from_the_session_and_clears_the_cookie(client: TestClient) -> None:
    token = client.post(routes.SIGN_IN_PATH, data=_form(), headers=ORIGIN).cookies[sessions.COOKIE_NAME]
    client.cookies.set(sessions.COOKIE_NAME, token)
    forged = client.post(routes.SIGN_OUT_PATH, data={"sign_out_token": "0" * 64}, headers=ORIGIN)
    assert forged.headers["location"] == "/dang-nhap?loi=bieu-mau"
    assert sessions.look_up(_home(), token).account is not None  # a forged sign-out changes nothing
    foreign = client.post(
        routes.SIGN_OUT_PATH, data={"sign_out_token": sessions.sign_out_token(token)},
        headers={"origin": "https://evil.example"},
    )  # fmt: skip
    assert sessions.look_up(_home(), token).account is not None and "loi=bieu-mau" in foreign.headers["location"]
    answer = client.post(routes.SIGN_OUT_PATH, data={"sign_out_token": sessions.sign_out_token(token)}, headers=ORIGIN)
    assert answer.headers["location"] == "/dang-nhap?tb=da-dang-xuat"
    assert f'{sessions.COOKIE_NAME}=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert sessions.look_up(_home(), token).ended == sessions.Ended.SIGNED_OUT
    assert _audit()[-1] == ("lan.nguyen", "sign_out")


def test_the_health_route_reports_the_data_version_and_names_the_server(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_WORKER_NAME", "may-2")
    answer = client.get(routes.HEALTH_PATH)
    assert answer.status_code == 200
    assert answer.json() == {"worker": "may-2", "data_version": transactions.version(_home()), "status": "ok"}


def test_the_health_route_says_503_when_the_record_cannot_be_reached(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_DATABASE_URL", "postgresql+psycopg://danvan@127.0.0.1:9/none?connect_timeout=1")
    answer = client.get(routes.HEALTH_PATH)
    assert (answer.status_code, answer.json()["status"]) == (503, "unavailable")

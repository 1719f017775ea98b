"""The pages in-process: signing in through the form (a person, or a key where key sign-in
is on), the session cookie and its row."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infra.tables import WebSession
from infra.web_sessions import token_hash
from intake.web.session import COOKIE
from tests.support.accounts import Person, csrf_of, sign_in_person
from tests.support.workspace import Headers, Workspace

KEY_SIGNIN = pytest.mark.parametrize(
    "ws_overrides", [pytest.param({"ui_key_signin": True}, id="key-signin-on")]
)


def secret_of(headers: Headers) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def sign_in(client: TestClient, who: Person | Headers, back_to: str = "") -> str:
    """Sign in through the form, as a person or (where key sign-in is on) with a key; the CSRF
    token of the new session."""
    if isinstance(who, Person):
        return sign_in_person(client, who, back_to)
    headers = who
    form = client.get("/ui/masuk")
    assert form.status_code == 200, form.text
    answer = client.post(
        "/ui/masuk",
        data={"kunci": secret_of(headers), "csrf": csrf_of(form.text), "lanjut": back_to},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def fresh_client(ws: Workspace) -> TestClient:
    return TestClient(ws.client.app)


def cookie_of(client: TestClient) -> str:
    value = next(c.value for c in client.cookies.jar if c.name == COOKIE)
    assert value is not None
    return value


def payload_of(cookie: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(base64.b64decode(cookie.split(".")[0]))
    return payload


def session_row(ws: Workspace, client: TestClient) -> WebSession:
    with ws.sessions() as session:
        row = session.get(WebSession, token_hash(payload_of(cookie_of(client))["sid"]))
    assert row is not None
    return row


def try_sign_in(client: TestClient, username: str, password: str) -> tuple[int, str]:
    token = csrf_of(client.get("/ui/masuk").text)
    answer = client.post(
        "/ui/masuk",
        data={"username": username, "password": password, "csrf": token},
        follow_redirects=False,
    )
    return answer.status_code, answer.text


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def is_signed_in(client: TestClient, path: str = "/ui/antrean") -> bool:
    answer = client.get(path, follow_redirects=False)
    return answer.status_code == 200

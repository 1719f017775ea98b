"""People for the page tests: accounts with a known password (argon2 kept cheap by the test
settings), and signing in through the form as a browser would."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.accounts import create_account
from infra.db import transaction
from infra.keys import Role
from infra.settings import Settings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# Argon2 as cheap as it goes: the tests check behaviour, not the cost.
CHEAP_PASSWORDS = {"password_time_cost": 1, "password_memory_kib": 1024}


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    name: str
    account_id: str


def make_person(
    sessions: sessionmaker[Session],
    settings: Settings,
    role: Role,
    *,
    region: str | None = None,
    unit: str | None = None,
    name: str | None = None,
    username: str | None = None,
) -> Person:
    """An account of the test's own, with a random (policy-passing) password."""
    username = username or f"uji-{role}-{secrets.token_hex(4)}"
    password = f"Uji {secrets.token_urlsafe(12)} sandi"
    name = name or f"Orang Uji {role}"
    with transaction(sessions) as session:
        row = create_account(
            session,
            settings,
            username=username,
            name=name,
            role=role,
            region=region,
            unit=unit,
            password=password,
        )
    return Person(row.username, password, name, row.id)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_sign_in(client: TestClient, fields: dict[str, str]) -> object:
    form = client.get("/ui/masuk")
    assert form.status_code == 200, form.text
    return client.post(
        "/ui/masuk", data={**fields, "csrf": csrf_of(form.text)}, follow_redirects=False
    )


def totp_code(secret: str, steps_ahead: int = 1) -> str:
    """A code of a later time step (still within the allowed drift): the step of the code
    that confirmed the set-up is used already, and a code works only once."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def sign_in_person(
    client: TestClient, person: Person, back_to: str = "", code: str | None = None
) -> str:
    """Sign in through the form (and the code page, given a code); the CSRF token of the new
    session."""
    form = client.get("/ui/masuk")
    assert form.status_code == 200, form.text
    answer = client.post(
        "/ui/masuk",
        data={
            "username": person.username,
            "password": person.password,
            "csrf": csrf_of(form.text),
            "lanjut": back_to,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    if code is not None:
        assert answer.headers["location"] == "/ui/masuk/kode"
        code_form = client.get("/ui/masuk/kode")
        answer = client.post(
            "/ui/masuk/kode",
            data={"kode": code, "csrf": csrf_of(code_form.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    return csrf_of(page.text)

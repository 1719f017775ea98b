"""Single sign-on against a real (test) OpenID Connect issuer on 127.0.0.1: the code flow with
PKCE, the id_token checked (a forged signature, another browser's state are refused), claims
mapped to role and scope at every sign-in, a disabled or unmapped account kept out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from infra.keys import Role
from infra.tables import Account
from tests.support.oidc_issuer import Issuer, oidc_settings, running_issuer
from tests.support.pages import is_signed_in, session_row, text_of, try_sign_in
from tests.support.workspace import Workspace


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def ws_overrides(issuer: Issuer) -> dict[str, Any]:
    return oidc_settings(issuer)


def to_issuer_and_back(client: TestClient) -> str:
    """Start at the sign-in button; the issuer signs the person in at once; the URL it sends
    the browser back to."""
    start = client.get("/ui/masuk/sso", follow_redirects=False)
    assert start.status_code == 302, start.text
    assert start.headers["location"].startswith("http://127.0.0.1:")
    back = httpx.get(start.headers["location"], follow_redirects=False)
    assert back.status_code == 302, back.text
    url = httpx.URL(back.headers["location"])
    return f"{url.path}?{url.query.decode()}"


def sso_sign_in(client: TestClient, issuer: Issuer, **claims: Any) -> httpx.Response:
    issuer.claims = claims
    return client.get(to_issuer_and_back(client), follow_redirects=False)  # type: ignore[return-value]


def verifier_claims(ws: Workspace, sub: str = "kc-0001", **more: Any) -> dict[str, Any]:
    return {
        "sub": sub,
        "preferred_username": f"sso-{sub}",
        "name": "Rina Verifikator SSO",
        "absah_role": ["absah-verifier", "offline_access"],
        "absah_region": ws.region,
        **more,
    }


def test_the_sign_in_page_offers_sso_and_the_issuer_signs_a_verifier_in(
    ws: Workspace, issuer: Issuer
) -> None:
    assert "Masuk dengan SSO" in ws.client.get("/ui/masuk").text
    answer = sso_sign_in(ws.client, issuer, **verifier_claims(ws))
    assert (answer.status_code, answer.headers["location"]) == (303, "/ui/antrean")
    page = ws.client.get("/ui/antrean").text
    assert f"Rina Verifikator SSO · Verifikator wilayah {ws.region}" in text_of(page)
    with ws.sessions() as session:
        account = session.scalars(
            sa.select(Account).where(Account.oidc_subject == f"{issuer.url}|kc-0001")
        ).one()
    assert (account.username, account.role, account.region_code) == (
        "sso-kc-0001",
        "verifier",
        ws.region,
    )
    assert account.password_hash is None
    assert session_row(ws, ws.client).account_id == account.id


def test_the_claims_decide_role_and_scope_at_every_sign_in(ws: Workspace, issuer: Issuer) -> None:
    sso_sign_in(ws.client, issuer, **verifier_claims(ws, sub="kc-0002"))
    unit = ws.unit()
    again = TestClient(ws.client.app)
    answer = sso_sign_in(
        again,
        issuer,
        **verifier_claims(ws, sub="kc-0002", absah_role="absah-unit", absah_unit=unit),
    )
    assert answer.headers["location"] == "/ui/unggah"
    assert again.get("/ui/antrean").status_code == 403  # no longer a verifier
    with ws.sessions() as session:
        account = session.scalars(
            sa.select(Account).where(Account.oidc_subject == f"{issuer.url}|kc-0002")
        ).one()
    assert (account.role, account.unit_code, account.region_code) == ("unit", unit, None)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        pytest.param({"absah_role": ["offline_access"]}, 403, "belum diberi peran", id="no-role"),
        pytest.param(
            {"absah_role": ["absah-admin", "absah-verifier"]}, 403, "lebih dari satu", id="two"
        ),
        pytest.param({"absah_region": "XX"}, 403, "tidak terdaftar", id="unknown-region"),
        pytest.param({"forge": True}, 401, "gagal", id="forged-signature"),
        pytest.param({"aud": "another-client"}, 401, "gagal", id="for-another-client"),
        pytest.param({"nonce": "a-replayed-token"}, 401, "gagal", id="another-nonce"),
        pytest.param({"exp": 1_000_000_000}, 401, "gagal", id="expired"),
        pytest.param({"iss": "http://127.0.0.1:9/evil"}, 401, "gagal", id="another-issuer"),
    ],
)
def test_claims_absah_cannot_trust_or_map_are_refused(
    ws: Workspace, issuer: Issuer, change: dict[str, Any], status: int, message: str
) -> None:
    claims = {k: v for k, v in change.items() if k != "forge"}
    issuer.forge = bool(change.get("forge"))
    answer = sso_sign_in(ws.client, issuer, **verifier_claims(ws, **claims))
    assert answer.status_code == status
    assert message in answer.text
    assert not is_signed_in(ws.client)


def test_a_callback_started_in_another_browser_is_refused(ws: Workspace, issuer: Issuer) -> None:
    """Login CSRF: someone sends the victim a callback URL of their own flow."""
    issuer.claims = verifier_claims(ws, sub="kc-attacker")
    attackers = to_issuer_and_back(TestClient(ws.client.app))
    answer = ws.client.get(attackers, follow_redirects=False)
    assert answer.status_code == 401
    assert not is_signed_in(ws.client)


def test_a_disabled_account_stays_out_and_a_local_account_is_never_taken_over(
    ws: Workspace, issuer: Issuer
) -> None:
    sso_sign_in(ws.client, issuer, **verifier_claims(ws, sub="kc-0003"))
    with ws.sessions.begin() as session:
        session.execute(
            sa.update(Account)
            .where(Account.oidc_subject == f"{issuer.url}|kc-0003")
            .values(active=False)
        )
    answer = sso_sign_in(TestClient(ws.client.app), issuer, **verifier_claims(ws, sub="kc-0003"))
    assert answer.status_code == 403
    assert "dinonaktifkan" in answer.text
    local = ws.person(Role.ADMIN, name="Admin Lokal")
    answer = sso_sign_in(
        TestClient(ws.client.app),
        issuer,
        **verifier_claims(ws, sub="kc-0004", preferred_username=local.username),
    )
    assert answer.status_code == 403
    assert "sudah dipakai" in answer.text


def test_an_sso_account_has_no_password_to_sign_in_with(ws: Workspace, issuer: Issuer) -> None:
    sso_sign_in(ws.client, issuer, **verifier_claims(ws, sub="kc-0005"))
    for password in ("", "apa saja ya", "None"):
        status, _ = try_sign_in(TestClient(ws.client.app), "sso-kc-0005", password)
        assert status == 401

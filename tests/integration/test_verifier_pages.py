"""The verifier pages in-process: sign-in and its cookie, CSRF, revoked keys (where key sign-in
is on), region isolation, decision refusals and the downloads (the browser tests are in
tests/e2e/; accounts, lockout and the second factor in test_accounts_pages.py)."""

from __future__ import annotations

import json
import re
import secrets
import stat
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from infra.db import transaction
from infra.keys import Role, revoke_key
from infra.tables import WebSession
from intake.app import create_app
from intake.web.session import COOKIE
from tests.support.accounts import csrf_of
from tests.support.pages import (
    KEY_SIGNIN,
    cookie_of,
    fresh_client,
    payload_of,
    secret_of,
    session_row,
    sign_in,
)
from tests.support.workspace import Workspace

LAKTASI = "P2H-02-LAKTASI"


def test_a_page_asks_to_sign_in_first_and_then_comes_back(ws: Workspace) -> None:
    client = ws.client
    answer = client.get("/ui/antrean?status=complete", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/masuk?lanjut=/ui/antrean%3Fstatus%3Dcomplete"
    form = client.get(answer.headers["location"])
    back = re.search(r'name="lanjut" value="([^"]+)"', form.text)
    assert back
    assert back.group(1) == "/ui/antrean?status=complete"
    sign_in(client, ws.person_verifier, back.group(1))
    assert "Antrean pemeriksaan" in client.get("/ui/antrean").text


@KEY_SIGNIN
def test_the_session_cookie_holds_a_session_token_never_the_key(ws: Workspace) -> None:
    client = ws.client
    sign_in(client, ws.verifier)
    cookie = next(c for c in client.cookies.jar if c.name == COOKIE)
    assert cookie.path == "/ui"
    assert cookie.value
    payload = payload_of(cookie.value)
    assert set(payload) <= {"sid", "csrf", "flash"}
    assert secret_of(ws.verifier) not in json.dumps(payload)
    row = session_row(ws, client)
    assert row.id != payload["sid"]  # stored hashed
    assert row.key_id is not None
    header = client.post(
        "/ui/masuk",
        data={"kunci": secret_of(ws.verifier), "csrf": payload["csrf"]},
        follow_redirects=False,
    ).headers["set-cookie"]
    assert "httponly" in header.lower()
    assert "samesite=lax" in header.lower()
    secret_file = ws.settings.data_dir / "session-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


@KEY_SIGNIN
def test_a_wrong_key_or_a_portal_key_cannot_sign_in(ws: Workspace) -> None:
    client = ws.client
    token = csrf_of(client.get("/ui/masuk").text)
    wrong = client.post("/ui/masuk", data={"kunci": "absah_dead_beef", "csrf": token})
    assert wrong.status_code == 401
    assert "Kunci tidak dikenal" in wrong.text
    portal = ws.key(Role.PORTAL, region=ws.region)
    refused = client.post("/ui/masuk", data={"kunci": secret_of(portal), "csrf": token})
    assert refused.status_code == 403
    assert "hanya untuk kunci verifikator" in refused.text
    assert client.get("/ui/antrean", follow_redirects=False).status_code == 303


def test_a_form_without_its_token_is_refused(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    client = ws.client
    sign_in(client, ws.person_verifier)
    answer = client.post(
        f"/ui/pengajuan/P2HAM/2025/{unit}/keputusan/{LAKTASI}",
        data={"keputusan": "accepted", "csrf": "forged"},
    )
    assert answer.status_code == 403
    assert "kedaluwarsa" in answer.text
    assert ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json() == []


@KEY_SIGNIN
def test_revoking_the_key_ends_its_page_sessions(ws: Workspace) -> None:
    client = ws.client
    sign_in(client, ws.verifier)
    with transaction(ws.sessions) as session:
        revoked = revoke_key(session, secret_of(ws.verifier).split("_")[1])
    assert revoked is not None
    assert revoked.sessions_ended == 1
    answer = client.get("/ui/antrean", follow_redirects=False)
    assert answer.status_code == 303
    assert "dicabut" in client.get(answer.headers["location"]).text


@KEY_SIGNIN
def test_turning_key_sign_in_off_ends_the_sessions_keys_started(ws: Workspace) -> None:
    sign_in(ws.client, ws.verifier)
    assert ws.client.get("/ui/antrean").status_code == 200
    off = ws.settings.model_copy(update={"ui_key_signin": False})
    with TestClient(create_app(off)) as restarted:  # the same database and cookie secret
        restarted.cookies.set(COOKIE, cookie_of(ws.client), path="/ui")
        answer = restarted.get("/ui/antrean", follow_redirects=False)
        assert answer.status_code == 303
        assert "kunci API sudah dimatikan" in restarted.get(answer.headers["location"]).text
    assert ws.client.get("/ui/antrean", follow_redirects=False).status_code == 303


def _sign_out(ws: Workspace, client: TestClient) -> None:
    token = csrf_of(client.get("/ui/keluar").text)
    assert (
        client.post("/ui/keluar", data={"csrf": token}, follow_redirects=False).status_code == 303
    )


def _age(ws: Workspace, client: TestClient, **moved: timedelta) -> None:
    """Move the session's clock fields into the past by the given amounts."""
    row = session_row(ws, client)
    with transaction(ws.sessions) as session:
        session.execute(
            sa.update(WebSession)
            .where(WebSession.id == row.id)
            .values({name: getattr(row, name) - by for name, by in moved.items()})
        )


@pytest.mark.parametrize(
    ("end", "message"),
    [
        pytest.param(_sign_out, "Anda sudah keluar", id="signed-out"),
        pytest.param(
            lambda ws, c: _age(ws, c, expires_at=timedelta(hours=8, seconds=1)),
            "8 jam sejak masuk",
            id="absolute-expiry",
        ),
        pytest.param(
            lambda ws, c: _age(ws, c, last_seen_at=timedelta(minutes=61)),
            "tidak ada aktivitas selama 60 menit",
            id="idle-timeout",
        ),
    ],
)
def test_a_copy_of_the_cookie_is_worth_nothing_once_the_session_ends(
    ws: Workspace, end: Callable[[Workspace, TestClient], None], message: str
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    client = ws.client
    token = sign_in(client, ws.person_verifier)
    copied = cookie_of(client)  # what a thief (or a shared computer) keeps
    end(ws, client)

    thief = fresh_client(ws)
    thief.cookies.set(COOKIE, copied, path="/ui")
    answer = thief.get("/ui/antrean", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/ui/masuk")
    thief.cookies.set(COOKIE, copied, path="/ui")
    posted = thief.post(
        f"/ui/pengajuan/P2HAM/2025/{unit}/keputusan/{LAKTASI}",
        data={"keputusan": "accepted", "csrf": token},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json() == []
    shown = client.get("/ui/antrean")  # the verifier's own browser is sent to sign in too
    assert "Masuk" in shown.text
    assert message in shown.text


def test_the_session_lifetime_counts_from_sign_in_and_does_not_slide(ws: Workspace) -> None:
    client = ws.client
    sign_in(client, ws.person_verifier)
    first = session_row(ws, client)
    assert first.expires_at - first.created_at == timedelta(hours=8)
    _age(ws, client, last_seen_at=timedelta(minutes=5))
    assert client.get("/ui/antrean").status_code == 200
    again = session_row(ws, client)
    assert again.expires_at == first.expires_at  # activity never extends it
    assert again.last_seen_at > first.last_seen_at - timedelta(minutes=5)  # but it counts as seen


def test_signing_in_again_starts_a_new_session_and_ends_the_old_one(ws: Workspace) -> None:
    client = ws.client
    before = client.get("/ui/masuk")  # a cookie planted before sign-in (session fixation)
    assert "sid" not in payload_of(cookie_of(client))
    sign_in(client, ws.person_verifier)
    first = session_row(ws, client)
    assert before.status_code == 200
    person = ws.person_verifier
    form = client.post(
        "/ui/masuk",
        data={
            "username": person.username,
            "password": person.password,
            "csrf": payload_of(cookie_of(client))["csrf"],
        },
        follow_redirects=False,
    )
    assert form.status_code == 303
    second = session_row(ws, client)
    assert second.id != first.id
    with ws.sessions() as session:
        old = session.get(WebSession, first.id)
    assert old is not None
    assert (old.ended_at is not None, old.end_reason) == (True, "signed_in_again")


def test_a_decision_refused_by_the_rules_is_shown_beside_the_form(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])  # complete: refusing it overrides
    client = ws.client
    token = sign_in(client, ws.person_verifier)
    url = f"/ui/pengajuan/P2HAM/2025/{unit}/keputusan/{LAKTASI}"
    no_note = client.post(url, data={"keputusan": "rejected", "csrf": token})
    assert no_note.status_code == 422
    assert "Tuliskan catatan" in no_note.text
    no_reason = client.post(
        url, data={"keputusan": "rejected", "catatan": "Bukan ruang laktasi", "csrf": token}
    )
    assert no_reason.status_code == 422
    assert "berbeda dari hasil pemeriksaan sistem" in no_reason.text
    assert "Bukan ruang laktasi</textarea>" in no_reason.text  # what was typed is kept
    done = client.post(
        url,
        data={
            "keputusan": "rejected",
            "catatan": "Bukan ruang laktasi",
            "alasan": "Dicek di lokasi",
            "csrf": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"#k-{LAKTASI}")
    shown = client.get(done.headers["location"]).text
    assert "Keputusan “Tidak Memenuhi” untuk P2H-02-LAKTASI sudah dicatat." in shown
    history = ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json()
    assert [(d["decision"], d["override_reason"]) for d in history] == [
        ("rejected", "Dicek di lokasi")
    ]


@pytest.mark.parametrize(
    ("field", "label"),
    [
        pytest.param("catatan", "Isian catatan", id="note"),
        pytest.param("alasan", "Isian alasan", id="reason"),
    ],
)
def test_a_control_character_pasted_into_the_form_is_refused_beside_it(
    ws: Workspace, field: str, label: str
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    client = ws.client
    token = sign_in(client, ws.person_verifier)
    sent = {"keputusan": "rejected", "catatan": "Bukan", "alasan": "Dicek", "csrf": token}
    sent[field] = "Salin\x0bdari Word"
    answer = client.post(f"/ui/pengajuan/P2HAM/2025/{unit}/keputusan/{LAKTASI}", data=sent)
    assert answer.status_code == 422
    assert f"{label} memuat karakter kendali" in answer.text
    assert ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json() == []


def test_a_verifier_of_another_region_sees_nothing_of_this_one(ws: Workspace) -> None:
    unit = ws.unit(name="Kota Rahasia Uji")
    doc = ws.upload(unit, LAKTASI, ["passed", "passed"])[0]
    elsewhere = "R" + secrets.token_hex(3).upper()
    ws.add_region(elsewhere)
    client = fresh_client(ws)
    token = sign_in(client, ws.person(Role.VERIFIER, region=elsewhere, name="Verifikator Lain"))
    assert "Kota Rahasia Uji" not in client.get("/ui/antrean").text
    base = f"/ui/pengajuan/P2HAM/2025/{unit}"
    for path in (
        base,
        f"{base}/laporan",
        f"{base}/temuan.xlsx",
        f"/ui/pratinjau/{doc}",
        f"/ui/berkas/{doc}",
        f"/ui/antrean?unit={unit}",
        f"/ui/matriks?programme=P2HAM&period=2025&region={ws.region}",
        f"/ui/ekspor/matriks.csv?programme=P2HAM&period=2025&region={ws.region}",
    ):
        answer = client.get(path)
        assert answer.status_code == 404 or "Kota Rahasia Uji" not in answer.text, path
        assert "Kota Rahasia Uji" not in answer.text, path
    decided = client.post(
        f"{base}/keputusan/{LAKTASI}", data={"keputusan": "accepted", "csrf": token}
    )
    assert decided.status_code == 404
    claimed = client.post(f"{base}/tangani", data={"csrf": token})
    assert claimed.status_code == 404
    matrix = client.get("/ui/matriks?programme=P2HAM&period=2025").text
    assert "Kota Rahasia Uji" not in matrix


def test_the_page_downloads_are_the_api_exports(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    client = ws.client
    sign_in(client, ws.person_verifier)
    query = f"programme=P2HAM&period=2025&region={ws.region}"
    page = client.get(f"/ui/ekspor/matriks.csv?{query}")
    api = client.get(f"/v1/matrix.csv?{query}", headers=ws.verifier)
    assert page.status_code == 200
    assert page.content == api.content
    assert page.headers["content-disposition"] == api.headers["content-disposition"]
    report = client.get(f"/ui/pengajuan/P2HAM/2025/{unit}/laporan")
    assert "LAPORAN HASIL PEMERIKSAAN" in report.text
    assert client.get("/ui/ekspor/matriks.pdf?programme=P2HAM&period=2025").status_code == 404


@pytest.mark.parametrize("path", ["/ui/masuk", "/ui/antrean", "/ui/matriks"])
def test_pages_are_never_cached_nor_framed(ws: Workspace, path: str) -> None:
    if path != "/ui/masuk":
        sign_in(ws.client, ws.person_verifier)
    answer = ws.client.get(path)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert '<html lang="id">' in answer.text


def test_a_claimed_submission_is_shown_held_and_refuses_another_verifier(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    base = f"/ui/pengajuan/P2HAM/2025/{unit}"
    holder = ws.client
    token = sign_in(holder, ws.person_verifier)
    held = holder.post(f"{base}/tangani", data={"csrf": token, "kembali": "/ui/antrean"})
    assert held.url.path == "/ui/antrean"
    assert "Anda tangani sampai" in held.text

    second = fresh_client(ws)
    other = sign_in(second, ws.person(Role.VERIFIER, region=ws.region, name="Verifikator Dua"))
    assert "Sedang ditangani <strong>Verifikator Satu</strong>" in second.get(base).text
    refused = second.post(
        f"{base}/keputusan/{LAKTASI}", data={"keputusan": "accepted", "csrf": other}
    )
    assert refused.status_code == 409
    assert "sedang ditangani oleh Verifikator Satu" in refused.text
    taken = second.post(f"{base}/tangani", data={"csrf": other})
    assert "sedang ditangani oleh Verifikator Satu" in taken.text  # a flash, back on the page

    released = holder.post(f"{base}/lepas", data={"csrf": token})
    assert "Anda lepaskan" in released.text
    assert (
        second.post(
            f"{base}/keputusan/{LAKTASI}",
            data={"keputusan": "accepted", "csrf": other},
            follow_redirects=False,
        ).status_code
        == 303
    )

"""People sign in as people: username and password, the session bound to the account (ended
by sign-out, disabling, a new password), the lockout, the second factor, the operators' page,
the admin pages, and who decided. In-process, on PostgreSQL and SQLite."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from infra.db import transaction
from infra.keys import Role
from infra.tables import Account, AuditEntry, Decision, ReviewClaim, SignInFailure, WebSession
from infra.web_sessions import token_hash
from intake.web.session import COOKIE
from tests.support.accounts import Person, csrf_of, sign_in_person, totp_code
from tests.support.pages import (
    cookie_of,
    is_signed_in,
    payload_of,
    session_row,
    text_of,
    try_sign_in,
)
from tests.support.workspace import Workspace

LAKTASI = "P2H-02-LAKTASI"
SECRET = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')


def stolen_copy(ws: Workspace, client: TestClient) -> TestClient:
    thief = TestClient(ws.client.app)
    thief.cookies.set(COOKIE, cookie_of(client), path="/ui")
    return thief


def test_a_verifier_signs_in_with_a_password_and_sees_their_name(ws: Workspace) -> None:
    person = ws.person_verifier
    sign_in_person(ws.client, person)
    page = ws.client.get("/ui/antrean").text
    assert f"Verifikator Satu · Verifikator wilayah {ws.region}" in text_of(page)
    payload = payload_of(cookie_of(ws.client))
    assert set(payload) <= {"sid", "csrf", "flash"}
    assert person.password not in str(payload)
    row = session_row(ws, ws.client)
    assert (row.account_id, row.key_id) == (person.account_id, None)
    with ws.sessions() as session:
        account = session.get(Account, person.account_id)
    assert account is not None
    assert account.password_hash is not None
    assert account.password_hash.startswith("$argon2id$")
    assert person.password not in account.password_hash


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("{me}", "salah sekali kata sandinya", id="wrong-password"),
        pytest.param("tidak-ada-orangnya", "{password}", id="unknown-username"),
        pytest.param("{me}", "", id="empty-password"),
        pytest.param("{me}\x00", "{password}", id="a-control-character-in-the-username"),
        pytest.param("{me} ' OR 1=1 --", "{password}", id="sql-in-the-username"),
    ],
)
def test_a_wrong_password_or_an_unknown_username_gets_the_same_answer(
    ws: Workspace, username: str, password: str
) -> None:
    person = ws.person_verifier
    status, text = try_sign_in(
        ws.client,
        username.format(me=person.username),
        password.format(password=person.password),
    )
    assert status == 401
    assert "Nama pengguna atau kata sandi salah" in text
    assert not is_signed_in(ws.client)


def test_a_key_cannot_sign_in_to_the_pages_unless_an_admin_turned_it_on(ws: Workspace) -> None:
    token = csrf_of(ws.client.get("/ui/masuk").text)
    secret = ws.verifier["Authorization"].removeprefix("Bearer ")
    answer = ws.client.post("/ui/masuk", data={"kunci": secret, "csrf": token})
    assert answer.status_code == 403
    assert "Masuk dengan kunci API tidak diaktifkan" in answer.text
    assert 'name="kunci"' not in ws.client.get("/ui/masuk").text
    assert not is_signed_in(ws.client)


def age_failures(ws: Workspace, username: str, by: timedelta) -> None:
    """Move a username's failed sign-ins into the past."""
    with transaction(ws.sessions) as session:
        for row in session.scalars(
            sa.select(SignInFailure).where(SignInFailure.username == username)
        ):
            row.at -= by


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(ws: Workspace) -> None:
    person = ws.person_verifier
    for _ in range(4):
        assert try_sign_in(ws.client, person.username, "bukan sandinya lho")[0] == 401
    status, text = try_sign_in(ws.client, person.username, "bukan sandinya lho")
    assert status == 429
    assert "dikunci sementara" in text
    status, text = try_sign_in(ws.client, person.username, person.password)
    assert status == 429  # the right password too
    assert not is_signed_in(ws.client)
    with ws.sessions() as session:
        locks = session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "account.locked", AuditEntry.subject_id == person.username
            )
        ).all()
    assert len(locks) == 1
    metrics = ws.client.get("/metrics", headers=ws.admin).text
    assert re.search(r"^absah_sign_in_lockouts_total [1-9]", metrics, re.M), metrics
    # fifteen minutes later the right password works again
    age_failures(ws, person.username, timedelta(minutes=15, seconds=1))
    sign_in_person(ws.client, person)
    assert is_signed_in(ws.client)


def test_failures_spread_over_more_than_the_window_do_not_lock(ws: Workspace) -> None:
    person = ws.person_verifier
    for _ in range(4):
        assert try_sign_in(ws.client, person.username, "bukan sandinya lho")[0] == 401
    age_failures(ws, person.username, timedelta(minutes=16))
    assert try_sign_in(ws.client, person.username, "bukan sandinya lho")[0] == 401
    sign_in_person(ws.client, person)


def test_an_unknown_username_locks_like_a_real_one(ws: Workspace) -> None:
    """Otherwise the lockout itself would tell which usernames exist."""
    answers = [try_sign_in(ws.client, "belum-pernah-ada", "apa saja ya")[0] for _ in range(6)]
    assert answers == [401, 401, 401, 401, 429, 429]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("nonaktifkan", id="disabled-by-an-admin"),
        pytest.param("sandi", id="password-reset-by-an-admin"),
        pytest.param("totp", id="second-factor-reset-by-an-admin"),
        pytest.param("keluar", id="signed-out"),
    ],
)
def test_a_copied_cookie_dies_when_the_account_is_disabled_reset_or_signs_out(
    ws: Workspace, change: str
) -> None:
    person = ws.person_verifier
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    token = sign_in_person(ws.client, person)
    ws.client.post(f"/ui/pengajuan/P2HAM/2025/{unit}/tangani", data={"csrf": token})
    thief = stolen_copy(ws, ws.client)
    assert is_signed_in(thief)
    if change == "keluar":
        token = csrf_of(ws.client.get("/ui/keluar").text)
        ws.client.post("/ui/keluar", data={"csrf": token})
    else:
        admin_client = TestClient(ws.client.app)
        token = sign_in_admin(ws, admin_client)
        answer = admin_client.post(
            f"/ui/admin/akun/{person.account_id}/{change}", data={"csrf": token}
        )
        assert answer.status_code == 200
    assert not is_signed_in(thief)
    assert not is_signed_in(ws.client)
    if change == "nonaktifkan":
        status, text = try_sign_in(TestClient(ws.client.app), person.username, person.password)
        assert (status, "dinonaktifkan" in text) == (403, True)
        with ws.sessions() as session:  # a disabled verifier holds no submission
            held = session.scalars(
                sa.select(ReviewClaim).where(ReviewClaim.claimed_by_account == person.account_id)
            ).all()
        assert held == []


def sign_in_admin(ws: Workspace, client: TestClient) -> str:
    """An admin with the second factor set up (admins must have it), signed in."""
    admin = ws.person(Role.ADMIN, name="Admin Orang")
    sign_in_person(client, admin)
    secret = enrol(client)
    token = csrf_of(client.get("/ui/keluar").text)
    client.post("/ui/keluar", data={"csrf": token})
    return sign_in_person(client, admin, code=totp_code(secret))


def enrol(client: TestClient) -> str:
    """Set up TOTP on the signed-in account; its secret."""
    setup = client.get("/ui/akun/totp")
    assert setup.status_code == 200, setup.text
    found = SECRET.search(setup.text)
    assert found, setup.text
    assert "<svg" in setup.text
    confirmed = client.post(
        "/ui/akun/totp",
        data={"kode": totp_code(found.group(1), 0), "csrf": csrf_of(setup.text)},
    )
    assert confirmed.status_code == 200
    assert "Kode pemulihan" in confirmed.text
    return found.group(1)


def test_changing_ones_password_ends_the_other_sessions_and_rotates_this_one(
    ws: Workspace,
) -> None:
    person = ws.person_verifier
    token = sign_in_person(ws.client, person)
    before = session_row(ws, ws.client).id
    elsewhere = TestClient(ws.client.app)
    sign_in_person(elsewhere, person)
    new = "kopi tubruk di pagi hari"
    answer = ws.client.post(
        "/ui/akun/sandi", data={"lama": person.password, "baru": new, "ulangi": new, "csrf": token}
    )
    assert answer.status_code == 200
    assert "Kata sandi sudah diganti" in answer.text
    assert session_row(ws, ws.client).id != before
    assert is_signed_in(ws.client)
    assert not is_signed_in(elsewhere)
    assert try_sign_in(TestClient(ws.client.app), person.username, person.password)[0] == 401
    assert try_sign_in(TestClient(ws.client.app), person.username, new)[0] == 303


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        pytest.param("{old}", "pendek", "minimal 10 karakter", id="too-short"),
        pytest.param("{old}", "password123", "paling sering dipakai", id="common"),
        pytest.param("{old}", "Bismillah2025!", "paling sering dipakai", id="common-plus-digits"),
        pytest.param("{old}", "saya {user} sekali", "nama pengguna", id="has-the-username"),
        pytest.param("salah salah salah", "kopi tubruk di pagi", "sekarang salah", id="wrong"),
    ],
)
def test_a_weak_new_password_or_a_wrong_current_one_is_refused(
    ws: Workspace, current: str, new: str, message: str
) -> None:
    person = ws.person_verifier
    token = sign_in_person(ws.client, person)
    new = new.format(user=person.username)
    answer = ws.client.post(
        "/ui/akun/sandi",
        data={
            "lama": current.format(old=person.password),
            "baru": new,
            "ulangi": new,
            "csrf": token,
        },
    )
    assert answer.status_code == 422
    assert message in answer.text
    assert try_sign_in(TestClient(ws.client.app), person.username, person.password)[0] == 303


def test_totp_once_set_up_is_asked_after_the_password_and_each_code_works_once(
    ws: Workspace,
) -> None:
    person = ws.person_verifier
    sign_in_person(ws.client, person)
    secret = enrol(ws.client)
    with ws.sessions() as session:
        account = session.get(Account, person.account_id)
    assert account is not None
    assert account.totp_secret is not None
    assert account.totp_secret.startswith("enc1:")  # sealed at rest
    assert secret not in account.totp_secret
    browser = TestClient(ws.client.app)
    status, _ = try_sign_in(browser, person.username, person.password)
    assert status == 303
    assert not is_signed_in(browser)  # the password alone is not enough
    code = totp_code(secret)
    token = csrf_of(browser.get("/ui/masuk/kode").text)
    assert browser.post("/ui/masuk/kode", data={"kode": "000000", "csrf": token}).status_code in (
        401,
        303,  # (one in a million: the right code)
    )
    done = browser.post(
        "/ui/masuk/kode", data={"kode": code, "csrf": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert is_signed_in(browser)
    replay = TestClient(ws.client.app)
    try_sign_in(replay, person.username, person.password)
    token = csrf_of(replay.get("/ui/masuk/kode").text)
    again = replay.post("/ui/masuk/kode", data={"kode": code, "csrf": token})
    assert again.status_code == 401
    assert "sudah dipakai" in again.text
    assert not is_signed_in(replay)


def test_a_recovery_code_signs_in_once_instead_of_the_app(ws: Workspace) -> None:
    person = ws.person_verifier
    sign_in_person(ws.client, person)
    setup = ws.client.get("/ui/akun/totp")
    found = SECRET.search(setup.text)
    assert found
    shown = ws.client.post(
        "/ui/akun/totp",
        data={"kode": totp_code(found.group(1), 0), "csrf": csrf_of(setup.text)},
    ).text
    codes = re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", shown)
    assert len(codes) == 10
    for expected in (303, 401):
        browser = TestClient(ws.client.app)
        try_sign_in(browser, person.username, person.password)
        token = csrf_of(browser.get("/ui/masuk/kode").text)
        answer = browser.post(
            "/ui/masuk/kode", data={"kode": codes[0], "csrf": token}, follow_redirects=False
        )
        assert answer.status_code == expected


def test_wrong_codes_count_toward_the_lockout(ws: Workspace) -> None:
    person = ws.person_verifier
    sign_in_person(ws.client, person)
    enrol(ws.client)
    browser = TestClient(ws.client.app)
    try_sign_in(browser, person.username, person.password)
    token = csrf_of(browser.get("/ui/masuk/kode").text)
    answers = [
        browser.post("/ui/masuk/kode", data={"kode": "12345x", "csrf": token}).status_code
        for _ in range(5)
    ]
    assert answers == [401, 401, 401, 401, 429]
    assert try_sign_in(TestClient(ws.client.app), person.username, person.password)[0] == 429


def test_an_admin_must_set_up_the_second_factor_before_any_page(ws: Workspace) -> None:
    admin = ws.person(Role.ADMIN, name="Admin Baru")
    sign_in_person(ws.client, admin)
    for path in ("/ui/antrean", "/ui/admin/akun", "/ui/matriks"):
        answer = ws.client.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/ui/akun/totp"), path
    enrol(ws.client)
    assert ws.client.get("/ui/admin/akun").status_code == 200


def test_an_operator_reaches_the_upload_page_and_not_the_verifiers_pages(ws: Workspace) -> None:
    unit = ws.unit(name="Kota Operator Uji")
    operator = ws.person(Role.UNIT, unit=unit, name="Operator Kota")
    form = ws.client.get("/ui/masuk?lanjut=")
    answer = ws.client.post(
        "/ui/masuk",
        data={
            "username": operator.username,
            "password": operator.password,
            "csrf": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/ui/unggah"
    page = ws.client.get("/ui/unggah")
    assert page.status_code == 200
    assert f"Operator Kota · Operator unit unit {unit}" in text_of(page.text)
    for path in ("/ui/antrean", "/ui/matriks", "/ui/admin/akun"):
        assert ws.client.get(path).status_code == 403, path
    verifier_client = TestClient(ws.client.app)
    sign_in_person(verifier_client, ws.person_verifier)
    assert verifier_client.get("/ui/unggah").status_code == 403


def test_only_admins_open_the_admin_pages(ws: Workspace) -> None:
    sign_in_person(ws.client, ws.person_verifier)
    for path in ("/ui/admin/akun", "/ui/admin/kunci"):
        assert ws.client.get(path).status_code == 403
    token = csrf_of(ws.client.get("/ui/antrean").text)
    answer = ws.client.post(
        "/ui/admin/kunci", data={"nama": "curian", "peran": "admin", "csrf": token}
    )
    assert answer.status_code == 403
    with ws.sessions() as session:
        assert (
            session.scalar(
                sa.select(sa.func.count()).select_from(Account).where(Account.username == "curian")
            )
            == 0
        )


def test_an_admin_creates_an_account_and_mints_a_key_each_shown_once(ws: Workspace) -> None:
    token = sign_in_admin(ws, ws.client)
    created = ws.client.post(
        "/ui/admin/akun",
        data={
            "username": "Verifikator.Baru",
            "nama": "Verifikator Baru",
            "peran": "verifier",
            "wilayah": ws.region,
            "csrf": token,
        },
    )
    assert created.status_code == 200
    password = re.search(r'<code class="secret" id="rahasia">([^<]+)</code>', created.text)
    assert password
    assert password.group(1) not in ws.client.get("/ui/admin/akun").text
    person = Person("verifikator.baru", password.group(1), "Verifikator Baru", "")
    sign_in_person(TestClient(ws.client.app), person)

    minted = ws.client.post(
        "/ui/admin/kunci",
        data={"nama": "Portal Uji", "peran": "portal", "wilayah": ws.region, "csrf": token},
    )
    secret = re.search(r'id="rahasia">(absah_[^<]+)</code>', minted.text)
    assert secret
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    assert ws.client.get("/v1/review-queue", headers=headers).status_code == 200
    listing = ws.client.get("/ui/admin/kunci").text
    assert secret.group(1) not in listing
    prefix = secret.group(1).split("_")[1]
    key_id = re.search(
        rf'/ui/admin/kunci/([0-9a-f-]+)/cabut"[^<]*<input[^>]*><button[^>]*"Cabut kunci {prefix}"',
        listing,
    )
    assert key_id
    revoked = ws.client.post(f"/ui/admin/kunci/{key_id.group(1)}/cabut", data={"csrf": token})
    assert "dicabut" in revoked.text
    assert ws.client.get("/v1/review-queue", headers=headers).status_code == 401


def test_a_decision_and_a_claim_name_the_person_and_the_report_the_verifier(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    person = ws.person_verifier
    token = sign_in_person(ws.client, person)
    base = f"/ui/pengajuan/P2HAM/2025/{unit}"
    ws.client.post(f"{base}/tangani", data={"csrf": token})
    ws.client.post(f"{base}/keputusan/{LAKTASI}", data={"keputusan": "accepted", "csrf": token})
    with ws.sessions() as session:
        decision = session.scalars(sa.select(Decision).order_by(Decision.id.desc())).first()
        claim = session.scalars(
            sa.select(ReviewClaim).where(ReviewClaim.claimed_by_account == person.account_id)
        ).one()
        entry = session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "decision.recorded")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert decision is not None
    assert (decision.decided_by_account, decision.decided_by) == (person.account_id, None)
    assert (claim.claimed_by, claim.claimed_by_name) == (None, "Verifikator Satu")
    assert entry is not None
    assert (entry.actor_account_id, entry.actor) == (person.account_id, "Verifikator Satu")
    history = ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json()
    assert [(d["by"], d["by_account"], d["by_key_id"]) for d in history] == [
        ("Verifikator Satu", person.username, None)
    ]
    report = ws.client.get(f"{base}/laporan").text
    assert "(Verifikator Satu," in report
    # a key that decides is recorded as the key, with no person
    ws.client.post(f"{base}/lepas", data={"csrf": token})
    assert ws.decide(unit, LAKTASI, decision="accepted", headers=ws.admin).status_code == 201
    latest = ws.client.get(ws.path(unit, "/decisions"), headers=ws.admin).json()[0]
    assert (latest["by"], latest["by_account"]) == ("Admin Uji", None)
    assert latest["by_key_id"] is not None


def test_the_session_row_names_the_account_and_ends_with_it(ws: Workspace) -> None:
    person = ws.person_verifier
    sign_in_person(ws.client, person)
    sid = payload_of(cookie_of(ws.client))["sid"]
    with transaction(ws.sessions) as session:
        session.execute(
            sa.update(Account).where(Account.id == person.account_id).values(active=False)
        )  # disabled behind the pages' back (a database edit): still refused
    assert not is_signed_in(ws.client)
    with ws.sessions() as session:
        row = session.get(WebSession, token_hash(sid))
    assert row is not None
    assert row.end_reason == "account_disabled"


def test_without_the_oidc_settings_there_is_no_single_sign_on(ws: Workspace) -> None:
    assert "/ui/masuk/sso" not in ws.client.get("/ui/masuk").text
    assert ws.client.get("/ui/masuk/sso", follow_redirects=False).status_code == 404


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        pytest.param(
            "/ui/admin/akun",
            {"username": "tanpa.token", "nama": "Tanpa Token", "peran": "admin"},
            id="create-an-account",
        ),
        pytest.param("/ui/admin/kunci", {"nama": "Tanpa Token", "peran": "admin"}, id="mint-a-key"),
        pytest.param(
            "/ui/akun/sandi",
            {"lama": "x", "baru": "kopi tubruk di pagi", "ulangi": "kopi tubruk di pagi"},
            id="change-the-password",
        ),
        pytest.param("/ui/akun/totp", {"kode": "123456"}, id="set-up-totp"),
    ],
)
def test_account_forms_without_their_token_are_refused(
    ws: Workspace, path: str, fields: dict[str, str]
) -> None:
    sign_in_admin(ws, ws.client)
    answer = ws.client.post(path, data={**fields, "csrf": "forged"})
    assert answer.status_code == 403
    assert "kedaluwarsa" in answer.text
    with ws.sessions() as session:
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Account)
                .where(Account.username == "tanpa.token")
            )
            == 0
        )

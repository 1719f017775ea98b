"""People sign in as people, in a real headless Chromium against a real `absah api`: sign in,
see your name, sign out (the copied cookie is dead); the lockout; TOTP set-up and sign-in with
a code; single sign-on through a test OpenID Connect issuer; an operator reaches /ui/unggah;
an admin sets up the second factor, creates an account and mints a key. Screenshots go to
test-artifacts/screens/ (a-*.png)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role
from infra.units import UnitRow, apply_units, seed_registry
from tests.support.accounts import Person, make_person, totp_code
from tests.support.browser import LAPTOP, screenshot
from tests.support.oidc_issuer import Issuer, oidc_settings, running_issuer
from tests.support.services import server_settings
from tests.support.stack import start_api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture(scope="module")
def stack(
    pg_database: str,
    redis_url: str,
    s3_endpoint: str,
    issuer: Issuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Issuer, str, list[Person]]]:
    tmp = tmp_path_factory.mktemp("accounts")
    settings = server_settings(
        pg_database, redis_url, s3_endpoint, tmp / "data", **oidc_settings(issuer)
    )
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    unit = "T" + secrets.token_hex(4).upper()
    with transaction(sessions) as session:
        seed_registry(session)
        apply_units(session, [UnitRow(unit, f"Kota Operator {unit}", "kota", "16")])
    people = [
        make_person(sessions, settings, Role.VERIFIER, region="16", name="Sri Verifikator"),
        make_person(sessions, settings, Role.VERIFIER, region="16", name="Joko Terkunci"),
        make_person(sessions, settings, Role.VERIFIER, region="16", name="Dewi Dua Langkah"),
        make_person(sessions, settings, Role.UNIT, unit=unit, name="Operator Kota"),
        make_person(sessions, settings, Role.ADMIN, name="Admin Kanwil"),
    ]
    engine.dispose()
    api, base = start_api(settings, tmp)
    try:
        yield base, issuer, unit, people
    finally:
        api.stop()


@pytest.fixture
def page(browser: Browser, stack: tuple[str, Issuer, str, list[Person]]) -> Iterator[Page]:
    context = browser.new_context(base_url=stack[0], viewport=LAPTOP)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def fill_sign_in(page: Page, person: Person, password: str | None = None) -> None:
    page.get_by_label("Nama pengguna").fill(person.username)
    page.get_by_label("Kata sandi").fill(password or person.password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_a_verifier_signs_in_sees_their_name_signs_out_and_the_copied_cookie_is_dead(
    page: Page, browser: Browser, stack: tuple[str, Issuer, str, list[Person]]
) -> None:
    base, _, _, people = stack
    person = people[0]
    page.goto("/ui/antrean")
    expect(page).to_have_url(re.compile(r"/ui/masuk\?lanjut=/ui/antrean$"))
    screenshot(page, "a01-masuk")
    fill_sign_in(page, person)
    expect(page.get_by_role("heading", name="Antrean pemeriksaan")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Sri Verifikator · Verifikator wilayah 16")
    screenshot(page, "a02-antrean-nama", full_page=False)
    copied = page.context.cookies()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_contain_text("Anda sudah keluar")

    thief = browser.new_context(base_url=base, viewport=LAPTOP)
    thief.add_cookies(copied)  # type: ignore[arg-type]
    stolen = thief.new_page()
    stolen.goto("/ui/antrean")
    expect(stolen).to_have_url(re.compile(r"/ui/masuk"))
    expect(stolen.get_by_role("heading", name="Masuk")).to_be_visible()
    thief.close()


def test_five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused(
    page: Page, stack: tuple[str, Issuer, str, list[Person]]
) -> None:
    person = stack[3][1]
    page.goto("/ui/masuk")
    for _ in range(5):
        fill_sign_in(page, person, "ini bukan sandinya")
    expect(page.get_by_role("alert")).to_contain_text("dikunci sementara")
    fill_sign_in(page, person)
    expect(page.get_by_role("alert")).to_contain_text("dikunci sementara")
    expect(page.get_by_label("Nama pengguna")).to_have_value(person.username)
    screenshot(page, "a03-terkunci")


def test_a_verifier_sets_up_totp_and_then_signs_in_with_a_code(
    page: Page, stack: tuple[str, Issuer, str, list[Person]]
) -> None:
    person = stack[3][2]
    page.goto("/ui/masuk")
    fill_sign_in(page, person)
    page.locator(".who").get_by_role("link", name="Dewi Dua Langkah").click()
    expect(page.get_by_role("heading", name="Akun saya")).to_be_visible()
    screenshot(page, "a04-akun-saya")
    page.get_by_role("link", name="atur").click()
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "a05-totp-qr")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Kode dari aplikasi").fill(totp_code(secret, 0))
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_role("list", name="Kode pemulihan").locator("li")).to_have_count(10)
    screenshot(page, "a06-kode-pemulihan")
    page.get_by_role("button", name="Keluar").click()

    fill_sign_in(page, person)
    expect(page.get_by_role("heading", name="Kode verifikasi")).to_be_visible()
    screenshot(page, "a07-kode-verifikasi")
    page.get_by_label("Kode").fill(totp_code(secret))
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="Antrean pemeriksaan")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Dewi Dua Langkah")


def test_single_sign_on_through_the_test_issuer(
    page: Page, stack: tuple[str, Issuer, str, list[Person]]
) -> None:
    issuer = stack[1]
    issuer.claims = {
        "sub": "kc-e2e-1",
        "preferred_username": "rina.sso",
        "name": "Rina lewat SSO",
        "absah_role": "absah-verifier",
        "absah_region": "16",
    }
    page.goto("/ui/masuk")
    page.get_by_role("link", name="Masuk dengan SSO").click()
    expect(page.get_by_role("heading", name="Antrean pemeriksaan")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Rina lewat SSO · Verifikator wilayah 16")
    screenshot(page, "a08-sso-masuk", full_page=False)


def test_an_operator_signs_in_and_reaches_the_upload_page(
    page: Page, stack: tuple[str, Issuer, str, list[Person]]
) -> None:
    _, _, unit, people = stack
    page.goto("/ui/masuk")
    fill_sign_in(page, people[3])
    expect(page).to_have_url(re.compile(r"/ui/unggah$"))
    expect(page.get_by_role("heading", name="Unggah data dukung")).to_be_visible()
    expect(page.locator(".who")).to_contain_text(f"Operator Kota · Operator unit unit {unit}")
    expect(page.get_by_role("link", name="Antrean")).to_have_count(0)
    screenshot(page, "a09-unggah")


def test_an_admin_sets_up_the_second_factor_creates_an_account_and_mints_a_key(
    page: Page, stack: tuple[str, Issuer, str, list[Person]], tmp_path: Path
) -> None:
    admin = stack[3][4]
    page.goto("/ui/masuk")
    fill_sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/ui/akun/totp$"))
    expect(page.get_by_role("alert")).to_contain_text("wajib")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Kode dari aplikasi").fill(totp_code(secret, 0))
    page.get_by_role("button", name="Aktifkan").click()
    page.get_by_role("link", name="Sudah saya simpan, lanjut").click()
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Akun", exact=True)).to_be_visible()
    form = page.locator("form.filters")
    form.get_by_label("Nama pengguna").fill("petugas.baru")
    form.get_by_label("Nama", exact=True).fill("Petugas Baru")
    form.get_by_label("Peran").select_option("verifier")
    form.get_by_label("Wilayah (verifikator)").select_option("16")
    form.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", name="Akun dibuat")).to_be_visible()
    screenshot(page, "a10-akun-dibuat")
    page.get_by_role("link", name="Kembali ke Akun").click()
    expect(page.get_by_role("row", name=re.compile("petugas.baru"))).to_be_visible()
    screenshot(page, "a11-admin-akun")
    page.get_by_role("link", name="Kunci API").click()
    form = page.locator("form.filters")
    form.get_by_label("Nama pemegang").fill("Portal Unggah Uji")
    form.get_by_label("Peran").select_option("portal")
    form.get_by_label("Wilayah").select_option("16")
    form.get_by_role("button", name="Buat kunci").click()
    expect(page.locator("#rahasia")).to_have_text(re.compile(r"^absah_[0-9a-f]{8}_"))
    screenshot(page, "a12-kunci-dibuat")
    page.get_by_role("link", name="Kunci API").click()
    expect(page.get_by_role("row", name=re.compile("Portal Unggah Uji"))).to_be_visible()
    screenshot(page, "a13-admin-kunci")

"""The verifier pages in a real headless Chromium, over the real stack (API, worker, PostgreSQL,
Redis, S3): sign in, the queue, a submission with previews, decisions (one refused first, one
by keyboard), the matrix download; a verifier of another region sees none of it. A screenshot
of each page goes to test-artifacts/screens/."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import (
    Browser,
    Page,
    expect,
)

from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role
from infra.units import UnitRow, apply_units, seed_registry
from tests.support.accounts import Person, make_person
from tests.support.browser import (
    LAPTOP,
    previews_loaded,
    screenshot,
)
from tests.support.records import upload_evidence
from tests.support.services import make_key, make_unit, server_settings
from tests.support.stack import start_api, start_worker, wait_final

pytestmark = pytest.mark.e2e

SKTIM, LAKTASI = "P2H-00-SKTIM", "P2H-02-LAKTASI"


@dataclass
class Stack:
    base: str
    unit: str  # a lapas of region 16 with a decree, two photos and a fake PDF, all checked
    documents: dict[str, str]
    verifier: Person  # accounts
    other_verifier: Person
    other_unit: str


@pytest.fixture(scope="module")
def stack(
    pg_database: str, redis_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("pages")
    settings = server_settings(
        pg_database, redis_url, s3_endpoint, tmp / "data", office_name="Kanwil Uji Absah"
    )
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    unit = make_unit(sessions, region="16")  # a lapas
    admin = make_key(sessions)
    other_unit = "T" + secrets.token_hex(4).upper()
    with transaction(sessions) as session:
        seed_registry(session)
        apply_units(
            session, [UnitRow(other_unit, f"Kota Lain {other_unit}", "kota", "17", "Uji 17")]
        )
    verifier = make_person(
        sessions, settings, Role.VERIFIER, region="16", name="Verifikator Enam Belas"
    )
    other = make_person(
        sessions, settings, Role.VERIFIER, region="17", name="Verifikator Tujuh Belas"
    )
    engine.dispose()
    api, base = start_api(settings, tmp)
    worker = start_worker(settings, tmp)
    try:
        with httpx.Client(base_url=base, timeout=30, headers=admin) as client:
            documents = upload_evidence(client, unit)
            wait_final(client, list(documents.values()), timeout=90)
        yield Stack(base, unit, documents, verifier, other, other_unit)
    finally:
        worker.stop()
        api.stop()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.base, viewport=LAPTOP, accept_downloads=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, person: Person, shot: str | None = None) -> None:
    page.goto("/ui/antrean")
    expect(page).to_have_url(re.compile(r"/ui/masuk\?lanjut=/ui/antrean$"))
    if shot:
        screenshot(page, shot)
    page.get_by_label("Nama pengguna").fill(person.username)
    page.get_by_label("Kata sandi").fill(person.password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Antrean pemeriksaan")).to_be_visible()


def test_a_verifier_reviews_a_submission_and_downloads_the_matrix(
    page: Page, stack: Stack, tmp_path: Path
) -> None:
    sign_in(page, stack.verifier, shot="01-masuk")
    expect(page.get_by_role("status").first).to_contain_text("Selamat datang")

    page.get_by_label("Unit (kode)").fill(stack.unit)
    page.get_by_role("button", name="Saring").click()
    rows = page.locator("table.queue tbody tr")
    expect(rows.filter(has_text=stack.unit)).to_have_count(1)  # one row per submission
    expect(rows.filter(has_text=stack.unit)).to_contain_text("1 berkas ditolak sistem")
    screenshot(page, "02-antrean")

    rows.filter(has_text=stack.unit).get_by_role("link", name=f"Unit uji {stack.unit}").click()
    expect(page).to_have_url(re.compile(f"#k-{SKTIM}$"))  # at the first needing attention
    expect(page.get_by_role("heading", level=1)).to_contain_text(stack.unit)
    sktim = page.locator(f"#k-{SKTIM}")
    expect(sktim.locator(".finding.f-fail")).to_have_count(2)  # the fake PDF's two failures
    expect(sktim).to_contain_text("Isi berkas terdeteksi sebagai berkas gambar JPEG")
    expect(sktim).not_to_contain_text("image/jpeg")
    for doc in stack.documents.values():  # every preview is a real picture, not a broken icon
        previews_loaded(page, page.locator(f'img[src="/ui/pratinjau/{doc}"]'))
    decree = page.request.get(f"/ui/pratinjau/{stack.documents['decree']}")
    assert decree.headers["content-type"] == "image/png"
    photo = page.request.get(f"/ui/pratinjau/{stack.documents['photo1']}")
    assert photo.headers["content-type"] == "image/jpeg"
    screenshot(page, "03-pengajuan")

    # Accepting a criterion with a file the system refused goes against the machine verdict.
    form = page.locator(f"#form-{SKTIM}")
    form.get_by_label("Memenuhi", exact=True).check()
    form.get_by_role("button", name="Simpan keputusan").click()
    refusal = page.locator(f"#form-{SKTIM} .form-error")
    expect(refusal).to_contain_text("berbeda dari hasil pemeriksaan sistem")
    expect(page.locator(f"#alasan-{SKTIM}")).to_be_focused()
    screenshot(page, "04-keputusan-ditolak", full_page=False)
    page.locator(f"#alasan-{SKTIM}").fill("Berkas palsu diabaikan; SK asli sudah lengkap.")
    page.locator(f"#form-{SKTIM}").get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Keputusan “Memenuhi” untuk {SKTIM} sudah dicatat."
    )
    expect(page.locator(f"#k-{SKTIM} .badges")).to_contain_text("Keputusan: Memenuhi")
    screenshot(page, "05-keputusan-dicatat", full_page=False)

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Laporan Hasil Pemeriksaan (cetak)").click()
    report = opened.value
    expect(report.get_by_role("heading", level=1)).to_contain_text("LAPORAN HASIL PEMERIKSAAN")
    expect(report.locator("body")).to_contain_text("Berkas palsu diabaikan")
    screenshot(report, "06-laporan")
    report.close()

    page.get_by_role("link", name="Matriks").click()
    page.get_by_label("Program").select_option("P2HAM")
    page.get_by_label("Periode").fill("2025")
    page.get_by_label("Hanya unit yang sudah mengunggah").check()
    page.get_by_role("button", name="Tampilkan").click()
    row = page.locator("table.matrix tbody tr", has_text=stack.unit)
    expect(row).to_contain_text("Memenuhi")
    screenshot(page, "07-matriks")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename == "matriks_P2HAM_2025.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes()))["Matriks"]
    header = [c.value for c in sheet[1]]
    ours = {
        r[header.index("Kriteria")]: r
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[header.index("Kode Unit")] == stack.unit
    }
    assert ours[SKTIM][header.index("Keputusan")] == "Memenuhi"
    assert ours[LAKTASI][header.index("Status Mesin")] == "LENGKAP"
    assert {r[header.index("Wilayah")] for r in sheet.iter_rows(min_row=2, values_only=True)} == {
        "16"
    }


def test_the_decision_form_works_with_the_keyboard_alone(page: Page, stack: Stack) -> None:
    sign_in(page, stack.verifier)
    page.goto(f"/ui/pengajuan/P2HAM/2025/{stack.unit}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke isi halaman")).to_be_focused()

    # From the form's anchor, Tab walks into the form: decision, note, reason, button.
    page.goto(f"/ui/pengajuan/P2HAM/2025/{stack.unit}#form-{LAKTASI}")
    form = page.locator(f"#form-{LAKTASI}")
    page.keyboard.press("Tab")
    expect(form.get_by_label("Memenuhi", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(form.get_by_label("Memenuhi", exact=True)).to_be_checked()
    button = form.get_by_role("button", name="Simpan keputusan")
    for _ in range(6):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    expect(button).to_be_focused()
    previews_loaded(page, page.locator(f"#k-{LAKTASI} img"))
    button.evaluate("b => b.scrollIntoView({block: 'center'})")
    expect(button).to_be_focused()
    screenshot(page, "08-keyboard", full_page=False)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        f"Keputusan “Memenuhi” untuk {LAKTASI} sudah dicatat."
    )
    expect(page.locator(f"#k-{LAKTASI} .badges")).to_contain_text("Keputusan: Memenuhi")


def test_a_verifier_of_another_region_sees_none_of_region_16(page: Page, stack: Stack) -> None:
    sign_in(page, stack.other_verifier)
    expect(page.locator("main")).not_to_contain_text(stack.unit)
    screenshot(page, "09-lain-antrean")

    answer = page.goto(f"/ui/pengajuan/P2HAM/2025/{stack.unit}")
    assert answer is not None
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak ditemukan")
    expect(page.locator("main")).not_to_contain_text("Unit uji")
    screenshot(page, "10-lain-404")
    for doc in stack.documents.values():
        preview = page.request.get(f"/ui/pratinjau/{doc}")
        assert preview.status == 404
        assert page.request.get(f"/ui/berkas/{doc}").status == 404

    page.goto("/ui/matriks?programme=P2HAM&period=2025")
    expect(page.locator("table.matrix")).to_contain_text(stack.other_unit)
    expect(page.locator("main")).not_to_contain_text(stack.unit)
    expect(page.locator("table.counts tbody tr")).to_have_count(1)
    expect(page.locator("table.counts tbody th")).to_contain_text("17")
    screenshot(page, "11-lain-matriks")

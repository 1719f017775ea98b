"""The verifier's day in a real headless Chromium over the real stack (API, worker, PostgreSQL,
Redis, S3), in a region of its own with three kab/kota and a UPT: the queue per submission
(search, sort, claim), replacing a file (the old one folded away as history), bulk acceptance,
the Kemajuan dashboard (nothing loaded from outside absah) and the phone layout. Screenshots
go to test-artifacts/screens/."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key
from infra.tables import Region
from infra.units import UnitRow, apply_units, seed_registry
from tests.support.browser import LAPTOP, previews_loaded, screenshot
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import server_settings
from tests.support.stack import start_api, start_worker, wait_final

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
SKTIM, LAKTASI = "P2H-00-SKTIM", "P2H-02-LAKTASI"


@dataclass
class Day:
    base: str
    region: str
    alpha: str  # Kota Alpha: photos that pass and a fake decree the system refused
    beta: str  # Kabupaten Beta: a clean LENGKAP criterion, nothing else
    fake: str  # Alpha's refused document
    admin: dict[str, str]
    operator: dict[str, str]  # Alpha's unit key
    verifier: str  # key secrets for the sign-in form
    admin_secret: str


def _upload(
    client: httpx.Client, unit: str, criterion: str, files: list[tuple[str, bytes, str]]
) -> list[str]:
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        data={"criterion": criterion},
        files=[("files", f) for f in files],
    )
    assert answer.status_code == 202, answer.text
    return [d["id"] for d in answer.json()["documents"]]


@pytest.fixture(scope="module")
def day(
    pg_database: str, redis_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Day]:
    tmp = tmp_path_factory.mktemp("day")
    # signed in with keys (ABSAH_UI_KEY_SIGNIN): people's sign-in is test_accounts_pages.py
    settings = server_settings(
        pg_database, redis_url, s3_endpoint, tmp / "data", ui_key_signin=True
    )
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    region = "R" + secrets.token_hex(3).upper()
    tag = secrets.token_hex(3).upper()
    alpha, beta, gamma, upt = (f"A{tag}", f"B{tag}", f"C{tag}", f"U{tag}")
    with transaction(sessions) as session:
        seed_registry(session)
        session.add(Region(code=region, name=f"Provinsi Uji {region}"))
    with transaction(sessions) as session:
        apply_units(
            session,
            [
                UnitRow(alpha, "Kota Alpha", "kota", region),
                UnitRow(beta, "Kabupaten Beta", "kabupaten", region),
                UnitRow(gamma, "Kota Gamma", "kota", region),
                UnitRow(upt, "Lapas Delta", "lapas", region),
            ],
        )
        verifier = create_key(session, role=Role.VERIFIER, name="Verifikator Hari", region=region)
        admin = create_key(session, role=Role.ADMIN, name="Admin Hari")
        operator = create_key(session, role=Role.UNIT, name="Operator Alpha", units=[alpha])
    engine.dispose()
    api, base = start_api(settings, tmp)
    worker = start_worker(settings, tmp)
    admin_headers = {"Authorization": f"Bearer {admin.secret}"}
    try:
        with httpx.Client(base_url=base, timeout=30, headers=admin_headers) as client:
            photos = [("laktasi-1.jpg", photo_jpeg(seed=21), "image/jpeg")]
            photos.append(("laktasi-2.jpg", photo_jpeg(seed=22), "image/jpeg"))
            ids = _upload(client, alpha, LAKTASI, photos)
            fake = _upload(
                client, alpha, SKTIM, [("sk.pdf", photo_jpeg(seed=23), "application/pdf")]
            )
            ids += fake
            ids += _upload(
                client,
                beta,
                LAKTASI,
                [
                    ("laktasi-a.jpg", photo_jpeg(seed=31), "image/jpeg"),
                    ("laktasi-b.jpg", photo_jpeg(seed=32), "image/jpeg"),
                ],
            )
            wait_final(client, ids, timeout=90)
        yield Day(
            base,
            region,
            alpha,
            beta,
            fake[0],
            admin_headers,
            {"Authorization": f"Bearer {operator.secret}"},
            verifier.secret,
            admin.secret,
        )
    finally:
        worker.stop()
        api.stop()


def open_page(browser: Browser, day: Day, secret: str, viewport: ViewportSize = LAPTOP) -> Page:
    context = browser.new_context(base_url=day.base, viewport=viewport, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/ui/antrean")
    page.get_by_text("Masuk dengan kunci API").click()  # folded under the accounts' form
    page.get_by_label("Kunci verifikator").fill(secret)
    page.get_by_role("button", name="Masuk dengan kunci").click()
    expect(page.get_by_role("heading", name="Antrean pemeriksaan")).to_be_visible()
    return page


@pytest.fixture
def verifier_page(browser: Browser, day: Day) -> Iterator[Page]:
    page = open_page(browser, day, day.verifier)
    yield page
    page.context.close()


def expect_rows(page: Page, names: list[str]) -> None:
    """The queue's unit names, in order, once the page that shows them has arrived."""
    expect(page.locator("table.queue tbody tr th[scope=row] a")).to_have_text(names)


def test_the_queue_is_one_row_per_submission_searched_sorted_and_claimed(
    verifier_page: Page, day: Day
) -> None:
    page = verifier_page
    expect_rows(page, ["Kota Alpha", "Kabupaten Beta"])  # the refused file first
    alpha = page.locator("table.queue tbody tr", has_text="Kota Alpha")
    expect(alpha).to_contain_text("1 berkas ditolak sistem")
    expect(alpha).to_contain_text(day.alpha)
    screenshot(page, "day-01-antrean")

    page.get_by_label("Cari unit (nama atau kode)").fill("beta")
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, ["Kabupaten Beta"])
    page.get_by_label("Cari unit (nama atau kode)").fill(day.alpha.lower())
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, ["Kota Alpha"])

    page.get_by_label("Cari unit (nama atau kode)").fill("")
    page.get_by_label("Urutkan").select_option(label="Nama unit")
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, ["Kabupaten Beta", "Kota Alpha"])

    page.get_by_role("button", name="Tangani pengajuan Kabupaten Beta").click()
    expect(page.get_by_role("status").first).to_contain_text("Anda tangani sampai")
    beta = page.locator("table.queue tbody tr", has_text="Kabupaten Beta")
    expect(beta).to_contain_text("Anda, sampai")
    expect(page.get_by_role("button", name="Lepas pengajuan Kabupaten Beta")).to_be_visible()
    screenshot(page, "day-02-antrean-diurutkan-ditangani")
    page.get_by_role("button", name="Lepas pengajuan Kabupaten Beta").click()
    expect(page.get_by_role("button", name="Tangani pengajuan Kabupaten Beta")).to_be_visible()

    # the unit's link opens the submission at the first criterion needing attention
    page.goto("/ui/antrean")
    page.get_by_role("link", name="Kota Alpha").click()
    expect(page).to_have_url(re.compile(f"#k-{SKTIM}$"))
    expect(page.locator(f"#k-{SKTIM}")).to_be_in_viewport()
    expect(page.locator(f"#k-{SKTIM}")).to_contain_text("1 berkas ditolak sistem")
    screenshot(page, "day-02b-pengajuan-terbuka-di-masalah", full_page=False)
    previews_loaded(page, page.locator(".doc-preview img"))
    screenshot(page, "day-02c-pengajuan-penuh")


def test_a_replaced_file_is_folded_away_and_the_new_one_checked(browser: Browser, day: Day) -> None:
    with httpx.Client(base_url=day.base, timeout=30) as client:
        answer = client.post(
            f"/v1/documents/{day.fake}/replace",
            headers=day.operator,
            files={
                "file": (
                    f"{day.alpha}_P2HAM_2025_{SKTIM}_SK_01.pdf",
                    decree_pdf(),
                    "application/pdf",
                )
            },
        )
        assert answer.status_code == 202, answer.text
        new = answer.json()["document"]["id"]
    with httpx.Client(base_url=day.base, timeout=30, headers=day.admin) as client:
        final = wait_final(client, [new], timeout=60)
    assert final[new]["criterion"] == SKTIM
    page = open_page(browser, day, day.verifier)
    page.goto(f"/ui/pengajuan/P2HAM/2025/{day.alpha}#k-{SKTIM}")
    sktim = page.locator(f"#k-{SKTIM}")
    history = sktim.locator("details.history")
    expect(history.locator("> summary")).to_have_text("1 berkas lama (digantikan)")
    expect(history.locator(".doc")).to_be_hidden()
    expect(sktim.locator(".doc").first).to_contain_text(f"{day.alpha}_P2HAM_2025_{SKTIM}_SK_01.pdf")
    history.locator("> summary").click()
    expect(history.locator(".doc")).to_contain_text("Digantikan")
    previews_loaded(page, sktim.locator(".doc-preview img"))
    sktim.scroll_into_view_if_needed()
    screenshot(page, "day-03-berkas-diganti", full_page=False)
    expect(page.get_by_role("button", name="Ganti berkas")).to_have_count(0)  # verifiers read
    page.context.close()

    admin = open_page(browser, day, day.admin_secret)
    admin.goto(f"/ui/pengajuan/P2HAM/2025/{day.alpha}#k-{LAKTASI}")
    card = admin.locator(f"#k-{LAKTASI} .doc").first
    card.locator('input[type="file"]').set_input_files(
        {"name": "laktasi-baru.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg(seed=41)}
    )
    card.get_by_role("button", name="Ganti berkas").click()
    expect(admin.locator(f"#k-{LAKTASI} .flash")).to_contain_text(
        "Berkas diganti dengan laktasi-baru.jpg"
    )
    expect(admin.locator(f"#k-{LAKTASI} details.history > summary")).to_have_text(
        "1 berkas lama (digantikan)"
    )
    previews_loaded(admin, admin.locator(f"#k-{LAKTASI} .doc-preview img"))
    admin.locator(f"#k-{LAKTASI}").scroll_into_view_if_needed()
    screenshot(admin, "day-04-ganti-berkas-admin", full_page=False)
    admin.context.close()


def test_clean_complete_criteria_are_accepted_in_one_action_after_a_confirmation(
    verifier_page: Page, day: Day
) -> None:
    page = verifier_page
    page.goto(f"/ui/pengajuan/P2HAM/2025/{day.beta}")
    page.get_by_role("link", name="Tinjau dan terima sekaligus…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Terima sekaligus")
    listed = page.locator("form.bulk-confirm tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(LAKTASI)
    screenshot(page, "day-05-terima-sekaligus")
    page.get_by_role("button", name="Ya, terima 1 kriteria").click()
    expect(page.get_by_role("status").first).to_contain_text("1 kriteria diterima (Memenuhi)")
    expect(page.locator(f"#k-{LAKTASI} .badges")).to_contain_text("Keputusan: Memenuhi")
    expect(page.get_by_role("link", name="Tinjau dan terima sekaligus…")).to_have_count(0)
    with httpx.Client(base_url=day.base, timeout=30, headers=day.admin) as client:
        decisions = client.get(f"/v1/submissions/P2HAM/2025/{day.beta}/decisions").json()
    assert [(d["criterion"], d["by"]) for d in decisions] == [(LAKTASI, "Verifikator Hari")]


def test_the_dashboard_draws_progress_and_the_counts_reported_upward(
    verifier_page: Page, day: Day
) -> None:
    page = verifier_page
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.get_by_role("link", name="Kemajuan").click()
    page.get_by_label("Periode").fill("2025")
    page.get_by_role("button", name="Tampilkan").click()
    lines = page.locator("li.report-line")
    expect(lines.filter(has_text="kab/kota sudah mengunggah")).to_have_text(
        "2 dari 3 kab/kota sudah mengunggah"
    )
    expect(lines.filter(has_text="UPT sudah mengunggah")).to_have_text(
        "0 dari 1 UPT sudah mengunggah"
    )
    bars = page.locator("svg.units g.unit-bar")
    expect(bars).to_have_count(4)
    expect(page.locator(f'svg.units g.unit-bar[data-unit="{day.alpha}"]')).to_have_count(1)
    expect(page.locator("svg.units")).to_contain_text("Belum mengunggah")
    screenshot(page, "day-06-kemajuan")
    assert requested
    assert all(url.startswith(day.base) for url in requested), requested

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Matriks").click()
    page.get_by_role("button", name="Tampilkan").click()
    gamma = page.locator("table.matrix tbody tr", has_text="Kota Gamma")
    expect(gamma.locator("td.cell.s-none").first).to_have_text("Belum mengunggah")
    expect(page.locator("table.matrix thead")).to_contain_text("Ruang laktasi/menyusui")
    screenshot(page, "day-07-matriks")


def test_on_a_phone_each_criterion_is_a_screen_and_nothing_scrolls_sideways(
    browser: Browser, day: Day
) -> None:
    page = open_page(browser, day, day.verifier, PHONE)
    page.goto(f"/ui/pengajuan/P2HAM/2025/{day.alpha}#k-{LAKTASI}")
    card = page.locator(f"#k-{LAKTASI}")
    box = card.bounding_box()
    assert box is not None
    assert box["height"] >= PHONE["height"] - 1
    assert box["width"] <= PHONE["width"]
    widest = page.evaluate("document.documentElement.scrollWidth")
    assert widest <= PHONE["width"], widest
    previews_loaded(page, card.locator(".doc-preview img"))
    card.evaluate("c => c.scrollIntoView()")
    preview = card.locator(".doc-preview").first.bounding_box()
    assert preview is not None
    assert preview["width"] > PHONE["width"] / 2  # stacked above the findings, not beside
    screenshot(page, "day-08-ponsel", full_page=False)
    page.goto("/ui/antrean")
    screenshot(page, "day-09-ponsel-antrean", full_page=False)
    page.context.close()

"""The operators' upload page in a real headless Chromium over the real stack (API, worker,
PostgreSQL, Redis, moto S3): an operator signs in, drops a folder of photos, a decree and a
ZIP, watches every bar reach 100 %, sees the statuses and the checklist; a part cut off by the
network is sent again alone; a refused file offers "Ganti berkas"; another unit's submission
and the verifiers' pages stay shut. Screenshots go to test-artifacts/screens/unggah-*.png."""

from __future__ import annotations

import base64
import io
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import (
    Browser,
    FilePayload,
    Page,
    Route,
    ViewportSize,
    expect,
)
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key
from infra.multipart import PART_BYTES
from infra.settings import Settings
from infra.units import seed_registry
from tests.support.accounts import Person, make_person
from tests.support.browser import choose_file_with_enter
from tests.support.browser import screenshot as take_screenshot
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import make_unit, server_settings
from tests.support.stack import start_api, start_worker, wait_final
from tests.support.zips import build

pytestmark = pytest.mark.e2e

LAPTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
FINAL_LABEL = re.compile(r"Lolos pemeriksaan sistem|Ditolak sistem|Perlu cek manual|\d+ berkas:")
PAGE = "/ui/unggah?pilihan=P2HAM/2025"
# 19 photos in folders named after their criteria (two each where two are asked for), one
# photo whose criterion nothing tells: the operator picks it.
FOLDERS = {
    "P2H-01-PARKIR": 2,
    "P2H-01-RAMP": 2,
    "P2H-01-GUIDING": 2,
    "P2H-02-LOKET": 2,
    "P2H-02-TOILET": 2,
    "P2H-01-RAMBU": 1,
    "P2H-01-INFO": 1,
    "P2H-02-BERMAIN": 1,
    "P2H-02-ALATBANTU": 1,
    "P2H-02-TUNGGU": 1,
    "P2H-02-IBADAH": 1,
    "P2H-02-KUNJUNGAN": 1,  # two asked for: stays BELUM LENGKAP
    "P2H-03-PETUGAS": 1,
    "P2H-03-PELATIHAN": 1,
}


@dataclass
class Stack:
    base: str
    sessions: sessionmaker[Session]
    settings: Settings


@dataclass
class Operator:
    unit: str
    secret: str  # the unit's API key, for the test's own calls
    person: Person  # the operator's account, who signs in to the page
    verifier: dict[str, str]  # headers of a verifier of the unit's region (a region of its own)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    take_screenshot(page, f"unggah-{name}", full_page=full_page)


@pytest.fixture(scope="module")
def stack(
    pg_database: str, redis_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("unggah")
    settings = server_settings(pg_database, redis_url, s3_endpoint, tmp / "data")
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    with transaction(sessions) as session:
        seed_registry(session)
    api, base = start_api(settings, tmp)
    worker = start_worker(settings, tmp)
    try:
        yield Stack(base, sessions, settings)
    finally:
        worker.stop()
        api.stop()
        engine.dispose()


def new_operator(stack: Stack) -> Operator:
    """A lapas in a region of its own (each operator uploads the same test decree: in one
    region they would be copies of each other) and a verifier of that region."""
    region = "R" + secrets.token_hex(4).upper()
    unit = make_unit(stack.sessions, region=region)
    with transaction(stack.sessions) as session:
        key = create_key(session, role=Role.UNIT, name=f"Operator {unit}", units=[unit])
        verifier = create_key(session, role=Role.VERIFIER, name="Verifikator Uji", region=region)
    person = make_person(stack.sessions, stack.settings, Role.UNIT, unit=unit)
    return Operator(unit, key.secret, person, {"Authorization": f"Bearer {verifier.secret}"})


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.base, viewport=LAPTOP)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, operator: Operator) -> None:
    page.goto("/ui/unggah")
    expect(page).to_have_url(re.compile(r"/ui/masuk\?lanjut=/ui/unggah$"))
    page.get_by_label("Nama pengguna").fill(operator.person.username)
    page.get_by_label("Kata sandi").fill(operator.person.password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Unggah data dukung")).to_be_visible()
    page.get_by_label("Program dan periode").select_option("P2HAM/2025")
    page.get_by_role("button", name="Buka pengajuan").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"P2HAM 2025 · {operator.unit}"))
    ).to_be_visible()
    expect(page.locator("#ringkasan-periksa")).to_contain_text("kriteria LENGKAP")


def evidence_folder(root: Path, unit: str) -> Path:
    folder = root / "bukti"
    seed = 0
    for criterion, count in FOLDERS.items():
        (folder / criterion).mkdir(parents=True)
        for n in range(1, count + 1):
            seed += 1
            (folder / criterion / f"foto-{n}.jpg").write_bytes(photo_jpeg(1066, 800, seed=seed))
    (folder / "lain").mkdir()
    (folder / "lain" / "pengaduan.jpg").write_bytes(photo_jpeg(1066, 800, seed=99))
    return folder


def drop(page: Page, files: dict[str, bytes]) -> None:
    """Files dropped on the drop zone, as a drag from the desktop delivers them."""
    payload = {name: base64.b64encode(data).decode() for name, data in files.items()}
    page.evaluate(
        """files => {
            const dt = new DataTransfer();
            for (const [name, b64] of Object.entries(files)) {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const type = name.endsWith('.zip') ? 'application/zip' : 'application/pdf';
                dt.items.add(new File([bytes], name, {type}));
            }
            const zone = document.getElementById('seret');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));
        }""",
        payload,
    )


def all_bars_full(page: Page, count: int) -> None:
    bars = page.locator("#daftar-berkas progress")
    expect(bars).to_have_count(count)
    for bar in bars.all():
        expect(bar).to_have_attribute("value", "100", timeout=90_000)
    expect(page.locator("#kemajuan-semua")).to_have_attribute("value", "100")


def test_an_operator_drops_photos_a_decree_and_a_zip_and_sees_them_checked(
    page: Page, stack: Stack, tmp_path: Path
) -> None:
    operator = new_operator(stack)
    unit = operator.unit
    sign_in(page, operator)
    screenshot(page, "01-kosong")

    page.locator("#input-folder").set_input_files(evidence_folder(tmp_path, unit))
    decree = f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf"
    zipped = build(
        (
            f"P2H-00-PENCANANGAN/{unit}_P2HAM_2025_P2H-00-PENCANANGAN_PERNYATAAN_01.pdf",
            decree_pdf(),
        ),
        ("P2H-00-PENCANANGAN/kegiatan-1.jpg", photo_jpeg(1066, 800, seed=201)),
        ("P2H-00-PENCANANGAN/kegiatan-2.jpg", photo_jpeg(1066, 800, seed=202)),
    )
    expect(page.locator("#daftar-berkas tr")).to_have_count(20)
    drop(page, {decree: decree_pdf(), "pencanangan.zip": zipped})
    expect(page.locator("#daftar-berkas tr")).to_have_count(22)

    # The binding preview is the server's: folders and the canonical name bind; the loose
    # photo waits for the operator, who picks its criterion before it goes up.
    parking = page.locator("#daftar-berkas tr", has_text="bukti/P2H-01-PARKIR/foto-1.jpg")
    expect(parking.get_by_label("Kriteria untuk foto-1.jpg")).to_have_value("P2H-01-PARKIR")
    expect(page.get_by_label(f"Kriteria untuk {decree}")).to_have_value("P2H-00-SKTIM")
    loose = page.get_by_label("Kriteria untuk pengaduan.jpg")
    expect(loose).to_have_value("")
    expect(page.locator("#daftar-berkas")).to_contain_text("pilih sendiri")
    loose.select_option("P2H-02-PENGADUAN")
    screenshot(page, "02-sebelum-unggah")

    page.get_by_role("button", name="Unggah semua").click()
    all_bars_full(page, 22)
    statuses = page.locator("#daftar-berkas .status")
    for status in statuses.all():
        expect(status).to_have_text(FINAL_LABEL, timeout=120_000)
    zip_row = page.locator("#daftar-berkas tr", has_text="pencanangan.zip")
    expect(zip_row.locator(".status")).to_contain_text("3 berkas")

    expect(page.locator("#k-P2H-00-PENCANANGAN .docs > li")).to_have_count(3)  # the ZIP's
    for criterion in ("P2H-01-PARKIR", "P2H-02-PENGADUAN", "P2H-00-SKTIM"):
        expect(page.locator(f"#k-{criterion} .badges")).to_contain_text(
            re.compile(r"^(LENGKAP|Perlu)")
        )
    visiting = page.locator("#k-P2H-02-KUNJUNGAN")
    expect(visiting.locator(".badges")).to_contain_text("BELUM LENGKAP")
    expect(visiting).to_contain_text("ada 1 dari 2")
    expect(page.locator("#k-P2H-02-LAKTASI")).to_contain_text("ada 0 dari 2")
    screenshot(page, "03-selesai")

    with httpx.Client(base_url=stack.base, headers=operator.headers, timeout=30) as client:
        body = client.get(f"/v1/submissions/P2HAM/2025/{unit}").json()
    documents = [d for c in body["criteria"] for d in c["documents"]]
    assert len(documents) == 24  # 20 photos, the decree, the ZIP's three entries
    assert {d["criterion"] for d in documents if d["name"] == "pengaduan.jpg"} == {
        "P2H-02-PENGADUAN"
    }


def noise_jpeg(size_at_least: int) -> bytes:
    side = 1600
    while True:
        img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=95)
        if out.tell() > size_at_least:
            return out.getvalue()
        side += 600


def part_number(route: Route) -> int:
    """The part a presigned PUT carries (S3's `partNumber` query parameter)."""
    found = re.search(r"partNumber=(\d+)", route.request.url)
    assert found is not None, route.request.url
    return int(found.group(1))


def test_a_part_cut_off_by_the_network_is_sent_again_alone(
    page: Page, stack: Stack, tmp_path: Path
) -> None:
    operator = new_operator(stack)
    sign_in(page, operator)
    big = tmp_path / f"{operator.unit}_P2HAM_2025_P2H-02-LAKTASI_FOTO_01.jpg"
    big.write_bytes(noise_jpeg(2 * PART_BYTES + 1))
    sent: dict[int, int] = {}

    def cut_second_part_once(route: Route) -> None:
        number = part_number(route)
        sent[number] = sent.get(number, 0) + 1
        if number == 2 and sent[number] == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r"partNumber=\d+"), cut_second_part_once)
    page.locator("#input-berkas").set_input_files(big)
    row = page.locator("#daftar-berkas tr", has_text=big.name)
    expect(row.get_by_label(f"Kriteria untuk {big.name}")).to_have_value("P2H-02-LAKTASI")
    page.get_by_role("button", name="Unggah semua").click()
    all_bars_full(page, 1)
    expect(row.locator(".status")).to_have_text(FINAL_LABEL, timeout=60_000)
    screenshot(page, "04-dilanjutkan", full_page=False)
    assert sent == {1: 1, 2: 2, 3: 1}  # the cut part again, the others once


def test_after_a_reload_the_same_file_sends_only_the_parts_the_server_lacks(
    page: Page, stack: Stack, tmp_path: Path
) -> None:
    # the connection drops for good during the second part and the operator reloads the page
    # (or comes back later): choosing the same file again re-sends neither the first part
    # nor the file from the start
    operator = new_operator(stack)
    sign_in(page, operator)
    big = tmp_path / f"{operator.unit}_P2HAM_2025_P2H-02-TOILET_FOTO_01.jpg"
    big.write_bytes(noise_jpeg(2 * PART_BYTES + 1))
    before: dict[int, int] = {}
    parts = re.compile(r"partNumber=\d+")

    def part_two_never_arrives(route: Route) -> None:
        number = part_number(route)
        before[number] = before.get(number, 0) + 1
        if number == 2:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(parts, part_two_never_arrives)
    page.locator("#input-berkas").set_input_files(big)
    page.get_by_role("button", name="Unggah semua").click()
    row = page.locator("#daftar-berkas tr", has_text=big.name)
    expect(row.locator(".status")).to_have_text(re.compile("Koneksi terputus"))
    assert before.get(1) == 1
    assert before.get(2, 0) >= 1

    page.unroute(parts)
    after: dict[int, int] = {}

    def count(route: Route) -> None:
        number = part_number(route)
        after[number] = after.get(number, 0) + 1
        route.continue_()

    page.route(parts, count)
    page.reload()
    expect(page.locator("#daftar-berkas tr", has_text=big.name)).to_have_count(0)  # list gone
    page.locator("#input-berkas").set_input_files(big)
    page.evaluate(  # every message the page announces, kept (each replaces the one before)
        """() => { const kabar = document.getElementById('kabar'); window.said = [];
            new MutationObserver(() => window.said.push(kabar.textContent))
                .observe(kabar, {childList: true, characterData: true, subtree: true}); }"""
    )
    page.get_by_role("button", name="Unggah semua").click()
    row = page.locator("#daftar-berkas tr", has_text=big.name)
    all_bars_full(page, 1)
    expect(row.locator(".status")).to_have_text(FINAL_LABEL, timeout=60_000)
    said = page.evaluate("() => window.said")
    assert any("1 dari 3 bagian sudah diterima server" in text for text in said), said
    assert after == {2: 1, 3: 1}  # part 1 was already held by the server
    kept = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('absah.unggah.'))"
    )
    assert kept == []  # forgotten once done
    screenshot(page, "05-dilanjutkan-setelah-muat-ulang", full_page=False)


def test_a_refused_file_offers_ganti_berkas_and_the_note_is_shown(
    browser: Browser, page: Page, stack: Stack
) -> None:
    operator = new_operator(stack)
    unit = operator.unit
    with httpx.Client(base_url=stack.base, headers=operator.headers, timeout=30) as client:
        fake = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/documents",
            files=[
                (
                    "files",
                    (f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf", photo_jpeg(), "application/pdf"),
                )
            ],
        )
        photo = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/documents",
            data={"criterion": "P2H-02-LAKTASI"},
            files=[("files", ("laktasi.jpg", photo_jpeg(seed=7), "image/jpeg"))],
        )
        ids = [d["id"] for d in fake.json()["documents"] + photo.json()["documents"]]
        wait_final(client, ids, timeout=60)
    with httpx.Client(base_url=stack.base, headers=operator.verifier, timeout=30) as client:
        decided = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/criteria/P2H-02-LAKTASI/decision",
            json={
                "decision": "revision_requested",
                "note": "Foto kedua belum ada; foto pertama buram.",
            },
        )
        assert decided.status_code in {200, 201}, decided.text

    sign_in(page, operator)
    sktim = page.locator("#k-P2H-00-SKTIM")
    expect(sktim).to_contain_text("Ditolak sistem")
    laktasi = page.locator("#k-P2H-02-LAKTASI")
    expect(laktasi).to_contain_text("Verifikator: Perlu Perbaikan")
    expect(laktasi).to_contain_text("Foto kedua belum ada; foto pertama buram.")
    expect(laktasi).to_contain_text("ada 1 dari 2")

    button = sktim.get_by_role("button", name=re.compile("Ganti berkas"))
    choose_file_with_enter(page, button).set_files(
        files=FilePayload(name="sk-tim-benar.pdf", mimeType="application/pdf", buffer=decree_pdf())
    )
    row = page.locator("#daftar-berkas tr", has_text="sk-tim-benar.pdf")
    # the replacement is checked like any upload; the refused file is superseded
    expect(row.locator(".status")).to_contain_text("1 lolos pemeriksaan sistem", timeout=90_000)
    expect(sktim).to_contain_text("LENGKAP")
    screenshot(page, "05-ganti-berkas")

    phone = browser.new_context(base_url=stack.base, viewport=PHONE, is_mobile=True)
    small = phone.new_page()
    sign_in(small, operator)
    expect(small.locator("#k-P2H-02-LAKTASI")).to_contain_text("Perlu Perbaikan")
    screenshot(small, "06-ponsel")
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    phone.close()


def test_another_units_submission_and_the_verifier_pages_stay_shut(
    page: Page, stack: Stack
) -> None:
    operator, other = new_operator(stack), new_operator(stack)
    sign_in(page, operator)
    csrf = page.locator("#unggah").get_attribute("data-csrf")
    assert csrf

    shut = page.goto(f"/ui/unggah?pilihan=P2HAM/2025&unit={other.unit}")
    assert shut is not None
    assert shut.status == 404
    expect(page.locator("main")).not_to_contain_text(f"Unit uji {other.unit}")
    screenshot(page, "07-unit-lain")
    api = "/ui/unggah/api"
    assert page.request.get(f"{api}/pengajuan/P2HAM/2025/{other.unit}").status == 404
    reserve = {
        "programme": "P2HAM",
        "period": "2025",
        "unit": other.unit,
        "name": "x.pdf",
        "size": 10,
        "sha256": "0" * 64,
    }
    taken = page.request.post(f"{api}/unggahan", data=reserve, headers={"X-CSRF-Token": csrf})
    assert taken.status == 404
    mine = {**reserve, "unit": operator.unit, "criterion": "P2H-00-SKTIM"}
    forged = page.request.post(f"{api}/unggahan", data=mine, headers={"X-CSRF-Token": "forged"})
    assert forged.status == 403
    assert forged.json()["code"] == "csrf_failed"
    assert page.request.post(f"{api}/unggahan", data=mine).status == 403
    zipped = page.request.post(
        f"{api}/bundel/P2HAM/2025/{other.unit}",
        headers={"X-CSRF-Token": csrf},
        multipart={"file": {"name": "a.zip", "mimeType": "application/zip", "buffer": b"PK"}},
    )
    assert zipped.status == 404

    for verifier_page in (
        "/ui/antrean",
        f"/ui/pengajuan/P2HAM/2025/{operator.unit}",
        "/ui/matriks",
    ):
        answer = page.goto(verifier_page)
        assert answer is not None, verifier_page
        assert answer.status == 403, verifier_page
    expect(page.locator("main")).to_contain_text(
        "Operator unit mengunggah berkas di halaman Unggah"
    )
    page.goto("/ui")
    expect(page).to_have_url(re.compile(r"/ui/unggah$"))

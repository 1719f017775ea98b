"""The submission page shows a look-alike photo next to this one, and another unit's copy of a
file as a line, each with units, dates and a link."""

from __future__ import annotations

import re

from playwright.sync_api import Route, sync_playwright

from tests.support.factories import decree_pdf, photo_jpeg, reworked_photo
from tests.support.pages import sign_in
from tests.support.records import add_document
from tests.support.stack import ROOT
from tests.support.workspace import Workspace
from worker.pipeline import verify_document
from worker.runtime import WorkerRuntime

LAKTASI = "P2H-02-LAKTASI"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SCREENS = ROOT / "test-artifacts" / "screens"


def test_a_near_duplicate_is_shown_beside_the_other_units_photo(ws: Workspace) -> None:
    first = ws.unit(name="Kota Uji Pertama")
    second = ws.unit(name="Kota Uji Kedua")
    original = photo_jpeg(seed=211)
    rt = WorkerRuntime(ws.settings)
    theirs = add_document(ws.settings, ws.sessions, first, original, "laktasi.jpg", LAKTASI)
    ours = add_document(
        ws.settings, ws.sessions, second, reworked_photo(original), "laktasi-baru.jpg", LAKTASI
    )
    verify_document(rt, theirs)
    verify_document(rt, ours)

    sign_in(ws.client, ws.person_verifier)
    path = f"/ui/pengajuan/P2HAM/2025/{second}"
    page = ws.client.get(path)
    assert page.status_code == 200, page.text
    twins = re.search(r'<figure class="twins".*?</figure>', page.text, re.S)
    assert twins, "no side-by-side comparison on the page"
    html = twins.group(0)
    assert f'src="/ui/pratinjau/{ours}"' in html
    assert f'src="/ui/pratinjau/{theirs}"' in html
    assert f"Kota Uji Pertama ({first})" in html
    assert f'href="/ui/pengajuan/P2HAM/2025/{first}#d-{theirs}"' in html
    assert "Foto yang mirip" in html

    _screenshot(ws, path, "figure.twins", "pengajuan-foto-mirip.png")


def test_another_units_copy_of_a_decree_is_named_with_a_link_to_it(ws: Workspace) -> None:
    first = ws.unit(name="Kota Uji Asal")
    second = ws.unit(name="Kota Uji Penyalin")
    decree = decree_pdf()
    rt = WorkerRuntime(ws.settings)
    theirs = add_document(ws.settings, ws.sessions, first, decree, "sk-tim.pdf")
    ours = add_document(ws.settings, ws.sessions, second, decree, "sk-tim-kami.pdf")
    verify_document(rt, theirs)
    verify_document(rt, ours)

    sign_in(ws.client, ws.person_verifier)
    path = f"/ui/pengajuan/P2HAM/2025/{second}"
    page = ws.client.get(path)
    assert page.status_code == 200, page.text
    line = re.search(r'<p class="small twin-file">.*?</p>', page.text, re.S)
    assert line, "no line naming the other unit's copy"
    html = line.group(0)
    assert f"Kota Uji Asal ({first})" in html
    assert f'href="/ui/pengajuan/P2HAM/2025/{first}#d-{theirs}"' in html
    assert "Berkas yang sama persis sudah diunggah oleh Kota Uji Asal" in page.text
    assert "<figure" not in page.text  # a file is named, not shown as a picture

    _screenshot(ws, path, "li.finding.f-review", "pengajuan-berkas-salinan.png")


def _screenshot(ws: Workspace, path: str, part: str, name: str) -> None:
    """The page in headless Chromium, every request answered by the in-process app."""

    def answer(route: Route) -> None:
        url = route.request.url.removeprefix("http://absah.test")
        got = ws.client.get(url)
        route.fulfill(status=got.status_code, headers=dict(got.headers), body=got.content)

    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1366, "height": 900})
            tab.route("http://absah.test/**", answer)
            tab.goto("http://absah.test" + path)
            shown = tab.locator(part).first
            shown.scroll_into_view_if_needed()
            for img in shown.locator("img").all():  # lazy images: wait until both are drawn
                img.evaluate("i => i.decode()")
            assert shown.locator("img").evaluate_all("l => l.every(i => i.naturalWidth > 0)")
            tab.locator("article", has=shown).first.screenshot(path=str(SCREENS / name))
        finally:
            browser.close()

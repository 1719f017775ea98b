"""The submission page shows a look-alike photo next to this one, with units, dates and a link."""

from __future__ import annotations

import re

from playwright.sync_api import Route, sync_playwright

from tests.support.factories import photo_jpeg, reworked_photo
from tests.support.pages import sign_in
from tests.support.records import add_document
from tests.support.stack import ROOT
from tests.support.workspace import Workspace
from worker.pipeline import verify_document
from worker.runtime import WorkerRuntime

LAKTASI = "P2H-02-LAKTASI"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SCREEN = ROOT / "test-artifacts" / "screens" / "pengajuan-foto-mirip.png"


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

    _screenshot(ws, path)


def _screenshot(ws: Workspace, path: str) -> None:
    """The page in headless Chromium, every request answered by the in-process app."""

    def answer(route: Route) -> None:
        url = route.request.url.removeprefix("http://absah.test")
        got = ws.client.get(url)
        route.fulfill(status=got.status_code, headers=dict(got.headers), body=got.content)

    SCREEN.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1366, "height": 900})
            tab.route("http://absah.test/**", answer)
            tab.goto("http://absah.test" + path)
            twins = tab.locator("figure.twins").first
            twins.scroll_into_view_if_needed()
            for img in twins.locator("img").all():  # lazy images: wait until both are drawn
                img.evaluate("i => i.decode()")
            assert twins.locator("img").evaluate_all("l => l.every(i => i.naturalWidth > 0)")
            twins.screenshot(path=str(SCREEN))
        finally:
            browser.close()

"""The submission page shows a look-alike photo next to this one, and another unit's copy of a
file as a line, each with units, dates and a link."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Route, sync_playwright

from tests.support.factories import decree_pdf, photo_jpeg, resaved_pdf, reworked_photo
from tests.support.pages import sign_in
from tests.support.records import add_document
from tests.support.stack import ROOT
from tests.support.workspace import Workspace
from worker.pipeline import verify_document
from worker.runtime import WorkerRuntime

LAKTASI, SKTIM = "P2H-02-LAKTASI", "P2H-00-SKTIM"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SCREENS = ROOT / "test-artifacts" / "screens"


@dataclass(frozen=True)
class Pair:
    first: str  # the unit that uploaded first
    theirs: str  # its document
    ours: str  # the later unit's document
    path: str  # the later unit's Pengajuan page
    page: str  # as a verifier of the region reads it


def checked_pair(
    ws: Workspace,
    names: tuple[str, str],
    theirs: tuple[bytes, str, str],
    ours: tuple[bytes, str, str],
) -> Pair:
    """Two units of one region, each with one file (bytes, name, criterion), checked in that
    order; the later unit's page as a verifier reads it."""
    first, second = (ws.unit(name=name) for name in names)
    rt = WorkerRuntime(ws.settings)
    first_doc = add_document(ws.settings, ws.sessions, first, *theirs)
    second_doc = add_document(ws.settings, ws.sessions, second, *ours)
    verify_document(rt, first_doc)
    verify_document(rt, second_doc)
    sign_in(ws.client, ws.person_verifier)
    path = f"/ui/pengajuan/P2HAM/2025/{second}"
    page = ws.client.get(path)
    assert page.status_code == 200, page.text
    return Pair(first, first_doc, second_doc, path, page.text)


def test_a_near_duplicate_is_shown_beside_the_other_units_photo(ws: Workspace) -> None:
    original = photo_jpeg(seed=211)
    pair = checked_pair(
        ws,
        ("Kota Uji Pertama", "Kota Uji Kedua"),
        (original, "laktasi.jpg", LAKTASI),
        (reworked_photo(original), "laktasi-baru.jpg", LAKTASI),
    )
    twins = re.search(r'<figure class="twins".*?</figure>', pair.page, re.S)
    assert twins, "no side-by-side comparison on the page"
    html = twins.group(0)
    assert f'src="/ui/pratinjau/{pair.ours}"' in html
    assert f'src="/ui/pratinjau/{pair.theirs}"' in html
    assert f"Kota Uji Pertama ({pair.first})" in html
    assert f'href="/ui/pengajuan/P2HAM/2025/{pair.first}#d-{pair.theirs}"' in html
    assert "Foto yang mirip" in html

    _screenshot(ws, pair.path, "figure.twins", "pengajuan-foto-mirip.png")


@pytest.mark.parametrize(
    ("saved_again", "line_says", "finding_says", "screen"),
    [
        pytest.param(
            False,
            "Berkas yang sama persis",
            "Berkas yang sama persis sudah diunggah oleh",
            "pengajuan-berkas-salinan.png",
            id="the-very-bytes",
        ),
        pytest.param(
            True,
            "Berkas dengan isi teks yang sama",
            "Isi teks berkas ini sama dengan isi teks dokumen yang diunggah oleh",
            "pengajuan-teks-salinan.png",
            id="saved-again-same-text",
        ),
    ],
)
def test_another_units_copy_of_a_decree_is_named_with_a_link_to_it(
    ws: Workspace, saved_again: bool, line_says: str, finding_says: str, screen: str
) -> None:
    decree = decree_pdf()
    origin = "Kota Uji Teks Asal" if saved_again else "Kota Uji Asal"
    pair = checked_pair(
        ws,
        (origin, f"{origin} Penyalin"),
        (decree, "sk-tim.pdf", SKTIM),
        (resaved_pdf(decree) if saved_again else decree, "sk-tim-kami.pdf", SKTIM),
    )
    line = re.search(r'<p class="small twin-file">.*?</p>', pair.page, re.S)
    assert line, "no line naming the other unit's document"
    html = line.group(0)
    assert f"<strong>{line_says}</strong> dari {origin} ({pair.first})" in html
    assert f'href="/ui/pengajuan/P2HAM/2025/{pair.first}#d-{pair.theirs}"' in html
    assert f"{finding_says} {origin}" in pair.page
    assert "<figure" not in pair.page  # a file is named, not shown as a picture

    _screenshot(ws, pair.path, "li.finding.f-review", screen)


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

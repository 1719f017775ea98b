"""A real Chromium for the page tests (Debian chromium, never a downloaded browser), its
sizes, and screenshots under test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import (
    Locator,
    Page,
    ViewportSize,
    expect,
)

from tests.support.stack import ROOT

CHROMIUM = Path("/usr/bin/chromium")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


SCREENS = ROOT / "test-artifacts" / "screens"


LAPTOP: ViewportSize = {"width": 1366, "height": 768}


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """The whole page, or (full_page=False) what the person sees where the browser landed."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full_page)


def previews_loaded(page: Page, images: Locator) -> None:
    """Wait until each (lazily loaded) preview image has arrived and decoded."""
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_be_visible()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )

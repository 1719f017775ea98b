"""A real Chromium for the page tests (Debian chromium, never a downloaded browser), its
sizes, and screenshots under test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import (
    FileChooser,
    Locator,
    Page,
    ViewportSize,
    expect,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

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


def choose_file_with_enter(page: Page, trigger: Locator, *, attempts: int = 3) -> FileChooser:
    """Press Enter on `trigger` (a button that opens a file picker) and return the picker.

    Headless Chromium now and then drops the picker a keyboard-activated click opens
    (a known Playwright/Chromium flake, seen once in a full CI run): a picker that comes at
    all comes within a second or two, so an empty wait means lost, not late, and the key
    is pressed again, as a person would."""
    for _ in range(attempts - 1):
        try:
            return _picker_after_enter(page, trigger)
        except PlaywrightTimeoutError:
            continue
    return _picker_after_enter(page, trigger)  # the last try's timeout is the test's failure


def _picker_after_enter(page: Page, trigger: Locator) -> FileChooser:
    with page.expect_file_chooser(timeout=8_000) as chooser:
        trigger.press("Enter")
    return chooser.value

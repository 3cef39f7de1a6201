"""Browser fixtures: the app on a live local server, and Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

# What a page shows comes after a sync, a worker's start or a render: on a busy 2-core
# machine that can take longer than Playwright's default 5 s, without anything being wrong.
expect.set_options(timeout=15_000)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The system's Chromium, or None to let Playwright use its own."""
    return (
        os.environ.get("HEARTH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, live_server):
    """Open a phone-sized browser context (a partner's phone); collect page errors."""
    contexts = []

    def open_phone(**options):
        context = browser.new_context(
            **{
                "base_url": live_server,
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
                **options,
            }
        )
        context.problems = []  # console errors and CSP violations seen on its pages

        def watch(page):
            page.on(
                "console",
                lambda m: m.type == "error" and context.problems.append(m.text),
            )
            page.on("pageerror", lambda e: context.problems.append(str(e)))

        context.on("page", watch)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()

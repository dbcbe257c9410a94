"""Browser journeys: Playwright for Python driving Debian's Chromium against a live Haven.

Every test here is marked `e2e` (`pytest -m "not e2e"` leaves them out). The ones that need a
browser are skipped, with the reason, when /usr/bin/chromium is missing; `playwright install` is
never used. Each journey runs at 360×640, the screen of the phones practitioners carry, and
checks every page it lands on (see `Journey.check`). `make screenshots` sets HAVEN_SCREENSHOTS
and the journeys then write the user guide's pictures.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journey import A11Y_FINDINGS, AXE_JS, CHROMIUM, PAGE_WEIGHTS, TIMINGS, Journey

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The phones practitioners carry: a 360×640 screen, touch, the mobile viewport rules.
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-US",
    "timezone_id": "UTC",
}

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: browser journeys and page-weight checks (tests/e2e)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_browser = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) "
        "to run the browser journeys"
    )
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if "live_server" in getattr(item, "fixturenames", ()):
            # The live server sees only committed rows, so these tests commit and the tables
            # are emptied after each; serialized_rollback puts back what the migrations wrote
            # (the audit chain's head row).
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if not CHROMIUM.exists() and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(no_browser)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    write = terminalreporter.write_line
    if PAGE_WEIGHTS:
        terminalreporter.section("e2e: HTML weight (gzip, raw)")
        for label, (gz, raw) in sorted(PAGE_WEIGHTS.items()):
            write(f"{gz / 1024:6.1f} KB {raw / 1024:6.1f} KB  {label}")
    if TIMINGS:
        terminalreporter.section("e2e: DOMContentLoaded on slow 3G")
        for label, ms in TIMINGS.items():
            write(f"{ms:6.0f} ms  {label}")
    if A11Y_FINDINGS:
        terminalreporter.section("e2e: moderate and minor accessibility findings (not failures)")
        for label, findings in sorted(A11Y_FINDINGS.items()):
            for finding in sorted(findings):
                write(f"{label}: {finding}")


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop running on the test thread, so Django takes
    # the test code for async code and refuses ORM calls. The test code is synchronous; the
    # live server answers on its own thread. Set for this package only, never for the others.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser():  # type: ignore[no-untyped-def]
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While an event loop runs on a thread, Django looks its database connections up per
    # context instead of per thread, and would open new ones beside those that pytest-django
    # set up (and that the live server shares on SQLite). Hand it the same ones again.
    same = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in same.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


def new_phone_context(browser, live_server, *, with_axe: bool = True):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    if with_axe and AXE_JS.exists():
        # axe-core goes in as an init script (CDP Page.addScriptToEvaluateOnNewDocument), which
        # Haven's CSP does not apply to. page.add_script_tag(path=...) adds an inline <script>
        # that the CSP (script-src 'self') refuses, and bypass_csp=True would switch the CSP off
        # for the whole journey; this way the CSP stays on and its violations fail the test.
        context.add_init_script(path=str(AXE_JS))
    return context


@pytest.fixture
def context(browser, live_server):  # type: ignore[no-untyped-def]
    context = new_phone_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def journey(context, live_server, request) -> Journey:  # type: ignore[no-untyped-def]
    return Journey(context.new_page(), live_server.url, request.node.name)


# Fictional people and children, named like the demo's so that the screenshots read naturally.
@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    from tests.factories import AgencyFactory

    return AgencyFactory(
        name="Lotus Path Child Protection Office", country="TH", is_child_protection_authority=True
    )


@pytest.fixture
def kanya(office):  # type: ignore[no-untyped-def]
    """A case worker of the office."""
    from haven.accounts.roles import Role
    from tests.factories import staff

    return staff(
        office, Role.CASE_WORKER, username="kanya", first_name="Kanya", last_name="Saengdao"
    )


@pytest.fixture
def orawan(office):  # type: ignore[no-untyped-def]
    """The office's supervisor."""
    from haven.accounts.roles import Role
    from tests.factories import staff

    return staff(
        office, Role.SUPERVISOR, username="orawan", first_name="Orawan", last_name="Sukjaroen"
    )

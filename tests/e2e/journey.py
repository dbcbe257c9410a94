"""What every browser journey shares: signing in, and the checks run on each page it lands on."""

import gzip
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.cases.services import case_register
from tests.conftest import signed_in
from tests.factories import child_fields

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct-horse-battery"  # the factories' password

# WCAG 2.2 AA as axe-core tags it; "serious" and "critical" findings fail the journey.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# A page's HTML, gzip-compressed, must fit a slow mobile link.
MAX_HTML_BYTES = 100 * 1024

# Printed at the end of the run (conftest.pytest_terminal_summary):
# page -> (largest gzip size, its raw size)
PAGE_WEIGHTS: dict[str, tuple[int, int]] = {}
# page -> the moderate and minor axe-core findings, which do not fail a journey
A11Y_FINDINGS: dict[str, set[str]] = {}
# what was timed -> milliseconds
TIMINGS: dict[str, float] = {}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def totp_code(user: Any) -> str:
    """The code the user's authenticator app shows now (DEMO_MODE is off in the tests)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return str(token).zfill(device.digits)


def page_label(method: str, url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return f"{method} {UUID.sub('<id>', path)}"


def gzip_size(body: bytes) -> int:
    """What gzip would send for `body`. Haven has no GZipMiddleware, so it answers
    `Accept-Encoding: gzip` with uncompressed HTML; the journeys then measure this instead."""
    return len(gzip.compress(body))


def record_weight(label: str, gz: int, raw: int) -> None:
    if gz >= PAGE_WEIGHTS.get(label, (0, 0))[0]:
        PAGE_WEIGHTS[label] = (gz, raw)


class Journey:
    """One practitioner's browser tab. `check()` is called on every page the journey lands on:
    no serious or critical WCAG 2.2 AA violation (axe-core), HTML ≤ 100 KB gzipped, nothing
    refused by the Content-Security-Policy; it also takes the user guide's screenshot when
    `make screenshots` asked for them."""

    def __init__(self, page: Any, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.requested_urls: list[str] = []
        self.csp_errors: list[str] = []
        self.too_heavy: list[str] = []
        page.on("request", lambda r: self.requested_urls.append(r.url))
        page.on("requestfinished", self._weigh)
        page.on("console", self._on_console)

    def _weigh(self, request: Any) -> None:
        """Every page and htmx partial is weighed as it arrives: once the browser has moved on,
        its body can no longer be read."""
        if request.resource_type not in {"document", "xhr", "fetch"}:
            return
        response = request.response()
        if response is None or 300 <= response.status < 400:
            return  # redirects carry no page
        body = response.body()  # as decoded by the browser
        if response.headers.get("content-encoding"):
            gz = request.sizes()["responseBodySize"]  # the compressed bytes received
        else:
            gz = gzip_size(body)
        label = page_label(request.method, request.url)
        record_weight(label, gz, len(body))
        if gz > MAX_HTML_BYTES:
            self.too_heavy.append(f"{label}: {gz} bytes gzipped")

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def goto(self, path: str) -> None:
        self.page.goto(path)

    def check(self, screenshot: str = "", **screenshot_options: Any) -> None:
        # A heading can be visible before the stylesheet has arrived; axe-core's layout rules
        # (target size, contrast) must see the styled page.
        self.page.wait_for_load_state("load")
        self.check_weight()
        self.check_accessibility()
        assert self.csp_errors == [], self.csp_errors
        if screenshot:
            self.screenshot(screenshot, **screenshot_options)

    def check_weight(self) -> None:
        assert self.too_heavy == [], self.too_heavy

    def check_accessibility(self) -> None:
        if not AXE_JS.exists():
            return  # test_accessibility_tools.py reports the skip once
        violations = self.page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                }));
            }""",
            WCAG_TAGS,
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        url = page_label("GET", self.page.url)
        for v in violations:
            if v["impact"] not in BLOCKING_IMPACTS:
                A11Y_FINDINGS.setdefault(url, set()).add(f"{v['id']} ({v['impact']}): {v['help']}")
        assert blocking == [], f"accessibility violations on {url}: {blocking}"

    def screenshot(self, name: str, *, at: Any = None) -> None:
        """What the phone's screen shows (360×640), scrolled so that `at` (a locator) is at the
        top when given. Written only when HAVEN_SCREENSHOTS names a folder."""
        folder = os.environ.get("HAVEN_SCREENSHOTS", "")
        if not folder:
            return
        if at is not None:
            at.evaluate("el => { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); }")
        else:
            self.page.evaluate("window.scrollTo(0, 0)")
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(Path(folder) / f"{name}.png"), animations="disabled")


def open_menu(page: Any, name: str) -> None:
    """Follow a link of the menu's "More" part, as a practitioner on a phone does."""
    page.locator("details.more > summary").click()
    page.locator(".more-links").get_by_role("link", name=name, exact=True).click()


def sign_in_with_cookie(context: Any, user: Any, base_url: str) -> None:
    """A session with both factors done, handed to the browser. The sign-in journey itself
    goes through the pages; the others start signed in."""
    client = signed_in(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def open_case(  # type: ignore[no-untyped-def]
    actor, agency, given, family, romanised, *, age=13, languages=("th",), nationality="TH", **extra
):
    """A child registered through the service, as the registration page does."""
    fields = child_fields(
        given_name=given,
        family_name=family,
        name_romanised=romanised,
        birth_date=timezone.localdate() - timedelta(days=age * 365 + 100),
        **extra,
    )
    return case_register(
        actor=actor,
        agency=agency,
        child=fields,
        nationalities=[nationality],
        languages=list(languages),
        summary="Fictional: referred by a teacher after she stopped coming to school.",
    )

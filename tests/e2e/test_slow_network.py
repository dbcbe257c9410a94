"""On a slow 3G link (400 ms latency, about 400 kbit/s each way) the sign-in page and a case
page are usable within 3 seconds: DOMContentLoaded, with an empty cache. This is the one timed
test; the page-weight limit in every journey keeps the others honest."""

from tests.e2e.conftest import new_phone_context
from tests.e2e.journey import TIMINGS, open_case, sign_in_with_cookie
from tests.factories import interview

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to every request
    "downloadThroughput": 400_000 / 8,  # bytes per second
    "uploadThroughput": 400_000 / 8,
}
BUDGET_MS = 3000
DOM_CONTENT_LOADED = "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"


def test_sign_in_and_case_pages_are_usable_within_3s_on_slow_3g(
    browser, live_server, office, kanya
):
    # Given a case with some history, as after a few weeks of work
    case = open_case(kanya, office, "มะลิวัลย์", "ศรีสุขใจ", "Maliwan Srisukjai")
    for interviewer in ("Fictional police officer", "Fictional shelter psychologist"):
        interview(case, kanya, interviewer=interviewer)
    context = new_phone_context(browser, live_server, with_axe=False)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    # When the sign-in page is opened, and later a case page
    page.goto("/accounts/login/", wait_until="domcontentloaded")
    login_ms = page.evaluate(DOM_CONTENT_LOADED)
    sign_in_with_cookie(context, kanya, live_server.url)
    page.goto(f"/cases/{case.public_id}/", wait_until="domcontentloaded")
    page.get_by_text("The child has told their story 2 times.").wait_for()
    case_ms = page.evaluate(DOM_CONTENT_LOADED)
    context.close()
    TIMINGS.update({"GET /accounts/login/": login_ms, "GET /cases/<id>/": case_ms})

    # Then each is ready within the budget, and nothing was refused by the CSP
    assert login_ms < BUDGET_MS and case_ms < BUDGET_MS, (login_ms, case_ms)
    assert refused == []

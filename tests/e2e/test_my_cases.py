"""A case worker finds a child among their cases with the search box. The name travels in the
body of an htmx POST, never in a URL (DP-13)."""

from urllib.parse import quote, quote_plus

from playwright.sync_api import expect

from haven.cases import views
from tests.e2e.journey import open_case, sign_in_with_cookie


def test_find_a_child_by_name_without_the_name_in_any_url(journey, context, kanya, office):
    open_case(kanya, office, "มะลิวัลย์", "ศรีสุขใจ", "Maliwan Srisukjai")
    open_case(kanya, office, "ณัฐวุฒิ", "แสงทองดี", "Nattawut Saengthongdee", sex="male")
    open_case(kanya, office, "กาญจนา", "บุญมาเรือง", "Kanchana Boonmaruang")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    results = page.locator("#results li")

    # Given Kanya's three cases
    journey.goto("/cases/")
    expect(results).to_have_count(3)
    journey.check()

    # When she types a name in the search box and presses Enter
    page.get_by_label("Name or reference").fill("Nattawut")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_label("Name or reference").press("Enter")
    assert response.value.request.headers.get("hx-request") == "true"

    # Then only that child is listed, and the name was never part of an address
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("ณัฐวุฒิ แสงทองดี")
    assert page.url == f"{journey.base_url}/cases/"
    for name in ("Nattawut", "ณัฐวุฒิ"):
        leaks = [u for u in journey.requested_urls if name in u or quote(name) in u]
        assert leaks == [], leaks
        assert quote_plus(name) not in " ".join(journey.requested_urls)
    journey.check("my-cases-search")

    # And the search works in the child's own script too
    page.get_by_label("Name or reference").fill("กาญจนา")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_label("Name or reference").press("Enter")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("กาญจนา บุญมาเรือง")
    assert quote("กาญจนา") not in " ".join(journey.requested_urls)
    journey.check()


def test_show_more_adds_the_next_cases_below_those_shown(
    journey, context, kanya, office, monkeypatch
):
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    open_case(kanya, office, "มะลิวัลย์", "ศรีสุขใจ", "Maliwan Srisukjai")
    open_case(kanya, office, "ณัฐวุฒิ", "แสงทองดี", "Nattawut Saengthongdee", sex="male")
    open_case(kanya, office, "กาญจนา", "บุญมาเรือง", "Kanchana Boonmaruang")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    cases = page.locator("#results li:not(.more)")
    more = page.get_by_role("button", name="Show more cases")

    # Given Kanya's three cases, two to a page
    journey.goto("/cases/")
    expect(cases).to_have_count(2)
    journey.check("my-cases-more", at=more)

    # When she asks for more
    with page.expect_response(lambda r: r.request.method == "POST"):
        more.click()

    # Then the third is added below the first two, on the same page, and no button is left
    expect(cases).to_have_count(3)
    expect(more).to_have_count(0)
    assert page.url == f"{journey.base_url}/cases/"
    journey.check()

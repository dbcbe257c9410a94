"""The supervisor sees her office's dashboard (CC-9, CC-14, ID-4, PS-2); the statistician asks
for a release of the statistics (CC-16, DP-10); the supervisor authorises it (DP-12); only then
the statistician downloads the CSV, which carries hidden counts as "hidden" and no agency name."""

import re
from pathlib import Path

from playwright.sync_api import expect

from haven.accounts.roles import Role
from tests.e2e.conftest import new_phone_context
from tests.e2e.journey import Journey, open_case, open_menu, sign_in_with_cookie
from tests.factories import staff


def test_statistician_releases_statistics_after_the_supervisor_authorises(
    journey, context, browser, live_server, office, kanya, orawan
):
    wilai = staff(
        office, Role.STATISTICIAN, username="wilai", first_name="Wilai", last_name="Phromsiri"
    )
    open_case(kanya, office, "มะลิ", "ศรีสุข", "Mali Srisuk", age=15, sex="female")
    open_case(kanya, office, "สมชาย", "ใจดี", "Somchai Jaidee", age=16, sex="male")

    # The supervisor opens her dashboard: Kanya's caseload, no child's name
    sign_in_with_cookie(context, orawan, journey.base_url)
    page = journey.page
    journey.goto("/cases/")
    open_menu(page, "Dashboard")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("section", has_text="Case workers' caseloads")).to_contain_text(
        "Kanya Saengdao"
    )
    expect(page.locator("main")).not_to_contain_text("Mali Srisuk")
    journey.check("reports-dashboard")

    # The statistician looks at the statistics and asks for a release
    theirs = new_phone_context(browser, live_server)
    sign_in_with_cookie(theirs, wilai, live_server.url)
    stat = Journey(theirs.new_page(), live_server.url, "statistics-wilai")
    stat.goto("/")
    open_menu(stat.page, "Statistics")
    expect(stat.page.get_by_role("heading", name="Statistics", level=1)).to_be_visible()
    gender = stat.page.locator("#t-gender").locator("xpath=..")
    expect(gender.locator("td .muted").first).to_have_text("hidden")
    expect(gender).not_to_contain_text("<11")
    stat.check("reports-statistics")
    stat.page.get_by_role("link", name="Ask for a release").click()
    stat.page.get_by_label("Purpose").fill("Fictional: figures for the provincial working group.")
    stat.check("reports-release-request")
    stat.page.get_by_role("button", name="Ask for the release").click()
    expect(stat.page.get_by_text("The release is requested.")).to_be_visible()
    expect(stat.page.get_by_role("link", name="Download the file")).to_have_count(0)
    release_url = stat.page.url
    release_id = re.search(r"/releases/([0-9a-f-]{36})/", release_url).group(1)  # type: ignore[union-attr]

    # The supervisor authorises it from her list of releases waiting for her
    journey.goto("/reports/releases/")
    page.get_by_role("link", name=re.compile("Statistics for")).first.click()
    expect(page.get_by_role("heading", name="Authorise this release")).to_be_visible()
    journey.check("reports-release-authorise")
    page.get_by_label("Note (optional)").fill("Checked with the team.")
    page.get_by_role("button", name="Authorise").click()
    expect(page.get_by_text("You have authorised this release.")).to_be_visible()

    # Now the statistician downloads the CSV
    stat.goto(release_url)
    with stat.page.expect_download() as download_info:
        stat.page.get_by_role("link", name="Download the file").click()
    stat.check("reports-release-download")
    download = download_info.value
    assert download.suggested_filename == f"haven-statistics-{release_id}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == f"Haven statistics release,{release_id}"
    assert "Masculine,hidden" in content
    assert "Children (total),hidden" in content
    assert "<11" not in content
    assert office.name not in content and "Mali" not in content
    theirs.close()

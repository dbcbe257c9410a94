"""The case page on a phone (CC-9): its parts, each reached in one tap from the menu at the top;
what is due on the case, where the reader may read what it tells (DP-1); the timeline by day, the
latest day open; and, on paper, who printed it (DP-13)."""

import html as entities
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from haven.cases import page
from haven.cases.due import due_for_case
from haven.cases.services import case_note_add, case_register
from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from haven.placements.services import placement_record, restriction_record
from tests.conftest import signed_in
from tests.factories import child_fields

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "haven" / "static" / "haven"
URGENT = "Fictional: she was found at night and needed a safe bed at once."
ALWAYS = ["overview", "identification", "protection", "interviews", "timeline"]


def _no_documents_part(request, case, classes):  # type: ignore[no-untyped-def]
    return {"documents_part": ""}


def _documents_part(request, case, classes):  # type: ignore[no-untyped-def]
    part = '<section class="card" id="documents"><h2>Fictional documents part</h2></section>'
    return {"documents_part": engines["django"].from_string(part)}


@pytest.fixture
def without_documents(monkeypatch):  # type: ignore[no-untyped-def]
    """The case page as when no area gives it a documents part."""
    monkeypatch.setattr(page, "_PARTS", [*page._PARTS, _no_documents_part])


def _page(user, case) -> str:  # type: ignore[no-untyped-def]
    response = signed_in(Client(), user).get(f"/cases/{case.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _part(html: str, part_id: str) -> str:
    """The HTML of the <section> with this id, nested sections included."""
    start = re.search(rf'<section[^>]*\bid="{part_id}"', html)
    assert start is not None, f"no section {part_id}"
    depth, at = 0, start.start()
    for tag in re.finditer(r"<(/?)section\b", html[at:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[at : at + tag.end()]
    raise AssertionError(f"section {part_id} is not closed")


def _menu(html: str) -> list[str]:
    """The parts the menu at the top links to, in its order."""
    nav = re.search(r'<nav class="jump"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a href="#([\w-]+)">', nav.group(1))


def _section_ids(html: str) -> set[str]:
    return set(re.findall(r'<section[^>]*\bid="([\w-]+)"', html))


def _due_lines(html: str) -> list[tuple[str, str, str]]:
    """(group, what, link) for each line of "What is due on this case"."""
    due = _part(html, "due")
    lines = []
    for group, body in re.findall(r'<h3 id="due-(\w+)">.*?</h3>\s*<ul[^>]*>(.*?)</ul>', due, re.S):
        for href, what in re.findall(r'<a class="name" href="([^"]+)">([^<]+)</a>', body):
            lines.append((group, entities.unescape(what), href))
    return lines


def _screened(case, actor, hours_ago=48):  # type: ignore[no-untyped-def]
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )


def _placed(case, actor, *, review_in=0):  # type: ignore[no-untyped-def]
    placement_record(
        case=case,
        actor=actor,
        type="open_shelter",
        facility="Fictional shelter",
        start_on=timezone.localdate() - timedelta(days=1),
        review_on=timezone.localdate() + timedelta(days=review_in),
        urgent_reason=URGENT,
    )


def _restricted(case, actor, *, review_in=3):  # type: ignore[no-untyped-def]
    restriction_record(
        case=case,
        actor=actor,
        kind="communication",
        description="Fictional: no phone after 9 p.m.",
        decided_by="Fictional Shelter Manager",
        start_on=timezone.localdate() - timedelta(days=1),
        review_on=timezone.localdate() + timedelta(days=review_in),
        justification="Fictional: she asked for quiet nights to sleep.",
    )


@pytest.fixture
def due_case(case, case_worker):  # type: ignore[no-untyped-def]
    """Screened two days ago (first steps overdue), in an open shelter to review today, with a
    restriction to review in 3 days."""
    _screened(case, case_worker)
    _placed(case, case_worker)
    _restricted(case, case_worker)
    return case


# --- the parts and the menu -------------------------------------------------------------------


def test_cc9_each_part_of_the_case_page_is_a_section_linked_from_the_menu(
    case, case_worker, without_documents
):
    html = _page(case_worker, case)

    # A case worker on an open case: no documents part was given, and the case is not closed.
    assert _menu(html) == [
        "overview",
        "identification",
        "protection",
        "referrals",
        "interviews",
        "merges",
        "timeline",
    ]
    assert set(_menu(html)) <= _section_ids(html)
    assert "documents" not in _section_ids(html)
    assert "come-back" not in _section_ids(html)
    # The menu comes before every part, and the parts in the menu's order.
    at = [html.index(f'id="{part}"') for part in _menu(html)]
    assert html.index('<nav class="jump"') < at[0]
    assert at == sorted(at)


def test_cc9_a_reader_who_may_not_refer_has_no_referrals_part(
    case, assigned_interpreter, without_documents
):
    html = _page(assigned_interpreter, case)

    assert _menu(html) == ALWAYS
    assert set(ALWAYS) <= _section_ids(html)
    assert "referrals" not in _section_ids(html)
    assert "/referrals/" not in html


def test_cc9_the_documents_part_and_its_menu_link_show_when_a_part_is_given(
    case, case_worker, monkeypatch
):
    monkeypatch.setattr(page, "_PARTS", [*page._PARTS, _documents_part])
    html = _page(case_worker, case)

    assert _menu(html)[3:5] == ["referrals", "documents"]
    assert _section_ids(html) >= {"referrals", "documents", "interviews"}
    assert html.count('id="documents"') == 1
    assert "<h2>Fictional documents part</h2>" in _part(html, "documents")
    # In the menu's order: after the referrals, before the interviews.
    assert html.index('id="referrals"') < html.index('id="documents"')
    assert html.index('id="documents"') < html.index('id="interviews"')


def test_cc9_the_main_actions_are_buttons(due_case, case_worker):
    html = _page(case_worker, due_case)
    ref = due_case.public_id

    for cls, href, text in [
        ("button secondary", f"/cases/{ref}/child/", "Edit the child's record"),
        ("button secondary", f"/cases/{ref}/screenings/new/", "Screen again"),
        ("button", f"/cases/{ref}/protection/", "Open protection and support"),
        ("button secondary", f"/cases/{ref}/placement/", "Where the child lives"),
        ("button secondary", f"/cases/{ref}/referrals/", "Referrals"),
        ("button", f"/cases/{ref}/interviews/new/", "Record an interview"),
    ]:
        assert f'<a class="{cls}" href="{href}">{text}</a>' in html
    # Where the child lives, in its part.
    assert "Lives: <strong>Open shelter</strong>" in _part(html, "protection")


# --- what is due on the case --------------------------------------------------------------------


def test_cc9_what_is_due_on_the_case_shows_overdue_today_and_the_week_with_links(
    due_case, case_worker
):
    html = _page(case_worker, due_case)
    placement = f"/cases/{due_case.public_id}/placement/"
    steps = f"/cases/{due_case.public_id}/#first-steps"

    lines = _due_lines(html)
    assert ("today", "Review the placement: Open shelter", placement) in lines
    assert ("week", "Review the restriction: Phone, internet or letters", placement) in lines
    assert ("overdue", "Check urgent medical needs", steps) in lines
    assert [line[0] for line in lines] == sorted(
        (line[0] for line in lines), key=["overdue", "today", "week"].index
    )
    # The same lines as the list of what is due, for this case.
    assert sorted(what for _g, what, _h in lines) == sorted(
        str(i.what) for i in due_for_case(case_worker, due_case)
    )
    assert "Nothing due this week." not in html


def test_dp1_an_interpreter_sees_a_first_step_due_but_not_a_placement_review(
    due_case, assigned_interpreter
):
    whats = [what for _g, what, _h in _due_lines(_page(assigned_interpreter, due_case))]

    assert "Check urgent medical needs" in whats
    assert not [w for w in whats if w.startswith("Review the")]
    assert {str(i.what) for i in due_for_case(assigned_interpreter, due_case)} == set(whats)


def test_cc9_what_is_due_holds_that_case_alone_and_nothing_for_a_case_with_nothing_due(
    due_case, case_worker, agency
):
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))

    assert {i.case.pk for i in due_for_case(case_worker, due_case)} == {due_case.pk}
    assert due_for_case(case_worker, other) == []
    assert '<p class="muted">Nothing due this week.</p>' in _part(_page(case_worker, other), "due")


def test_dp1_nobody_learns_what_is_due_on_a_case_they_cannot_see(due_case, unassigned_case_worker):
    assert due_for_case(unassigned_case_worker, due_case) == []


# --- the timeline by day ------------------------------------------------------------------------


def test_cc9_the_timeline_is_by_day_in_the_agencys_time_zone_the_latest_day_open(
    case, case_worker, agency, monkeypatch
):
    # Given an agency in UTC+7 and two notes written on the same UTC day, 10:00 and 20:00 UTC:
    # 17:00 that day and 03:00 the next in the agency's time zone.
    agency.time_zone = "Asia/Bangkok"
    agency.save(update_fields=["time_zone"])
    day = timezone.now().astimezone(UTC).date() - timedelta(days=5)
    for hour in (10, 20):
        at = datetime.combine(day, time(hour), tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        case_note_add(case=case, actor=case_worker, body="Fictional note.")
    monkeypatch.undo()

    timeline = _part(_page(case_worker, case), "timeline")

    summaries = re.findall(r'<details class="day"( open)?>\s*<summary>([^<]+)</summary>', timeline)
    registered = timezone.localtime(case.opened_at, ZoneInfo("Asia/Bangkok")).date()
    assert [text for _open, text in summaries][1:] == [
        f"{date_format(day + timedelta(days=1), 'DATE_FORMAT')} · 1 entry",
        f"{date_format(day, 'DATE_FORMAT')} · 1 entry",
    ]
    assert summaries[0][1].startswith(f"{date_format(registered, 'DATE_FORMAT')} · ")
    assert [bool(is_open) for is_open, _text in summaries] == [True, False, False]
    assert timeline.count("Note added") == 2
    assert '<span class="small muted">03:00</span>' in timeline
    assert '<span class="small muted">17:00</span>' in timeline


# --- printing -----------------------------------------------------------------------------------


def test_dp13_the_printed_page_names_the_reader_and_the_day(case, case_worker):
    html = _page(case_worker, case)
    today = date_format(timezone.localdate(), "DATE_FORMAT")

    assert (
        '<p class="print-only print-line">'
        f"Confidential — printed by {case_worker.get_full_name()} on {today}</p>"
    ) in html
    assert '<script src="/static/haven/print.js" defer></script>' in html
    assert "Confidential" not in Client().get("/accounts/login/").content.decode()


def test_dp13_print_hides_the_menu_forms_and_buttons_and_never_prints_addresses():
    css = (STATIC / "haven.css").read_text()
    print_css = css[css.index("@media print") :]
    for hidden in ("header.top", "footer.bottom", "nav.jump", ".skip", "form", "button"):
        assert hidden in print_css.split("{ display:none !important; }")[0]
    assert "attr(href)" not in css
    script = (STATIC / "print.js").read_text()
    assert "beforeprint" in script and "afterprint" in script


# --- queries ------------------------------------------------------------------------------------


def test_cc9_the_case_page_reads_as_many_queries_for_many_entries_and_items_as_for_few(
    case, case_worker
):
    _screened(case, case_worker)
    client = signed_in(Client(), case_worker)
    url = f"/cases/{case.public_id}/"
    client.get(url)  # caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for n in range(6):
        case_note_add(case=case, actor=case_worker, body=f"Fictional note {n}.")
    _placed(case, case_worker)
    for days in (1, 2, 3):
        _restricted(case, case_worker, review_in=days)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    # Three first steps (the placement meets the fourth), the placement and three restrictions.
    assert len(_due_lines(html)) == 7
    assert len(many) == len(few)

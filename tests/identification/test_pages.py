"""Identification pages (ID-1 … ID-7, CC-6, CC-16; DP-1, DP-2, DP-3, DP-13): the screening form
and page, the first-steps checklist on the case page, the victim-status decision, and who may
reach each. The services themselves are tested in test_screening.py."""

import re
import uuid
import zoneinfo
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import formats, timezone
from django.utils.html import escape

from haven.accounts.models import Agency
from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.services import case_assign, case_register
from haven.identification.codes import Exploitation, IndicatorDimension
from haven.identification.models import FirstStep, Indicator, Screening, ScreeningExploitation
from tests.conftest import signed_in
from tests.factories import child_fields, interview, staff

# --- helpers ----------------------------------------------------------------------------------


def _state(case: Case) -> tuple:
    """Everything an identification write touches, to prove a refused one touched nothing."""
    case.refresh_from_db()
    return (
        Screening.objects.count(),
        ScreeningExploitation.objects.count(),
        FirstStep.objects.count(),
        AuditEvent.objects.count(),
        Interview.objects.count(),
        sorted(FirstStep.objects.values_list("kind", "status", "closed_by_id")),
        sorted(step.note for step in FirstStep.objects.all()),
        (case.trafficking_status, case.status_decided_by),
    )


# Pages show and read times in the agency's time zone (haven.core.middleware); the fixtures'
# agencies keep the default.
ZONE = zoneinfo.ZoneInfo(Agency._meta.get_field("time_zone").default)


def _form_time(delta: timedelta) -> str:
    """now + delta as the datetime-local input sends it, in the agency's time zone."""
    return timezone.localtime(timezone.now() + delta, ZONE).strftime("%Y-%m-%dT%H:%M")


def _screening_post(**changes):  # type: ignore[no-untyped-def]
    """A screening as the form sends it: an act and a purpose, no means, no movement."""
    data = {
        "screened_at": _form_time(-timedelta(minutes=30)),
        "acts": ["harbouring"],
        "forms_of_exploitation": ["ForcedBegging"],
        "means": ["none"],
        "movement": "none",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _main(response) -> str:  # type: ignore[no-untyped-def]
    content = response.content.decode()
    return content[content.index('<main id="main">') : content.index("</main>")]


def _open_step(case: Case, kind: str = "safe_accommodation") -> FirstStep:
    return FirstStep.objects.get(case=case, kind=kind)


def _local(value) -> str:  # type: ignore[no-untyped-def]
    return formats.date_format(timezone.localtime(value, ZONE), "SHORT_DATETIME_FORMAT")


STATUS_POST = {"status": "ActualVictimOfTrafficking", "decided_by": "Police"}
REASON = "She lives safely with her aunt, who the team visited today."

_PER_RESPONSE = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')


def _normalised(body: bytes, *ids: str) -> str:
    text = body.decode()
    for value in ids:
        text = text.replace(value, "<id>")
    return _PER_RESPONSE.sub(r"\1<token>", text)


# Every identification page and write, by the IDs it is called with.
ENDPOINTS = {
    "screening_new.get": lambda c, case, scr, step: c.get(f"/cases/{case}/screenings/new/"),
    "screening_new.post": lambda c, case, scr, step: c.post(
        f"/cases/{case}/screenings/new/", _screening_post()
    ),
    "screening.get": lambda c, case, scr, step: c.get(f"/cases/{case}/screenings/{scr}/"),
    "step_done.post": lambda c, case, scr, step: c.post(
        f"/cases/{case}/first-steps/{step}/done/", {"note": "Placed at the fictional shelter."}
    ),
    "step_not_needed.post": lambda c, case, scr, step: c.post(
        f"/cases/{case}/first-steps/{step}/not-needed/",
        {"reason_code": "does_not_apply", "reason": REASON},
    ),
    "status.post": lambda c, case, scr, step: c.post(f"/cases/{case}/status/", STATUS_POST),
}
WRITES = ("screening_new.post", "step_done.post", "step_not_needed.post", "status.post")


def _call(client: Client, endpoint: str, case: Case, screening: Screening):  # type: ignore[no-untyped-def]
    step = _open_step(case)
    return ENDPOINTS[endpoint](
        client, str(case.public_id), str(screening.public_id), str(step.public_id)
    )


# --- the screening form (ID-3, ID-6, CC-6, CC-16) ------------------------------------------


def test_cc6_id6_screening_form_shows_how_often_the_child_has_told_their_story(
    client: Client, case, case_worker
) -> None:
    interview(case, case_worker, interviewer="Fictional Police Officer")
    interview(case, case_worker, interviewer="Fictional Social Worker")
    signed_in(client, case_worker)

    response = client.get(f"/cases/{case.public_id}/screenings/new/")

    assert response.status_code == 200
    main = _main(response)
    assert "This child has already told their story 2 times." in main
    assert "Fictional Police Officer" in main and "Fictional Social Worker" in main
    assert "This is not an interrogation: the child may stop at any time" in main


def test_cc6_screening_form_counts_a_single_retelling_in_the_singular(
    client: Client, case, case_worker
) -> None:
    interview(case, case_worker)
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/screenings/new/"))
    assert "This child has already told their story 1 time." in main


def test_cc16_screening_form_prompts_for_the_children_who_are_often_missed(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/screenings/new/"))
    assert "Children who are often missed" in main
    for prompt in (
        "Boys are sexually exploited too, and may find it harder to say so.",
        "Children who are LGBTQI+ may fear being punished rather than helped.",
        "A child with a disability may not be able to describe what happened",
        "Children can be trafficked inside their own country: no border needs to be crossed.",
        "Labour, domestic work, begging and petty crime are exploitation too",
        "Older teenagers may say they are adults.",
    ):
        assert escape(prompt) in main, prompt


def test_id1_id3_screening_form_offers_every_form_of_exploitation_and_none_observed(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/screenings/new/"))
    offered = re.findall(r'name="forms_of_exploitation" value="([^"]+)"', main)
    assert offered == [*Exploitation.values, "none"]
    acts = re.findall(r'name="acts" value="([^"]+)"', main)
    assert acts == ["recruitment", "transportation", "transfer", "harbouring", "receipt", "none"]
    assert "Moving the child is not required: harbouring or receiving counts." in main


def test_id3_screening_form_groups_indicators_and_says_based_on_for_the_ilo_lists(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/screenings/new/"))

    indicators = list(Indicator.objects.filter(is_active=True))
    assert sorted(re.findall(r'name="indicators" value="([^"]+)"', main)) == sorted(
        i.code for i in indicators
    )
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.dimension, []).append(indicator)
    shown = re.findall(r"<details><summary>([^<]+)</summary>\s*<div class=\"check\">", main)
    labels = dict(IndicatorDimension.choices)
    assert sorted(shown) == sorted(escape(labels[d]) for d in groups)
    for dimension, rows in groups.items():
        assert f"<summary>{escape(rows[0].get_dimension_display())}</summary>" in main
        (source,) = {row.source for row in rows}
        if all(row.based_on for row in rows):
            assert f"Based on: {escape(source)}" in main, dimension
        else:
            assert f"Source: {escape(source)}" in main, dimension
    # Five ILO dimensions are transcribed from a secondary source; the UNODC list is not.
    assert main.count("Based on: ") == 5
    assert main.count("Source: ") == 1


# --- recording a screening (ID-1, ID-3, ID-7) -----------------------------------------------


def test_id1_posting_a_screening_redirects_to_its_page_which_shows_the_outcome(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = client.post(f"/cases/{case.public_id}/screenings/new/", _screening_post())

    screening = Screening.objects.get()
    url = f"/cases/{case.public_id}/screenings/{screening.public_id}/"
    assert (response.status_code, response["Location"]) == (302, url)
    assert (screening.case, screening.screened_by) == (case, case_worker)
    assert (screening.acts, screening.means, screening.movement) == (["harbouring"], [], "none")
    assert list(screening.forms.values_list("form", "sub_type", "industry")) == [
        ("ForcedBegging", "", "")
    ]
    # ID-1: an act and a purpose, with no means and no movement, is a presumed child victim.
    assert (screening.screened_as_child, screening.outcome) == (True, "presumed_victim")
    assert Screening.objects.count() == before[0] + 1
    assert AuditEvent.objects.filter(action="screening.record").count() == 1

    page = client.get(url)
    assert page.status_code == 200
    main = _main(page)
    assert '<div class="presumed" role="status">Presumed child victim</div>' in main
    assert "The screening is recorded: Presumed child victim." in main
    assert "<dt>The act</dt><dd>Harbouring</dd>" in main
    assert "<dt>The purpose</dt><dd>Forced begging</dd>" in main


def test_id3_the_detail_of_each_form_of_exploitation_becomes_one_row_each(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    response = client.post(
        f"/cases/{case.public_id}/screenings/new/",
        _screening_post(
            forms_of_exploitation=["SexualExploitation", "Servitude", "Other"],
            sexual_types=["RemoteInteractiveServices"],
            industries=["T_ActivitiesOfHouseholdsAsEmployers"],
            other_types=["ForcedCriminality"],
        ),
    )
    assert response.status_code == 302
    rows = sorted(Screening.objects.get().forms.values_list("form", "sub_type", "industry"))
    assert rows == [
        ("Other", "ForcedCriminality", ""),
        ("Servitude", "", "T_ActivitiesOfHouseholdsAsEmployers"),
        ("SexualExploitation", "RemoteInteractiveServices", ""),
    ]


def test_id6_a_screening_interview_posted_from_the_form_counts_as_a_retelling(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    response = client.post(
        f"/cases/{case.public_id}/screenings/new/",
        _screening_post(child_interviewed="on", duration_minutes="35", interpreter="Fictional"),
    )
    assert response.status_code == 302
    row = Interview.objects.get(case=case)
    assert (row.kind, row.duration_minutes, row.interpreter, row.child_told_story) == (
        "identification",
        35,
        "Fictional",
        True,
    )
    main = _main(client.get(f"/cases/{case.public_id}/screenings/new/"))
    assert "This child has already told their story 1 time." in main


def test_id7_a_second_screening_from_the_form_keeps_the_first(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)
    response = client.post(
        f"/cases/{case.public_id}/screenings/new/",
        _screening_post(acts=["none"], forms_of_exploitation=["none"]),
    )
    assert response.status_code == 302
    assert sorted(Screening.objects.values_list("outcome", flat=True)) == [
        "no_concern",
        "presumed_victim",
    ]
    case_page = _main(client.get(f"/cases/{case.public_id}/"))
    assert "Screen again" in case_page
    for screening in Screening.objects.all():
        assert f'href="/cases/{case.public_id}/screenings/{screening.public_id}/"' in case_page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"acts": None}, "Say which acts were observed, or “none observed”."),
        (
            {"forms_of_exploitation": None},
            "Say which forms of exploitation were observed, or “none observed”.",
        ),
        ({"acts": ["none", "harbouring"]}, "Choose “none observed” or some items, not both."),
        ({"acts": ["kidnap"]}, "Select a valid choice. kidnap is not one of the available"),
        (
            {"forms_of_exploitation": ["Smuggling"]},
            "Select a valid choice. Smuggling is not one of the available",
        ),
        ({"screened_at": "yesterday"}, "Enter a valid date/time."),
        ({"screened_at": None}, "This field is required."),
        (
            {"screened_at": _form_time(timedelta(minutes=30))},
            "This cannot be recorded before it happens.",
        ),
        ({"child_interviewed": "on"}, "Say how long the interview took."),
        ({"indicators": ["not-an-indicator"]}, "Select a valid choice. not-an-indicator"),
        # The page shows no message for a bad movement (the template renders no errors for
        # that field; reported), but it is still refused.
        ({"movement": "teleport"}, None),
    ],
    ids=[
        "no-act",
        "no-purpose",
        "none-and-an-act",
        "unknown-act",
        "unknown-form",
        "bad-date",
        "no-date",
        "future",
        "interview-without-length",
        "unknown-indicator",
        "unknown-movement",
    ],
)
def test_id1_id3_a_screening_with_a_question_unanswered_or_bad_is_refused_and_nothing_is_saved(
    client: Client, case, case_worker, changes, message
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = client.post(f"/cases/{case.public_id}/screenings/new/", _screening_post(**changes))

    assert response.status_code == 400
    if message is not None:
        assert escape(message) in _main(response)
    assert _state(case) == before


# --- the first-steps checklist on the case page (ID-4, ID-5) --------------------------------


def test_id4_case_page_shows_the_first_steps_with_due_times_and_done_and_not_needed_forms(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/"))

    assert '<h3 id="first-steps">First steps</h3>' in main
    steps = {step.kind: step for step in FirstStep.objects.filter(case=case)}
    assert set(steps) == {
        "cp_referral",
        "safe_accommodation",
        "urgent_medical",
        "case_worker",
        "rights_information",
        "interpreter",
    }
    for step in steps.values():
        assert f"<strong>{escape(step.get_kind_display())}</strong>" in main
    open_kinds = {"safe_accommodation", "urgent_medical", "rights_information", "interpreter"}
    for kind in open_kinds:
        step = steps[kind]
        assert f"due {_local(step.due_at)}" in main, kind
    # A "Done" and a "Not needed" form for each open step, and for nothing else.
    done_actions = re.findall(r'action="/cases/[^/]+/first-steps/([^/]+)/done/"', main)
    not_needed = re.findall(r'action="/cases/[^/]+/first-steps/([^/]+)/not-needed/"', main)
    expected = sorted(str(steps[kind].public_id) for kind in open_kinds)
    assert sorted(done_actions) == sorted(not_needed) == expected
    assert main.count('<button type="submit">Done</button>') == len(open_kinds)
    assert main.count('<button type="submit" class="secondary">Not needed</button>') == len(
        open_kinds
    )
    # The referral is done because the lead agency is the child-protection authority; the case
    # worker step is met by the assignment.
    assert '<li class="step done">' in main and '<li class="step met">' in main


def test_id4_an_overdue_step_is_marked_overdue_on_the_case_page(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    client.post(
        f"/cases/{case.public_id}/screenings/new/",
        _screening_post(screened_at=_form_time(-timedelta(days=4))),
    )
    main = _main(client.get(f"/cases/{case.public_id}/"))
    assert main.count('<li class="step overdue">') == 4
    assert main.count('<span class="badge crit">Overdue</span>') == 4


def test_id4_posting_done_closes_the_step_and_returns_to_the_case_page(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = _open_step(case)
    signed_in(client, case_worker)
    events = AuditEvent.objects.count()

    response = client.post(
        f"/cases/{case.public_id}/first-steps/{step.public_id}/done/",
        {"note": "Placed at the fictional shelter."},
    )

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.public_id}/")
    step.refresh_from_db()
    assert (step.status, step.note, step.closed_by) == (
        "done",
        "Placed at the fictional shelter.",
        case_worker,
    )
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.filter(action="first_step.close").get()
    # DP-3: the audit entry says that the note changed, never what it says.
    assert "fictional shelter" not in str(event.changes)
    main = _main(client.get(response["Location"]))
    assert "Recorded as done: Arrange safe accommodation." in main
    assert f'first-steps/{step.public_id}/done/"' not in main


def test_id4_posting_not_needed_with_a_reason_closes_the_step(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = _open_step(case, "urgent_medical")
    signed_in(client, case_worker)

    response = client.post(
        f"/cases/{case.public_id}/first-steps/{step.public_id}/not-needed/",
        {"reason_code": "does_not_apply", "reason": REASON},
        follow=True,
    )

    assert response.redirect_chain == [(f"/cases/{case.public_id}/", 302)]
    step.refresh_from_db()
    assert (step.status, step.note, step.closed_by) == ("not_needed", REASON, case_worker)
    main = _main(response)
    assert "Closed with your reason: Check urgent medical needs." in main
    assert escape(REASON) in main  # the case worker reads narrative


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("no", "Write the reason in a sentence."),
        ("   short  ", "Write the reason in a sentence."),
        ("", "Write why this step does not apply."),
    ],
)
def test_id4_a_too_short_reason_is_refused_with_a_message_and_nothing_changes(
    client: Client, case, case_worker, presumed_screening, reason, message
) -> None:
    step = _open_step(case)
    signed_in(client, case_worker)
    before = _state(case)

    response = client.post(
        f"/cases/{case.public_id}/first-steps/{step.public_id}/not-needed/",
        {"reason_code": "does_not_apply", "reason": reason},
        follow=True,
    )

    assert response.redirect_chain == [(f"/cases/{case.public_id}/", 302)]
    assert message in _main(response)
    assert _state(case) == before
    step.refresh_from_db()
    assert step.status == "open"


def test_id4_closing_a_step_that_is_already_closed_is_refused_and_nothing_changes(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = FirstStep.objects.get(case=case, kind="cp_referral")  # done when it was created
    signed_in(client, case_worker)
    before = _state(case)

    for outcome, data in (
        ("done", {"note": "Again."}),
        ("not-needed", {"reason_code": "does_not_apply", "reason": REASON}),
    ):
        response = client.post(
            f"/cases/{case.public_id}/first-steps/{step.public_id}/{outcome}/", data, follow=True
        )
        assert response.redirect_chain == [(f"/cases/{case.public_id}/", 302)]
        assert "This step is already closed." in _main(response)

    assert _state(case) == before


def test_dp1_a_step_of_another_case_cannot_be_closed_through_this_case(
    client: Client, case, case_worker, agency, presumed_screening
) -> None:
    # The case worker sees both cases; the step belongs to the other one.
    from haven.identification.services import screening_record

    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dao"))
    screening_record(
        case=other,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["receipt"],
        forms=[{"form": "ChildLabour"}],
    )
    foreign = FirstStep.objects.get(case=other, kind="safe_accommodation")
    signed_in(client, case_worker)
    before = _state(case)

    done = client.post(f"/cases/{case.public_id}/first-steps/{foreign.public_id}/done/", {})
    skipped = client.post(
        f"/cases/{case.public_id}/first-steps/{foreign.public_id}/not-needed/",
        {"reason_code": "does_not_apply", "reason": REASON},
    )
    page = client.get(f"/cases/{other.public_id}/screenings/{presumed_screening.public_id}/")

    assert (done.status_code, skipped.status_code, page.status_code) == (404, 404, 404)
    assert _state(case) == before


# --- the decision on victim status ----------------------------------------------------------


def test_id4_status_form_is_on_the_case_page_only_for_those_who_decide_status(
    client: Client, case, case_worker, cp_officer
) -> None:
    action = f'action="/cases/{case.public_id}/status/"'
    signed_in(client, cp_officer)
    assert action in _main(client.get(f"/cases/{case.public_id}/"))
    signed_in(client, case_worker)
    assert action not in _main(client.get(f"/cases/{case.public_id}/"))


@pytest.mark.parametrize("role", [Role.CHILD_PROTECTION_OFFICER, Role.LAW_ENFORCEMENT])
def test_id4_the_competent_authority_records_the_status_decision(
    client: Client, case, agency, supervisor, role
) -> None:
    decider = staff(agency, role, username="decider")
    if role == Role.LAW_ENFORCEMENT:
        # Police see a case only as its identifying officer.
        case_assign(case=case, actor=supervisor, user=decider, role="identifying_officer")
    signed_in(client, decider)
    events = AuditEvent.objects.count()

    response = client.post(f"/cases/{case.public_id}/status/", STATUS_POST, follow=True)

    assert response.redirect_chain == [(f"/cases/{case.public_id}/", 302)]
    case.refresh_from_db()
    assert (case.trafficking_status, case.status_decided_by) == (
        "ActualVictimOfTrafficking",
        "Police",
    )
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="case.status").count() == 1
    main = _main(response)
    assert "The decision is recorded." in main
    assert "<strong>Victim (determined)</strong>" in main


def test_id4_a_case_worker_may_not_record_the_status_decision(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = client.post(f"/cases/{case.public_id}/status/", STATUS_POST)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]
    assert _state(case) == before


@pytest.mark.parametrize(
    "data",
    [
        {"status": "Victim", "decided_by": "Police"},
        {"status": "ActualVictimOfTrafficking", "decided_by": "Neighbours"},
        {"status": "ActualVictimOfTrafficking"},
        {},
    ],
)
def test_id4_a_status_decision_with_a_bad_answer_changes_nothing(
    client: Client, case, cp_officer, data
) -> None:
    signed_in(client, cp_officer)
    before = _state(case)

    response = client.post(f"/cases/{case.public_id}/status/", data, follow=True)

    assert response.redirect_chain == [(f"/cases/{case.public_id}/", 302)]
    assert "Choose the status and who decided." in _main(response)
    assert _state(case) == before


# --- who may reach the pages (DP-1, DP-2) ---------------------------------------------------


@pytest.mark.parametrize("caller", ["outsider", "statistician", "unassigned_case_worker", "admin"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_dp1_dp2_identification_pages_answer_404_to_those_who_cannot_see_the_case(
    client: Client, request, case, presumed_screening, caller, endpoint
) -> None:
    signed_in(client, request.getfixturevalue(caller))
    before = _state(case)
    logs = AccessLog.objects.count()

    response = _call(client, endpoint, case, presumed_screening)

    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    # The same answer as for a case that does not exist: nothing tells the caller it is there.
    random_ids = [str(uuid.uuid4()) for _ in range(3)]
    missing = ENDPOINTS[endpoint](client, *random_ids)
    assert missing.status_code == 404
    step = _open_step(case)
    assert _normalised(
        response.content,
        str(case.public_id),
        str(presumed_screening.public_id),
        str(step.public_id),
    ) == _normalised(missing.content, *random_ids)
    content = response.content.decode()
    assert case.reference not in content and case.child.given_name not in content
    assert _state(case) == before
    assert AccessLog.objects.count() == logs


@pytest.mark.parametrize("endpoint", ["screening_new.get", *WRITES])
def test_dp1_an_assigned_interpreter_gets_403_on_identification_writes(
    client: Client, case, assigned_interpreter, presumed_screening, endpoint
) -> None:
    # The interpreter sees the case but may not screen, close steps or decide status.
    signed_in(client, assigned_interpreter)
    before = _state(case)

    response = _call(client, endpoint, case, presumed_screening)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]
    assert _state(case) == before


def test_dp1_the_screening_page_is_refused_to_a_reader_without_narrative_access(
    client: Client, case, assigned_interpreter, presumed_screening
) -> None:
    # The acts, purposes, means, movement and signs are narrative: the API leaves them out for
    # the interpreter, and the page must not show them either. The outcome is on the case page.
    signed_in(client, assigned_interpreter)

    response = client.get(f"/cases/{case.public_id}/screenings/{presumed_screening.public_id}/")

    assert response.status_code == 403
    content = response.content.decode()
    for secret in ("Harbouring", "Forced begging", "No movement", "Fictional market"):
        assert secret not in content
    case_page = _main(client.get(f"/cases/{case.public_id}/"))
    assert "Presumed child victim" in case_page
    assert "Fictional market" not in case_page and "sells flowers" not in case_page
    assert "/first-steps/" not in case_page  # no Done / Not needed forms
    assert f'action="/cases/{case.public_id}/status/"' not in case_page


def test_dp1_the_screening_page_shows_location_and_notes_to_a_case_worker(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)
    main = _main(client.get(f"/cases/{case.public_id}/screenings/{presumed_screening.public_id}/"))
    assert "<dt>Where</dt><dd>Fictional market, stall 12</dd>" in main
    assert "sells flowers at night" in main


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_dp1_anonymous_callers_are_sent_to_sign_in_and_nothing_changes(
    client: Client, case, presumed_screening, endpoint
) -> None:
    before = _state(case)
    response = _call(client, endpoint, case, presumed_screening)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _state(case) == before


def test_dp3_identification_pages_log_the_read_and_send_no_store(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)
    AccessLog.objects.all().delete()
    for url, what in (
        (f"/cases/{case.public_id}/screenings/new/", "screening.form"),
        (f"/cases/{case.public_id}/screenings/{presumed_screening.public_id}/", "screening.view"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]  # DP-13
        row = AccessLog.objects.get(what=what)
        assert (row.user, row.case_id, row.child_id, row.channel) == (
            case_worker,
            case.pk,
            case.child_id,
            "web",
        )


# --- "is this child already known?" is for those who may register a child ------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("case_worker", 200),
        ("supervisor", 200),
        ("outsider", 200),  # a case worker of another agency registers children there
        ("statistician", 403),
        ("admin", 403),
        ("assigned_interpreter", 403),
    ],
)
def test_id7_the_find_page_is_only_for_those_who_may_register_a_child(
    client: Client, request, caller, status
) -> None:
    signed_in(client, request.getfixturevalue(caller))
    for response in (client.get("/cases/find/"), client.post("/cases/find/", {"name": "Mali"})):
        assert response.status_code == status
        if status == 403:
            assert "errors/403.html" in [t.name for t in response.templates]
    assert AccessLog.objects.filter(what="child.search").count() == (1 if status == 200 else 0)


def test_id7_the_find_page_sends_anonymous_callers_to_sign_in(client: Client) -> None:
    response = client.get("/cases/find/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

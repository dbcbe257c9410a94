"""The pages about where the child lives (ND-1 … ND-5, CC-1, CC-2; DP-1, DP-2): the placement
page and its forms, the critical ND-2 alert as the supervisor and the child-protection officer see
it, and who may reach each page. The services are tested in test_placements.py and the
escalation in tests/safeguards/test_escalation.py."""

import io
import re
import uuid
import zoneinfo
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.services import case_assign
from haven.decisions.services import decision_record
from haven.placements.models import (
    Charge,
    FamilyContact,
    LibertyChallenge,
    Placement,
    PlacementReview,
    Restriction,
)
from haven.placements.rules import SHELTER_REVIEW
from haven.placements.services import placement_record
from haven.safeguards.models import Alert, Notification
from tests.conftest import signed_in
from tests.factories import staff

TODAY = timezone.localdate
ND2_TITLE = "A child is held in detention"
URGENT = "Fictional: she had to leave the police station at once."
FACILITY = "Fictional District Police Station, cell 2"


def _day(offset: int):  # type: ignore[no-untyped-def]
    return TODAY() + timedelta(days=offset)


def _url(name: str, case, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"placements:{name}", args=[case.public_id, *args])


def _state() -> tuple:
    """Every row the placement pages write, to prove a refused request wrote none of them."""
    return (
        list(
            Placement.objects.order_by("pk").values_list(
                "pk", "type", "liberty", "start_on", "end_on", "review_on", "decision_id"
            )
        ),
        PlacementReview.objects.count(),
        Restriction.objects.count(),
        FamilyContact.objects.count(),
        Charge.objects.count(),
        LibertyChallenge.objects.count(),
        list(Alert.objects.order_by("pk").values_list("pk", "rule_code", "status")),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


def _placement_post(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "type": "police_cell",
        "can_leave": "custody",
        "facility": FACILITY,
        "start_on": TODAY().isoformat(),
        "review_on": "",
        "decision": "",
        "urgent_reason": "",
    }
    data.update(changes)
    return data


def _detain(case, actor, start=-1):  # type: ignore[no-untyped-def]
    return placement_record(
        case=case, actor=actor, type="police_cell", facility=FACILITY, start_on=_day(start)
    )


@pytest.fixture
def supervised(case_worker, supervisor, agency):  # type: ignore[no-untyped-def]
    Membership.objects.filter(user=case_worker, agency=agency).update(supervisor=supervisor)
    return supervisor


@pytest.fixture
def health_worker(case, supervisor, agency):  # type: ignore[no-untyped-def]
    nurse = staff(agency, Role.HEALTH_WORKER, username="nurse")
    case_assign(case=case, actor=supervisor, user=nurse, role="health_worker")
    return nurse


# --- ND-2: the critical alert, at once, where the supervisor and CP officer look --------------


def test_nd2_detention_posted_by_the_case_worker_shows_at_once_to_supervisor_and_cp_officer(
    case, case_worker, supervised, cp_officer
):
    detail = reverse("cases:detail", args=[case.public_id])
    for user in (supervised, cp_officer):
        body = signed_in(Client(), user).get(detail).content.decode()
        assert 'role="alert"' not in body
        assert "Urgent:" not in body

    response = signed_in(Client(), case_worker).post(_url("placement_new", case), _placement_post())

    assert response.status_code == 302
    assert response["Location"] == _url("placements", case) + "#current"
    alert = Alert.objects.get(case=case, rule_code="nd2.child_detained", status="open")
    for user in (supervised, cp_officer):
        page = signed_in(Client(), user).get(detail)
        assert page.status_code == 200
        body = page.content.decode()
        assert 'role="alert"' in body
        assert ND2_TITLE in body
        # The alerts are at the top of the case page, before the child's name.
        assert body.index(ND2_TITLE) < body.index("<h1>")
        assert "ND-2 · Critical" in body
        assert "Urgent: 1" in body
        # Nobody may resolve it with a reason: no form for it.
        assert reverse("alerts:resolve", args=[alert.public_id]) not in body
    # The case worker is not escalated to: their own page has the alert but no inbox entry.
    own = signed_in(Client(), case_worker).get(detail).content.decode()
    assert ND2_TITLE in own
    assert "Urgent:" not in own


def test_nd2_the_inbox_lists_the_escalated_alert(case, case_worker, supervised, cp_officer):
    signed_in(Client(), case_worker).post(_url("placement_new", case), _placement_post())

    for user in (supervised, cp_officer):
        response = signed_in(Client(), user).get(reverse("alerts:inbox"))
        assert response.status_code == 200
        body = response.content.decode()
        assert ND2_TITLE in body
        assert f'href="{reverse("cases:detail", args=[case.public_id])}">{case.reference}</a>' in (
            body
        )
        assert "Mark as read" in body
    nobody = signed_in(Client(), staff(case.lead_agency, Role.CASE_WORKER, username="cw2"))
    assert "Nothing for you." in nobody.get(reverse("alerts:inbox")).content.decode()


def test_nd2_marking_the_entry_as_read_removes_the_urgent_count(
    case, case_worker, supervised, cp_officer
):
    _detain(case, case_worker)
    entry = Notification.objects.get(recipient=supervised)
    client = signed_in(Client(), supervised)

    response = client.post(reverse("alerts:inbox_read", args=[entry.pk]))

    assert response.status_code == 302
    assert "Urgent:" not in client.get(reverse("alerts:inbox")).content.decode()
    # The CP officer's own entry is untouched.
    assert "Urgent: 1" in (
        signed_in(Client(), cp_officer).get(reverse("alerts:inbox")).content.decode()
    )


def test_nd2_the_resolve_page_refuses_the_detention_alert(
    case, case_worker, supervised, cp_officer
):
    _detain(case, case_worker)
    alert = Alert.objects.get(case=case, rule_code="nd2.child_detained")
    before = _state()

    response = signed_in(Client(), supervised).post(
        reverse("alerts:resolve", args=[alert.public_id]),
        {"reason": "Fictional: the police say she will be released tomorrow."},
    )

    assert response.status_code == 400
    assert "This alert cannot be resolved with a reason" in response.content.decode()
    assert _state() == before


def test_nd3_moving_to_a_shelter_without_review_date_is_400_with_the_nd3_message(
    case, case_worker, supervised, cp_officer
):
    client = signed_in(Client(), case_worker)
    client.post(_url("placement_new", case), _placement_post())
    before = _state()

    response = client.post(
        _url("placement_new", case),
        _placement_post(
            type="open_shelter",
            can_leave="free",
            facility="Fictional Open Shelter",
            urgent_reason=URGENT,
            review_on="",
        ),
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert f"ND-3: {SHELTER_REVIEW.message}" in body
    assert "Nothing was saved. Please correct:" in body
    assert _state() == before
    assert Alert.objects.get(case=case, rule_code="nd2.child_detained").status == "open"


def test_nd2_moving_to_a_shelter_through_the_page_clears_the_alert(
    case, case_worker, supervised, cp_officer
):
    cell = _detain(case, case_worker, start=-2)
    client = signed_in(Client(), case_worker)

    response = client.post(
        _url("placement_new", case),
        _placement_post(
            type="open_shelter",
            can_leave="free",
            facility="Fictional Open Shelter",
            urgent_reason=URGENT,
            review_on=_day(30).isoformat(),
        ),
    )

    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.end_on == TODAY()
    assert Alert.objects.get(case=case, rule_code="nd2.child_detained").status == "cleared"
    body = (
        signed_in(Client(), supervised)
        .get(reverse("cases:detail", args=[case.public_id]))
        .content.decode()
    )
    assert ND2_TITLE not in body
    assert 'role="alert"' not in body


# --- ND-3: length of stay and reviews on the page --------------------------------------------


def test_nd3_the_page_shows_the_length_of_stay_in_days(case, case_worker):
    placement_record(
        case=case,
        actor=case_worker,
        type="hospital",
        facility="Fictional Hospital",
        start_on=_day(-22),
        end_on=_day(-12),
    )
    placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional Open Shelter",
        start_on=_day(-12),
        review_on=_day(30),
        urgent_reason=URGENT,
    )

    response = signed_in(Client(), case_worker).get(_url("placements", case))

    assert response.status_code == 200
    body = response.content.decode()
    # The page counts days in the agency's time zone, where it may already be tomorrow.
    agency_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(case.lead_agency.time_zone))
    days = (agency_today - _day(-12)).days
    assert re.search(rf"Since [^<:]+: {days} days", body)
    assert "Fictional Open Shelter" in body
    assert "(10 days)" in body  # the earlier hospital stay
    assert "Placed urgently: the determination must follow" in body


def test_cc2_shelter_review_through_the_page_without_views_is_refused(case, case_worker):
    shelter = placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional Open Shelter",
        start_on=_day(-12),
        review_on=_day(30),
        urgent_reason=URGENT,
    )
    client = signed_in(Client(), case_worker)
    before = _state()

    response = client.post(
        _url("placement_review", case, shelter.public_id),
        {
            "reviewed_on": TODAY().isoformat(),
            "child_views": "",
            "child_views_not_obtained": "",
            "still_in_best_interests": "yes",
            "notes": "",
            "next_review_on": _day(30).isoformat(),
        },
        follow=True,
    )

    assert response.redirect_chain == [(_url("placements", case) + "#current", 302)]
    assert "Nothing was saved: CC-2: A decision about a child needs" in (response.content.decode())
    assert _state() == before


def test_nd3_overdue_review_done_through_the_page_clears_the_alert(case, case_worker):
    shelter = placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional Open Shelter",
        start_on=_day(-40),
        review_on=_day(10),
        urgent_reason=URGENT,
    )
    # Simulate time passing: the review date is now yesterday; the sweep notices.
    Placement.objects.filter(pk=shelter.pk).update(review_on=_day(-1))
    call_command("safeguards_sweep", stdout=io.StringIO())
    client = signed_in(Client(), case_worker)
    assert "A placement review is overdue" in client.get(_url("placements", case)).content.decode()

    response = client.post(
        _url("placement_review", case, shelter.public_id),
        {
            "reviewed_on": TODAY().isoformat(),
            "child_views": "Fictional: I like it here, but I miss school.",
            "still_in_best_interests": "yes",
            "next_review_on": _day(45).isoformat(),
        },
        follow=True,
    )

    body = response.content.decode()
    assert "The review is recorded." in body
    assert "A placement review is overdue" not in body
    shelter.refresh_from_db()
    assert shelter.review_on == _day(45)


# --- ND-4 and ND-1 through the pages ----------------------------------------------------------


def test_nd4_restriction_without_justification_posted_is_recorded_and_shown_as_alert(
    case, case_worker
):
    client = signed_in(Client(), case_worker)

    response = client.post(
        _url("restriction_new", case),
        {
            "kind": "family_contact",
            "description": "Fictional: no calls to her family.",
            "justification": "",
            "decided_by": "Fictional shelter manager",
            "start_on": TODAY().isoformat(),
            "review_on": _day(7).isoformat(),
        },
        follow=True,
    )

    assert response.redirect_chain == [(_url("placements", case) + "#restrictions", 302)]
    body = response.content.decode()
    assert "The restriction is recorded." in body
    assert "A restriction has no justification" in body
    assert "No justification" in body
    assert Restriction.objects.filter(case=case, justification="").count() == 1


def test_nd4_restriction_without_review_date_posted_is_refused(case, case_worker):
    before = _state()

    response = signed_in(Client(), case_worker).post(
        _url("restriction_new", case),
        {
            "kind": "movement",
            "description": "Fictional: she stays inside.",
            "justification": "Fictional: the trafficker waits outside.",
            "decided_by": "Fictional shelter manager",
            "start_on": TODAY().isoformat(),
            "review_on": "",
        },
    )

    assert response.status_code == 400
    assert _state() == before


def test_nd1_charge_posted_for_a_presumed_victim_shows_the_non_punishment_alert(
    case, case_worker, presumed_screening
):
    response = signed_in(Client(), case_worker).post(
        _url("charge_new", case),
        {
            "offence": "illegal_work",
            "description": "Fictional: selling flowers without a permit.",
            "authority": "Fictional District Police",
            "status": "charged",
            "recorded_on": TODAY().isoformat(),
        },
        follow=True,
    )

    assert response.redirect_chain == [(_url("placements", case) + "#charges", 302)]
    body = response.content.decode()
    assert "A child victim faces a charge" in body
    assert "Illegal work" in body
    assert (
        Alert.objects.filter(case=case, rule_code="nd1.non_punishment", status="open").count() == 1
    )


# --- who may reach the pages (DP-1, DP-2) ----------------------------------------------------


def test_dp2_placement_pages_are_404_for_someone_outside_the_case(
    case, case_worker, outsider, unassigned_case_worker
):
    cell = _detain(case, case_worker)
    before = _state()

    for user in (outsider, unassigned_case_worker):
        c = signed_in(Client(), user)
        assert c.get(_url("placements", case)).status_code == 404
        assert c.get(_url("placement_new", case)).status_code == 404
        assert c.post(_url("placement_new", case), _placement_post()).status_code == 404
        assert (
            c.post(
                _url("placement_end", case, cell.public_id),
                {"end_on": TODAY().isoformat(), "reason": "Fictional: released."},
            ).status_code
            == 404
        )
    missing = reverse("placements:placements", args=[uuid.uuid4()])
    assert signed_in(Client(), case_worker).get(missing).status_code == 404
    assert _state() == before


def test_dp1_health_worker_on_the_case_cannot_record_a_placement(case, case_worker, health_worker):
    _detain(case, case_worker)
    before = _state()
    client = signed_in(Client(), health_worker)

    assert client.get(_url("placement_new", case)).status_code == 403
    response = client.post(
        _url("placement_new", case),
        _placement_post(type="hospital", facility="Fictional Hospital", start_on=TODAY()),
    )

    assert response.status_code == 403
    assert _state() == before


def test_dp1_health_worker_sees_the_placement_page_without_the_facility(
    case, case_worker, health_worker
):
    _detain(case, case_worker)

    response = signed_in(Client(), health_worker).get(_url("placements", case))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Police cell" in body
    assert FACILITY not in body
    assert _url("placement_new", case) not in body


# --- the small forms on the page: each one saves, and a refused one says why -------------------


def test_nd5_challenge_lodged_and_decided_from_the_page_shows_the_days_to_a_decision(
    client: Client, case, case_worker
):
    cell = placement_record(
        case=case,
        actor=case_worker,
        type="police_cell",
        facility=FACILITY,
        start_on=_day(-6),
    )
    c = signed_in(client, case_worker)
    response = c.post(
        _url("challenge_new", case, cell.public_id),
        {
            "lodged_on": _day(-5).isoformat(),
            "lodged_with": "Fictional juvenile court",
            "lodged_by": "Fictional legal aid lawyer",
        },
    )
    assert response.status_code == 302
    challenge = LibertyChallenge.objects.get(placement=cell)

    # A decision before the challenge was lodged is refused with the reason, nothing changes
    before = _state()
    response = c.post(
        _url("challenge_decide", case, challenge.public_id),
        {"decided_on": _day(-6).isoformat(), "outcome": "released"},
        follow=True,
    )
    assert "The decision cannot come before the challenge." in response.content.decode()
    assert _state() == before

    c.post(
        _url("challenge_decide", case, challenge.public_id),
        {"decided_on": _day(-2).isoformat(), "outcome": "released"},
    )
    page = c.get(_url("placements", case)).content.decode()
    assert "3 days to a decision" in page


def test_nd4_restriction_reviewed_from_the_page_is_kept_with_a_reason_then_lifted(
    client: Client, case, case_worker
):
    c = signed_in(client, case_worker)
    c.post(
        _url("restriction_new", case),
        {
            "kind": "family_contact",
            "description": "No visits from the uncle.",
            "justification": "",
            "decided_by": "Fictional shelter manager",
            "start_on": TODAY().isoformat(),
            "review_on": _day(14).isoformat(),
        },
    )
    restriction = Restriction.objects.get(case=case)
    assert Alert.objects.filter(
        case=case, rule_code="nd4.restriction_unjustified", status="open"
    ).exists()

    # Keeping it without a reason is refused
    before = _state()
    response = c.post(
        _url("restriction_review", case, restriction.public_id),
        {"lift": "no", "on": TODAY().isoformat(), "justification": "", "review_on": ""},
        follow=True,
    )
    assert "Say why the restriction is still in the child" in response.content.decode()
    assert _state() == before

    c.post(
        _url("restriction_review", case, restriction.public_id),
        {
            "lift": "no",
            "on": TODAY().isoformat(),
            "justification": "The uncle recruited her; the child asked for this.",
            "review_on": _day(30).isoformat(),
        },
    )
    assert not Alert.objects.filter(
        case=case, rule_code="nd4.restriction_unjustified", status="open"
    ).exists()
    c.post(
        _url("restriction_review", case, restriction.public_id),
        {"lift": "yes", "on": TODAY().isoformat(), "justification": "", "review_on": ""},
    )
    restriction.refresh_from_db()
    assert restriction.ended_on == TODAY()


def test_nd1_charge_updated_from_the_page_records_the_principle_raised(
    client: Client, case, case_worker
):
    c = signed_in(client, case_worker)
    c.post(
        _url("charge_new", case),
        {
            "offence": "illegal_entry",
            "description": "",
            "authority": "Fictional immigration office",
            "status": "charged",
            "recorded_on": TODAY().isoformat(),
        },
    )
    charge = Charge.objects.get(case=case)
    c.post(
        _url("charge_update", case, charge.public_id),
        {
            "status": "charged",
            "non_punishment_raised_on": TODAY().isoformat(),
            "non_punishment_raised_with": "Fictional prosecutor",
        },
    )
    charge.refresh_from_db()
    assert (charge.non_punishment_raised_on, charge.non_punishment_raised_with) == (
        TODAY(),
        "Fictional prosecutor",
    )


def test_cc1_determination_linked_from_the_page_clears_the_urgent_placement_alert(
    client: Client, case, case_worker
):
    shelter = placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional open shelter",
        start_on=TODAY(),
        review_on=_day(30),
        urgent_reason=URGENT,
    )
    assert Alert.objects.filter(
        case=case, rule_code="cc1.placement_needs_bid", status="open"
    ).exists()
    bid = decision_record(
        case=case,
        actor=case_worker,
        kind="bid",
        subject="placement",
        decided_on=TODAY(),
        question="Where should she live?",
        options="Open shelter; kinship care.",
        child_views="Wants to stay with her friend at the shelter.",
        child_views_weight="Decisive at her age.",
        outcome="Open shelter.",
        justification="Safe and her choice.",
        participants=[{"name": "A", "role": "Supervisor"}, {"name": "B", "role": "Doctor"}],
    )
    response = signed_in(client, case_worker).post(
        _url("placement_decision", case, shelter.public_id), {"decision": str(bid.public_id)}
    )
    assert response.status_code == 302
    assert not Alert.objects.filter(
        case=case, rule_code="cc1.placement_needs_bid", status="open"
    ).exists()


def test_dp2_a_small_form_for_another_case_s_record_is_404(
    client: Client, case, case_worker, agency
):
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Noi"))
    cell = placement_record(
        case=other, actor=case_worker, type="police_cell", facility=FACILITY, start_on=TODAY()
    )
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("placement_end", case, cell.public_id),
        {"end_on": TODAY().isoformat(), "reason": "Moved."},
    )
    assert response.status_code == 404
    assert _state() == before


def test_nd5_a_closed_placement_shows_whether_the_child_has_a_lawyer(
    client: Client, case, case_worker
):
    from haven.protection.services import service_record

    placement_record(
        case=case, actor=case_worker, type="prison", facility=FACILITY, start_on=_day(-2)
    )
    c = signed_in(client, case_worker)
    assert "none recorded" in c.get(_url("placements", case)).content.decode()

    service_record(
        case=case,
        actor=case_worker,
        type="Legal",
        provider="Fictional legal aid clinic",
        start_on=TODAY(),
        status="in_progress",
    )
    page = c.get(_url("placements", case)).content.decode()
    assert "Fictional legal aid clinic (Under way)" in page
    assert "none recorded" not in page

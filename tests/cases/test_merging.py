"""Two records of one child (RR-6): one person proposes through a case of each, a second
confirms; the merged record's cases join the kept record, so the child has one retelling count
and one history; within 30 days the merge is undone and the cases go back. Refused: a child with
themselves, a proposal while another waits, the proposer confirming, a decline without a note,
an undo after 30 days, someone who cannot edit both cases. A refused step changes nothing. On
the service, the page and the API, with the search following the merge."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.merging import merge_decide, merge_propose, merge_undo
from haven.cases.models import Case, ChildMerge
from haven.cases.selectors import retelling_count
from haven.cases.services import case_register
from haven.children.models import Child
from haven.identification.search import find_children
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import child_fields, interview, staff

pytestmark = pytest.mark.django_db

SAME = "Fictional: the same birth certificate number and the same mother, Daw Fictional Hla."
NOTE = "Fictional: the birth dates differ by six years and the photos are of two children."


@pytest.fixture
def twin(case_worker: Any, agency: Any) -> Case:
    """The same girl registered again at the same agency, under another spelling."""
    return case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(given_name="Malee", family_name="Testchild"),
        languages=["my"],
    )


@pytest.fixture
def colleague(agency: Any) -> Any:
    return staff(agency, Role.SUPERVISOR, username="colleague")


def _state() -> tuple[Any, ...]:
    return (
        sorted(Case.objects.values_list("pk", "child_id")),
        sorted(Child.objects.values_list("pk", "merged_into_id")),
        sorted(ChildMerge.objects.values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


def _merged(case: Case, twin: Case, proposer: Any, confirmer: Any) -> ChildMerge:
    merge = merge_propose(actor=proposer, kept_case=case, merged_case=twin, reason=SAME)
    return merge_decide(merge=merge, actor=confirmer, confirm=True)


def test_rr6_a_confirmed_merge_makes_one_child_with_one_retelling_count(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    interview(case, case_worker)
    interview(twin, case_worker)
    interview(twin, case_worker, kind="assessment")
    assert (retelling_count(case), retelling_count(twin)) == (1, 2)
    twin_child = twin.child

    merge = _merged(case, twin, case_worker, colleague)

    twin.refresh_from_db()
    twin_child.refresh_from_db()
    assert twin.child_id == case.child_id
    assert twin_child.merged_into_id == case.child_id
    assert retelling_count(case) == retelling_count(twin) == 3
    assert (merge.status, merge.decided_by, merge.moved_cases) == (
        ChildMerge.Status.CONFIRMED,
        colleague,
        [twin.pk],
    )
    for each in (case, twin):
        actions = set(AuditEvent.objects.filter(case_id=each.pk).values_list("action", flat=True))
        assert {"child.merge_propose", "child.merge_decide"} <= actions


def test_cc6_the_merged_retelling_count_raises_the_alert_the_two_records_hid(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    # Three retellings on each record: under the CC-6 threshold apart, over it together.
    for _ in range(3):
        interview(case, case_worker)
        interview(twin, case_worker)
    assert not Alert.objects.filter(rule_code="cc6.too_many_retellings", status="open").exists()

    _merged(case, twin, case_worker, colleague)

    assert set(
        Alert.objects.filter(rule_code="cc6.too_many_retellings", status="open").values_list(
            "case_id", flat=True
        )
    ) == {case.pk, twin.pk}


def test_rr6_a_child_cannot_be_merged_with_themselves_and_nothing_changes(
    case: Case, case_worker: Any
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        merge_propose(actor=case_worker, kept_case=case, merged_case=case, reason=SAME)

    assert "already about the same child" in str(refused.value)
    assert _state() == before


def test_rr6_a_proposal_needs_what_shows_it_is_the_same_child(
    case: Case, twin: Case, case_worker: Any
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        merge_propose(actor=case_worker, kept_case=case, merged_case=twin, reason="  ")

    assert list(refused.value.message_dict) == ["reason"]
    assert _state() == before


def test_rr6_the_person_who_proposed_does_not_confirm_and_one_proposal_waits_at_a_time(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    merge = merge_propose(actor=case_worker, kept_case=case, merged_case=twin, reason=SAME)
    before = _state()

    with pytest.raises(ValidationError) as own:
        merge_decide(merge=merge, actor=case_worker, confirm=True)
    with pytest.raises(ValidationError) as again:
        merge_propose(actor=colleague, kept_case=twin, merged_case=case, reason=SAME)

    assert "A second person confirms a merge" in str(own.value)
    assert "already waits for confirmation" in str(again.value)
    assert _state() == before


def test_rr6_a_declined_merge_needs_a_note_and_keeps_the_records_apart(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    merge = merge_propose(actor=case_worker, kept_case=case, merged_case=twin, reason=SAME)
    before = _state()

    with pytest.raises(ValidationError) as refused:
        merge_decide(merge=merge, actor=colleague, confirm=False, note="")
    assert list(refused.value.message_dict) == ["note"]
    assert _state() == before

    merge_decide(merge=merge, actor=colleague, confirm=False, note=NOTE)
    twin.refresh_from_db()
    assert twin.child_id != case.child_id
    assert ChildMerge.objects.get().status == ChildMerge.Status.DECLINED


def test_rr6_someone_who_cannot_edit_both_cases_cannot_propose_or_confirm(
    case: Case, twin: Case, case_worker: Any, unassigned_case_worker: Any
) -> None:
    before = _state()
    with pytest.raises(PermissionDenied):
        merge_propose(actor=unassigned_case_worker, kept_case=case, merged_case=twin, reason=SAME)
    assert _state() == before

    merge = merge_propose(actor=case_worker, kept_case=case, merged_case=twin, reason=SAME)
    proposed = _state()
    with pytest.raises(PermissionDenied):
        merge_decide(merge=merge, actor=unassigned_case_worker, confirm=True)
    assert _state() == proposed


def test_rr6_a_merge_is_undone_within_30_days_and_the_cases_go_back(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    twin_child_id = twin.child_id
    interview(twin, case_worker)
    merge = _merged(case, twin, case_worker, colleague)

    merge_undo(merge=merge, actor=case_worker, reason=NOTE)

    twin.refresh_from_db()
    assert twin.child_id == twin_child_id
    assert Child.objects.get(pk=twin_child_id).merged_into_id is None
    assert (retelling_count(case), retelling_count(twin)) == (0, 1)
    merge.refresh_from_db()
    assert (merge.status, merge.undone_by) == (ChildMerge.Status.UNDONE, case_worker)


def test_rr6_a_merge_older_than_30_days_is_not_undone_and_nothing_changes(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    merge = _merged(case, twin, case_worker, colleague)
    ChildMerge.objects.filter(pk=merge.pk).update(
        decided_at=timezone.now() - timedelta(days=ChildMerge.UNDO_DAYS, minutes=1)
    )
    merge.refresh_from_db()
    before = _state()

    with pytest.raises(ValidationError) as refused:
        merge_undo(merge=merge, actor=case_worker, reason=NOTE)

    assert "can be undone for 30 days" in str(refused.value)
    assert _state() == before


def test_id7_the_search_finds_the_merged_record_through_the_kept_one(
    case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    _merged(case, twin, case_worker, colleague)

    result = find_children(case_worker, name="Malee Testchild")

    assert {c.child_id for c, _score in result.visible} == {case.child_id}
    assert result.elsewhere == []


# --- the pages ------------------------------------------------------------------------------------


def test_rr6_the_pages_propose_confirm_and_undo_a_merge(
    client: Client, case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    worker = signed_in(client, case_worker)
    proposed = worker.post(
        f"/cases/{case.public_id}/merges/",
        {"other_case": twin.reference.lower(), "reason": SAME},
        follow=True,
    )
    assert "The merge is proposed" in proposed.content.decode()
    merge = ChildMerge.objects.get()

    other = signed_in(Client(), colleague)
    page = other.get(f"/cases/{twin.public_id}/").content.decode()
    assert "Confirm: the same child, one record" in page
    confirmed = other.post(
        f"/cases/{twin.public_id}/merges/{merge.public_id}/decide/",
        {"decision": "confirm"},
        follow=True,
    )
    assert "The two records are now one child." in confirmed.content.decode()
    twin.refresh_from_db()
    assert twin.child_id == case.child_id

    undone = worker.post(
        f"/cases/{case.public_id}/merges/{merge.public_id}/undo/", {"reason": NOTE}, follow=True
    )
    assert "The merge is undone" in undone.content.decode()
    twin.refresh_from_db()
    assert twin.child_id != case.child_id


def test_rr6_the_page_refuses_an_unknown_reference_and_a_note_less_decline_with_400(
    client: Client, case: Case, twin: Case, case_worker: Any, colleague: Any, outsider: Any
) -> None:
    before = _state()
    worker = signed_in(client, case_worker)
    unknown = worker.post(
        f"/cases/{case.public_id}/merges/", {"other_case": "HV-NOTHERE", "reason": SAME}
    )
    assert unknown.status_code == 400
    assert "No case you can see has this reference." in unknown.content.decode()
    assert _state() == before

    merge = merge_propose(actor=case_worker, kept_case=case, merged_case=twin, reason=SAME)
    proposed = _state()
    declined = signed_in(Client(), colleague).post(
        f"/cases/{case.public_id}/merges/{merge.public_id}/decide/",
        {"decision": "decline", "note": ""},
    )
    assert declined.status_code == 400
    assert "Say why these are two different children." in declined.content.decode()
    assert _state() == proposed


# --- the API --------------------------------------------------------------------------------------


def test_rr6_the_api_proposes_confirms_lists_and_undoes_a_merge(
    client: Client, case: Case, twin: Case, case_worker: Any, colleague: Any
) -> None:
    worker = signed_in(client, case_worker)
    proposed = worker.post(
        f"/api/v1/cases/{case.public_id}/merges/",
        {"other_case": str(twin.public_id), "reason": SAME},
        content_type="application/json",
    )
    assert proposed.status_code == 201
    body = proposed.json()
    assert (body["status"], body["kept_case"], body["merged_case"], body["reason"]) == (
        "proposed",
        str(case.public_id),
        str(twin.public_id),
        SAME,
    )
    own = worker.post(
        f"/api/v1/cases/{case.public_id}/merges/{body['id']}/decide/",
        {"confirm": True},
        content_type="application/json",
    )
    assert own.status_code == 400

    confirmed = signed_in(Client(), colleague).post(
        f"/api/v1/cases/{twin.public_id}/merges/{body['id']}/decide/",
        {"confirm": True},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["undo_until"] is not None
    listed = worker.get(f"/api/v1/cases/{twin.public_id}/merges/").json()
    assert [m["id"] for m in listed] == [body["id"]]

    undone = worker.post(
        f"/api/v1/cases/{case.public_id}/merges/{body['id']}/undo/",
        {"reason": NOTE},
        content_type="application/json",
    )
    assert undone.status_code == 200
    assert undone.json()["status"] == "undone"


def test_rr6_the_api_answers_400_for_a_case_the_caller_cannot_see_and_404_to_outsiders(
    client: Client, case: Case, case_worker: Any, outsider: Any, other_agency: Any
) -> None:
    hidden = case_register(actor=outsider, agency=other_agency, child=child_fields())
    before = _state()

    unseen = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/merges/",
        {"other_case": str(hidden.public_id), "reason": SAME},
        content_type="application/json",
    )
    outside = signed_in(Client(), outsider).get(f"/api/v1/cases/{case.public_id}/merges/")

    assert unseen.status_code == 400
    assert unseen.json()["error"]["fields"]["other_case"]
    assert outside.status_code == 404
    assert _state() == before

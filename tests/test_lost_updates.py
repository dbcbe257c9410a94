"""Lost updates (issue 14, item 10): two people editing the same record never silently overwrite
each other. Each edit of an existing record from a form or the API carries the version the
person opened; when someone else saved the record since, the edit is refused with a message
that says what happened and what to do, the record keeps the other person's values, and no
audit event is added. Saving again with the version now saved goes through.

One table of the covered edits, run through the page and through the API."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import formats, timezone

from haven.audit.models import AuditEvent
from haven.cases.child_services import child_update
from haven.children.models import Child
from haven.core.errors import EditConflict
from haven.core.versions import check_version
from haven.directory.models import ServiceOffer
from haven.directory.services import offer_create
from haven.placements.models import Charge, Restriction
from haven.placements.services import charge_record, restriction_record
from haven.protection.models import Service
from haven.protection.services import service_record
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed this record"


def _day(offset: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def _hidden_version(page: str, after: str = "") -> str:
    """The version a page's form carries, in the first form after `after` (an action URL)."""
    start = page.index(after) if after else 0
    match = re.search(r'name="version" value="([^"]*)"', page[start:])
    assert match, "the form carries no version"
    return html.unescape(match.group(1))


@dataclass
class World:
    case: Any
    case_worker: Any
    supervisor: Any
    admin: Any
    agency: Any


@dataclass
class Edit:
    """One covered edit: how to make the record, who the two people are, how each door opens
    and saves it, and how to read the value the saves change."""

    name: str
    action: str  # the audit action of the edit
    make: Callable[[World], Any]
    people: tuple[str, str]  # World attributes: A, then B
    page_url: Callable[[World, Any], str]
    page_open: Callable[[Client, World, Any], str]  # the version the page shows
    page_data: Callable[[str], dict[str, Any]]  # the form as a person fills it in ("A"/"B")
    page_typed: str  # on a full form shown again (409), what B typed; "" for a small form
    #                  posted from a page that is shown again as it is now (a message)
    api_url: Callable[[World, Any], str]
    api_method: str
    api_open: Callable[[Client, World, Any], str]
    api_body: Callable[[str], dict[str, Any]]
    value: Callable[[Any], Any]  # the saved value the two people change
    values: tuple[Any, Any]  # A's value, B's value


# --- the child's record (cases.child_services.child_update) ------------------------------------


def _child_form(who: str) -> dict[str, Any]:
    return {
        "given_name": f"Mali{who}",
        "family_name": "Testchild",
        "sex": "female",
        "gender": "NonSpecifiedUnknown",
        "age_status": "estimated",
        "birth_date": (timezone.localdate() - timedelta(days=14 * 365)).isoformat(),
        "parental_care": "unknown",
        "language": "my",
        "nationality": "MM",
        "minority_indicators": "on",
    }


def _child_page_open(client: Client, world: World, child: Child) -> str:
    response = client.get(f"/cases/{world.case.public_id}/child/")
    assert response.status_code == 200
    return _hidden_version(response.content.decode())


def _child_api_open(client: Client, world: World, child: Child) -> str:
    response = client.get(f"/api/v1/children/{child.public_id}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{response.json()["version"]}"'
    return str(response.json()["version"])


CHILD = Edit(
    name="child",
    action="child.update",
    make=lambda w: w.case.child,
    people=("case_worker", "supervisor"),
    page_url=lambda w, child: f"/cases/{w.case.public_id}/child/",
    page_open=_child_page_open,
    page_data=_child_form,
    page_typed='value="MaliB"',
    api_url=lambda w, child: f"/api/v1/cases/{w.case.public_id}/child/",
    api_method="patch",
    api_open=_child_api_open,
    api_body=lambda who: {"given_name": f"Mali{who}"},
    value=lambda child: child.given_name,
    values=("MaliA", "MaliB"),
)


# --- a service (protection.services.service_update) --------------------------------------------


def _service(world: World) -> Service:
    return service_record(
        case=world.case,
        actor=world.case_worker,
        type="Education",
        provider="Fictional village school",
        start_on=timezone.localdate(),
        status="planned",
    )


def _service_page_open(client: Client, world: World, service: Service) -> str:
    response = client.get(f"/cases/{world.case.public_id}/services/{service.public_id}/")
    assert response.status_code == 200
    return _hidden_version(response.content.decode())


def _list_version(client: Client, url: str, record: Any) -> str:
    response = client.get(url)
    assert response.status_code == 200
    (row,) = [r for r in response.json() if r.get("id") == str(record.public_id)]
    return str(row["version"])


_SERVICE_STATUS = {"A": "in_progress", "B": "offered"}

SERVICE = Edit(
    name="service",
    action="service.update",
    make=_service,
    people=("case_worker", "supervisor"),
    page_url=lambda w, s: f"/cases/{w.case.public_id}/services/{s.public_id}/",
    page_open=_service_page_open,
    page_data=lambda who: {"status": _SERVICE_STATUS[who]},
    page_typed='value="offered" selected',
    api_url=lambda w, s: f"/api/v1/cases/{w.case.public_id}/services/{s.public_id}/",
    api_method="patch",
    api_open=lambda c, w, s: _list_version(c, f"/api/v1/cases/{w.case.public_id}/services/", s),
    api_body=lambda who: {"status": _SERVICE_STATUS[who]},
    value=lambda service: service.status,
    values=("in_progress", "offered"),
)


# --- a charge against the child (placements.services.charge_update) ----------------------------


def _charge(world: World) -> Charge:
    return charge_record(
        case=world.case,
        actor=world.case_worker,
        offence="illegal_entry",
        authority="Fictional immigration office",
        status="investigation",
        recorded_on=timezone.localdate(),
    )


def _placements_page_open(client: Client, world: World, record: Any) -> str:
    response = client.get(f"/cases/{world.case.public_id}/placement/")
    assert response.status_code == 200
    return _hidden_version(response.content.decode(), after=str(record.public_id))


_CHARGE_STATUS = {"A": "charged", "B": "dropped"}

CHARGE = Edit(
    name="charge",
    action="charge.update",
    make=_charge,
    people=("case_worker", "supervisor"),
    page_url=lambda w, c: f"/cases/{w.case.public_id}/charges/{c.public_id}/",
    page_open=_placements_page_open,
    page_data=lambda who: {"status": _CHARGE_STATUS[who]},
    page_typed="",
    api_url=lambda w, c: f"/api/v1/cases/{w.case.public_id}/charges/{c.public_id}/",
    api_method="patch",
    api_open=lambda c, w, ch: _list_version(c, f"/api/v1/cases/{w.case.public_id}/charges/", ch),
    api_body=lambda who: {"status": _CHARGE_STATUS[who]},
    value=lambda charge: charge.status,
    values=("charged", "dropped"),
)


# --- a restriction's review (placements.services.restriction_review) ---------------------------


def _restriction(world: World) -> Restriction:
    return restriction_record(
        case=world.case,
        actor=world.case_worker,
        kind="family_contact",
        description="Fictional: no visits from the uncle.",
        decided_by="Fictional shelter manager",
        start_on=timezone.localdate(),
        review_on=timezone.localdate() + timedelta(days=14),
    )


_JUSTIFICATION = {
    "A": "Fictional: the uncle recruited her; she asked for this.",
    "B": "Fictional: the uncle was seen near the shelter again.",
}
_NEXT_REVIEW = {"A": 30, "B": 20}


def _review(who: str) -> dict[str, Any]:
    return {
        "on": _day(),
        "justification": _JUSTIFICATION[who],
        "review_on": _day(_NEXT_REVIEW[who]),
    }


RESTRICTION = Edit(
    name="restriction_review",
    action="restriction.review",
    make=_restriction,
    people=("case_worker", "supervisor"),
    page_url=lambda w, r: f"/cases/{w.case.public_id}/restrictions/{r.public_id}/review/",
    page_open=_placements_page_open,
    page_data=lambda who: {"lift": "no", **_review(who)},
    page_typed="",
    api_url=lambda w, r: f"/api/v1/cases/{w.case.public_id}/restrictions/{r.public_id}/review/",
    api_method="post",
    api_open=lambda c, w, r: _list_version(c, f"/api/v1/cases/{w.case.public_id}/restrictions/", r),
    api_body=lambda who: {"lift": False, **_review(who)},
    value=lambda restriction: restriction.justification,
    values=(_JUSTIFICATION["A"], _JUSTIFICATION["B"]),
)


# --- an offer of the service directory (directory.services.offer_update) -----------------------


def _offer(world: World) -> ServiceOffer:
    return offer_create(
        actor=world.supervisor,
        agency=world.agency,
        service_type="Legal",
        name="Fictional legal aid",
        country="TH",
    )


def _offer_form(who: str) -> dict[str, Any]:
    return {
        "service_type": "Legal",
        "name": f"Fictional legal aid {who}",
        "country": "TH",
        "is_active": "on",
    }


def _offer_page_open(client: Client, world: World, offer: ServiceOffer) -> str:
    response = client.get(f"/directory/manage/{offer.public_id}/")
    assert response.status_code == 200
    return _hidden_version(response.content.decode())


OFFER = Edit(
    name="offer",
    action="offer.update",
    make=_offer,
    people=("supervisor", "admin"),
    page_url=lambda w, o: f"/directory/manage/{o.public_id}/",
    page_open=_offer_page_open,
    page_data=_offer_form,
    page_typed='value="Fictional legal aid B"',
    api_url=lambda w, o: f"/api/v1/directory/offers/{o.public_id}/",
    api_method="patch",
    api_open=lambda c, w, o: _list_version(c, "/api/v1/directory/offers/", o),
    api_body=lambda who: {"name": f"Fictional legal aid {who}"},
    value=lambda offer: offer.name,
    values=("Fictional legal aid A", "Fictional legal aid B"),
)

EDITS = [CHILD, SERVICE, CHARGE, RESTRICTION, OFFER]


@pytest.fixture
def world(case, case_worker, supervisor, admin, agency) -> World:  # type: ignore[no-untyped-def]
    return World(case, case_worker, supervisor, admin, agency)


def _two_people(world: World, edit: Edit) -> tuple[Client, Client]:
    first, second = (getattr(world, name) for name in edit.people)
    return signed_in(Client(), first), signed_in(Client(), second)


def _updates(edit: Edit, record: Any) -> int:
    return AuditEvent.objects.filter(action=edit.action, object_id=str(record.public_id)).count()


def _saved(edit: Edit, record: Any) -> Any:
    return edit.value(type(record).objects.get(pk=record.pk))


# --- the pages -------------------------------------------------------------------------------


def _page_save(  # type: ignore[no-untyped-def]
    client: Client, edit: Edit, world: World, record: Any, who: str, version: str, follow=False
):
    """Post the form as `who` filled it in, with the version their page carried."""
    return client.post(
        edit.page_url(world, record), {**edit.page_data(who), "version": version}, follow=follow
    )


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_dp_lost_update_page_refuses_a_stale_version_and_keeps_the_other_save(
    world: World, edit: Edit
) -> None:
    # Given two people who opened the same record
    record = edit.make(world)
    first, second = _two_people(world, edit)
    opened_by_a = edit.page_open(first, world, record)
    opened_by_b = edit.page_open(second, world, record)
    assert opened_by_a == opened_by_b == record.version
    events = AuditEvent.objects.count()

    # When A saves, then B saves what B typed on the version B opened
    assert _page_save(first, edit, world, record, "A", opened_by_a).status_code == 302
    assert _saved(edit, record) == edit.values[0]
    # (a small form's outcome is read on the page it goes back to)
    stale = _page_save(second, edit, world, record, "B", opened_by_b, follow=not edit.page_typed)

    # Then B is told, A's values stay, and only A's edit is in the audit trail
    page = html.unescape(stale.content.decode())
    assert CONFLICT in page
    assert _saved(edit, record) == edit.values[0]
    assert _updates(edit, record) == 1
    assert AuditEvent.objects.count() == events + 1
    now = type(record).objects.get(pk=record.pk).version
    if edit.page_typed:
        # the form, shown again as B filled it in, carries the version now saved
        assert stale.status_code == 409
        assert "What you typed is still below" in page
        assert edit.page_typed in page
        fresh = _hidden_version(stale.content.decode())
    else:
        # the page, shown again as it is now, carries the version now saved
        assert stale.redirect_chain and stale.status_code == 200
        assert "The page now shows it as it is" in page
        fresh = _hidden_version(stale.content.decode(), after=str(record.public_id))
    assert fresh == now != opened_by_b

    # And saving again with the version now saved deliberately replaces A's values
    assert _page_save(second, edit, world, record, "B", fresh).status_code == 302
    assert _saved(edit, record) == edit.values[1]
    assert _updates(edit, record) == 2


@pytest.mark.parametrize("edit", [CHILD, SERVICE], ids=lambda e: e.name)
def test_dp_lost_update_page_without_a_version_saves_as_before(world: World, edit: Edit) -> None:
    # A page opened before versions were sent posts none: the edit goes through, as before.
    record = edit.make(world)
    first, _ = _two_people(world, edit)
    response = first.post(edit.page_url(world, record), edit.page_data("A"))
    assert response.status_code == 302
    assert _saved(edit, record) == edit.values[0]


# --- the API ---------------------------------------------------------------------------------


def _api_save(client: Client, edit: Edit, world: World, record: Any, who: str, version: str):  # type: ignore[no-untyped-def]
    send = getattr(client, edit.api_method)
    return send(
        edit.api_url(world, record),
        edit.api_body(who),
        content_type="application/json",
        headers={"If-Match": f'"{version}"'} if version else {},
    )


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_dp_lost_update_api_refuses_a_stale_version_with_412(world: World, edit: Edit) -> None:
    # Given two callers who read the same record
    record = edit.make(world)
    first, second = _two_people(world, edit)
    read_by_a = edit.api_open(first, world, record)
    read_by_b = edit.api_open(second, world, record)
    assert read_by_a == read_by_b == record.version
    events = AuditEvent.objects.count()

    # When A sends a change with the version read, then B does
    saved = _api_save(first, edit, world, record, "A", read_by_a)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] != read_by_a
    assert saved["ETag"] == f'"{saved.json()["version"]}"'
    stale = _api_save(second, edit, world, record, "B", read_by_b)

    # Then B is refused in the error envelope, A's values stay, one audit event
    assert stale.status_code == 412, stale.content
    error = stale.json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["message"].startswith(CONFLICT)
    assert "Read the record again" in error["message"]
    assert _saved(edit, record) == edit.values[0]
    assert _updates(edit, record) == 1
    assert AuditEvent.objects.count() == events + 1

    # And B, having read it again, sends the change with the new version
    fresh = edit.api_open(second, world, record)
    assert fresh == saved.json()["version"]
    again = _api_save(second, edit, world, record, "B", fresh)
    assert again.status_code == 200, again.content
    assert _saved(edit, record) == edit.values[1]
    assert _updates(edit, record) == 2


@pytest.mark.parametrize("edit", [CHILD, OFFER], ids=lambda e: e.name)
def test_dp_lost_update_api_without_if_match_or_with_star_saves_as_before(
    world: World, edit: Edit
) -> None:
    record = edit.make(world)
    first, _ = _two_people(world, edit)
    assert _api_save(first, edit, world, record, "A", "").status_code == 200
    star = getattr(first, edit.api_method)(
        edit.api_url(world, record),
        edit.api_body("B"),
        content_type="application/json",
        headers={"If-Match": "*"},
    )
    assert star.status_code == 200
    assert _saved(edit, record) == edit.values[1]


def test_dp_lost_update_api_weak_or_several_versions_are_refused(world: World) -> None:
    child = world.case.child
    client = signed_in(Client(), world.case_worker)
    url = CHILD.api_url(world, child)
    before = (child.version, AuditEvent.objects.count())

    weak = client.patch(
        url,
        {"given_name": "Weak"},
        content_type="application/json",
        headers={"If-Match": f'W/"{child.version}"'},
    )
    several = client.patch(
        url,
        {"given_name": "Several"},
        content_type="application/json",
        headers={"If-Match": f'"{child.version}", "{child.version}"'},
    )

    # If-Match compares strongly (RFC 9110): a weak tag never matches.
    assert weak.status_code == 412
    assert several.status_code == 400
    assert "If-Match" in several.json()["error"]["fields"]
    child.refresh_from_db()
    assert (child.version, AuditEvent.objects.count()) == before


# --- the version token and the service check -------------------------------------------------


@pytest.mark.parametrize("microsecond", [0, 1, 999_999], ids=["no-us", "1us", "999999us"])
def test_dp_lost_update_version_reads_back_as_it_was_written(case, microsecond: int) -> None:
    # The token is compared as a string: the database must give back the microseconds.
    child = case.child
    at = datetime(2026, 3, 4, 5, 6, 7, microsecond, tzinfo=UTC)
    Child.objects.filter(pk=child.pk).update(updated_at=at)
    child.refresh_from_db()
    assert child.version == f"2026-03-04T05:06:07.{microsecond:06d}+00:00"
    saved = Child.objects.get(pk=child.pk)
    saved.save()
    assert Child.objects.get(pk=child.pk).version == saved.version


def test_dp_lost_update_service_refuses_a_stale_version_and_names_when(
    case, case_worker, supervisor
) -> None:
    opened = case.child.version
    child_update(case=case, actor=case_worker, expected_version=opened, given_name="Malee")
    events = AuditEvent.objects.count()

    with pytest.raises(EditConflict) as refused:
        child_update(case=case, actor=supervisor, expected_version=opened, given_name="Mala")

    child = Child.objects.get(pk=case.child_id)
    assert child.given_name == "Malee"
    assert AuditEvent.objects.count() == events
    assert refused.value.current_version == child.version
    # Today's change is named by its time alone, in the reader's time zone.
    at = formats.time_format(timezone.localtime(child.updated_at), "TIME_FORMAT")
    assert refused.value.message.startswith(f"{CONFLICT} at {at}, after you read it")


def test_dp_lost_update_an_age_assessment_since_opened_refuses_the_child_edit(
    case, case_worker, supervisor
) -> None:
    # A completed age assessment changes the child's record (age status, birth date): an edit
    # opened before it would put back the old age.
    from haven.cases.child_services import age_assessment_record

    opened = case.child.version
    age_assessment_record(
        case=case,
        actor=supervisor,
        method="Fictional assessment",
        decided_by="Fictional panel",
        evidence="Fictional records.",
        completed=True,
        result="child",
        assessed_birth_date=timezone.localdate() - timedelta(days=15 * 365),
    )
    with pytest.raises(EditConflict):
        child_update(case=case, actor=case_worker, expected_version=opened, age_status="estimated")


def test_dp_lost_update_check_without_a_version_lets_the_edit_through(case) -> None:
    check_version(case.child, None)
    check_version(case.child, "")
    with pytest.raises(EditConflict):
        check_version(case.child, "2000-01-01T00:00:00.000000+00:00")

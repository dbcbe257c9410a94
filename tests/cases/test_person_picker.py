"""The assignment page's person picker (CC-9, CC-10, DP-1, DP-2): it lists only the people who
may take the role chosen on this case, found by name, at most twenty at a time; the form and
the service check the same list, so the page never offers someone the service would refuse, and
a refused choice changes nothing."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import Membership, User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.access import assignable_people
from haven.cases.forms import first_to_offer
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_assign
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db

NOTE = "Fictional handover: she draws before she talks; the same interpreter, please."
RADIO = re.compile(r'<input type="radio" name="user" value="(\d+)"')


def _offered(response: Any) -> set[int]:
    return {int(pk) for pk in RADIO.findall(response.content.decode())}


def _picker(client: Client, case: Case, **params: str) -> Any:
    return client.get(f"/cases/{case.public_id}/assign/", params)


def _state() -> tuple[list[tuple[int, int, str, Any]], int]:
    return (
        list(
            CaseAssignment.objects.order_by("pk").values_list("pk", "user_id", "role", "ended_at")
        ),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def people(agency: Any, other_agency: Any) -> dict[str, User]:
    """Staff of both agencies, some of whom may not be assigned at all."""
    left = staff(
        agency, Role.CASE_WORKER, username="left", first_name="Fictional", last_name="Left"
    )
    Membership.objects.filter(user=left).update(is_active=False)
    gone = staff(
        agency, Role.CASE_WORKER, username="gone", first_name="Fictional", last_name="Gone"
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return {
        "aung": staff(
            agency, Role.CASE_WORKER, username="aungk", first_name="Aung", last_name="Kyaw"
        ),
        "lawyer": staff(
            agency, Role.LAWYER, username="lawyer", first_name="Malai", last_name="Law"
        ),
        "other_cw": staff(
            other_agency, Role.CASE_WORKER, username="other_cw", first_name="Sok", last_name="Chan"
        ),
        "other_lawyer": staff(
            other_agency, Role.LAWYER, username="other_law", first_name="Dara", last_name="Pich"
        ),
        "left": left,
        "gone": gone,
    }


def test_cc9_the_picker_lists_only_who_may_take_the_role_chosen(
    client: Client, case: Case, supervisor: User, case_worker: User, people: dict[str, User]
) -> None:
    signed_in(client, supervisor)

    as_case_worker = _picker(client, case, role="case_worker")
    as_lawyer = _picker(client, case, role="lawyer")

    assert as_case_worker.status_code == 200
    assert next(t.name for t in as_case_worker.templates) == "cases/assign.html"
    # Case workers of the lead agency only: not its lawyer, not another agency's case worker,
    # not someone whose membership ended or whose account is off, not the current case worker.
    assert _offered(as_case_worker) == {people["aung"].pk, supervisor.pk}
    # A lawyer of either agency may be the child's lawyer; nobody else.
    assert _offered(as_lawyer) == {people["lawyer"].pk, people["other_lawyer"].pk}
    page = as_lawyer.content.decode()
    assert "Who can be assigned as lawyer or paralegal" in page
    assert "Malai Law (Fictional Child Protection Office, Lawyer or paralegal)" in page
    assert "Dara Pich (Fictional Shelter Network, Lawyer or paralegal)" in page


def test_cc9_the_picker_and_the_service_agree_on_everyone(
    case: Case, supervisor: User, case_worker: User, people: dict[str, User]
) -> None:
    everyone = [*people.values(), supervisor, case_worker]
    # A case worker comes only from the lead agency and replaces the one there; a support
    # person may be any of six staff roles of any agency.
    for role in ("case_worker", "support_person"):
        offered = set(assignable_people(case, role).values_list("pk", flat=True))
        accepted = set()
        for person in everyone:
            try:
                with transaction.atomic():
                    case_assign(
                        case=case, actor=supervisor, user=person, role=role, handover_note=NOTE
                    )
                    accepted.add(person.pk)
                    transaction.set_rollback(True)
            except ValidationError:
                pass
        assert offered == accepted, role


def test_cc9_the_picker_finds_a_name_in_any_order_and_letter_case(
    client: Client, case: Case, supervisor: User, people: dict[str, User], agency: Any
) -> None:
    somchai = staff(agency, Role.CASE_WORKER, username="sc", first_name="สมชาย", last_name="ใจดี")
    signed_in(client, supervisor)

    for typed in ("kyaw aung", "Aung Kyaw", "KYAW", "aun ky", "aungk"):
        assert _offered(_picker(client, case, role="case_worker", q=typed)) == {
            people["aung"].pk
        }, typed
    assert _offered(_picker(client, case, role="case_worker", q="ใจดี สมชาย")) == {somchai.pk}
    nobody = _picker(client, case, role="case_worker", q="Chan")  # another agency's
    assert _offered(nobody) == set()
    assert "No one who can take this role matches “Chan”." in nobody.content.decode()


def test_cc9_the_picker_shows_twenty_people_and_says_how_many_more(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    for n in range(25):
        staff(
            agency,
            Role.CASE_WORKER,
            username=f"w{n:02d}",
            first_name="Worker",
            last_name=f"{n:02d}",
        )
    signed_in(client, supervisor)

    response = _picker(client, case, role="case_worker")

    assert len(_offered(response)) == 20
    # 25 case workers and the supervisor may take the case: 6 more than shown.
    assert "6 more: type more of the name." in response.content.decode()
    narrowed = _picker(client, case, role="case_worker", q="worker 2")
    assert len(_offered(narrowed)) == 7  # 02, 12, 20–24
    assert "more: type more of the name" not in narrowed.content.decode()


def test_cc9_with_htmx_only_the_list_changes_and_it_follows_the_role(
    client: Client, case: Case, supervisor: User, people: dict[str, User]
) -> None:
    signed_in(client, supervisor)

    response = client.get(
        f"/cases/{case.public_id}/assign/", {"role": "lawyer", "q": ""}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="people">')
    assert "<html" not in page
    assert '<input type="hidden" name="role" value="lawyer">' in page
    assert _offered(response) == {people["lawyer"].pk, people["other_lawyer"].pk}


def test_cc9_the_page_opens_for_a_case_worker_when_the_case_needs_one(
    client: Client, case: Case, supervisor: User, case_worker: User, people: dict[str, User]
) -> None:
    signed_in(client, supervisor)
    # The case has its case worker: the supervisor chooses the role first.
    first = _picker(client, case).content.decode()
    assert "Choose the role on the case first" in first
    assert RADIO.search(first) is None

    from haven.cases.services import assignment_end

    assignment_end(
        assignment=CaseAssignment.objects.get(case=case, role="case_worker"), actor=supervisor
    )
    # Without one (their case worker left), the page offers case workers at once.
    response = _picker(client, case)
    assert _offered(response) == {people["aung"].pk, supervisor.pk, case_worker.pk}


def test_cc10_the_page_says_which_language_the_child_speaks(
    client: Client, case: Case, supervisor: User
) -> None:
    signed_in(client, supervisor)

    page = _picker(client, case, role="psychologist").content.decode()

    assert "The child speaks: Burmese. Someone who does not will need an interpreter." in page


def test_cc9_the_page_assigns_the_person_chosen(
    client: Client, case: Case, supervisor: User, people: dict[str, User]
) -> None:
    signed_in(client, supervisor)

    response = client.post(
        f"/cases/{case.public_id}/assign/",
        {"role": "case_worker", "q": "", "user": people["aung"].pk, "handover_note": NOTE},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/"
    current = CaseAssignment.objects.current().get(case=case, role="case_worker")
    assert (current.user, current.handover_note) == (people["aung"], NOTE)


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("other_cw", "case_worker"),  # another agency's case worker
        ("lawyer", "case_worker"),  # a lawyer is not a case worker
        ("left", "case_worker"),  # their membership ended
        ("gone", "lawyer"),  # their account is off
        ("aung", "interpreter"),  # a case worker is not an interpreter
    ],
)
def test_dp2_posting_someone_the_picker_does_not_offer_is_refused_and_changes_nothing(
    client: Client, case: Case, supervisor: User, people: dict[str, User], who: str, role: str
) -> None:
    signed_in(client, supervisor)
    before = _state()

    response = client.post(
        f"/cases/{case.public_id}/assign/",
        {"role": role, "user": people[who].pk, "handover_note": NOTE},
    )

    assert response.status_code == 400
    assert next(t.name for t in response.templates) == "cases/assign.html"
    assert (
        "This person cannot take this role on this case: choose someone from the list."
        in response.content.decode()
    )
    assert _state() == before


def test_dp2_the_service_refuses_another_agencys_case_worker_and_changes_nothing(
    case: Case, supervisor: User, people: dict[str, User]
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        case_assign(
            case=case,
            actor=supervisor,
            user=people["other_cw"],
            role="case_worker",
            handover_note=NOTE,
        )

    assert refused.value.message_dict == {
        "user": ["The case worker must be a case worker of the lead agency."]
    }
    assert _state() == before


def test_cc9_a_refused_handover_keeps_what_was_typed_on_the_page(
    client: Client, case: Case, supervisor: User, people: dict[str, User]
) -> None:
    signed_in(client, supervisor)
    before = _state()

    response = client.post(
        f"/cases/{case.public_id}/assign/",
        {"role": "case_worker", "q": "kyaw", "user": people["aung"].pk, "handover_note": " "},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Write a handover note so the child does not have to tell their story again." in page
    assert f'value="{people["aung"].pk}" checked' in page
    assert 'name="q" id="id_q" value="kyaw"' in page
    assert _state() == before


def test_dp1_only_who_may_assign_opens_the_page(
    client: Client, case: Case, case_worker: User, outsider: User
) -> None:
    assert signed_in(client, case_worker).get(f"/cases/{case.public_id}/assign/").status_code == (
        403
    )
    assert signed_in(client, outsider).get(f"/cases/{case.public_id}/assign/").status_code == 404
    anonymous = Client().get(f"/cases/{case.public_id}/assign/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_cc9_bad_search_input_is_a_400_not_a_500(
    client: Client, case: Case, supervisor: User
) -> None:
    signed_in(client, supervisor)

    too_long = _picker(client, case, role="case_worker", q="x" * 101)
    no_such_role = _picker(client, case, role="queen")

    assert too_long.status_code == 400
    assert "Ensure this value has at most 100 characters" in too_long.content.decode()
    assert no_such_role.status_code == 400
    assert "Select a valid choice." in no_such_role.content.decode()


def _picker_queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _picker(client, case, role="lawyer")
    assert response.status_code == 200
    return len(queries)


def test_cc9_the_picker_reads_as_many_queries_for_30_people_as_for_3(
    client: Client, case: Case, supervisor: User, agency: Any, other_agency: Any
) -> None:
    signed_in(client, supervisor)
    for n in range(3):
        staff(agency if n % 2 else other_agency, Role.LAWYER, username=f"l{n}")
    # The menu's figures are counted on the first page, then kept a minute: count from the second.
    _picker_queries(client, case)
    few = _picker_queries(client, case)
    for n in range(3, 30):
        staff(agency if n % 2 else other_agency, Role.LAWYER, username=f"l{n}")

    assert _picker_queries(client, case) == few


def test_cc9_the_case_page_offers_the_first_twenty_and_links_to_the_picker(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    for n in range(25):
        staff(
            agency,
            Role.CASE_WORKER,
            username=f"w{n:02d}",
            first_name="Worker",
            last_name=f"{n:02d}",
        )
    signed_in(client, supervisor)

    page = client.get(f"/cases/{case.public_id}/").content.decode()

    select = page[
        page.index('<select name="user"') : page.index(
            "</select>", page.index('<select name="user"')
        )
    ]
    assert select.count("<option") == 21  # the empty choice and twenty people
    # 25 case workers, the case worker and the supervisor may take a part: more than twenty.
    assert "More people can be assigned." in page
    assert f'href="/cases/{case.public_id}/assign/">Find them by name</a>' in page


def test_cc9_the_first_people_offered_are_the_lead_agencys_then_the_others_by_name(
    case: Case, agency: Any, other_agency: Any
) -> None:
    """first_to_offer reads two short walks in name order; they give exactly the first of
    every assignable person sorted lead agency first, then by name, and say whether more are
    left, at every size around both parts' lengths."""
    names = ["Zin", "Aye", "Mya", "Aye", "Bo", "Kyi", "Aye"]
    for n, first in enumerate(names):
        staff(agency, Role.LAWYER, username=f"lead{n}", first_name=first, last_name=f"L{n % 3}")
        staff(
            other_agency, Role.LAWYER, username=f"away{n}", first_name=first, last_name=f"A{n % 2}"
        )
    people = assignable_people(case, "lawyer")
    lead = set(
        Membership.objects.filter(agency=agency, is_active=True).values_list("user_id", flat=True)
    )
    everyone = sorted(
        people, key=lambda u: (u.pk not in lead, u.first_name, u.last_name, u.username, u.pk)
    )
    assert len(everyone) == 14

    for size in (1, 6, 7, 8, 13, 14, 15, 20):
        shown, more = first_to_offer(case, people, size)
        assert [u.pk for u in shown] == [u.pk for u in everyone[:size]], size
        assert more is (len(everyone) > size), size

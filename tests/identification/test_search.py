"""Is this child already known? (ID-7, CC-15; DP-1, DP-2, DP-3, DP-13)

haven.identification.search.find_children, the page /cases/find/ and POST
/api/v1/children/search/: a child is found across scripts and spellings; a match the caller may
not see comes back only as the name and country of the agency that holds it; the name travels
in the request body, never in a URL; every search is access-logged."""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import formats
from django.utils.html import escape

from haven.accounts.models import Agency
from haven.audit.models import AccessLog
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.identification.search import find_children
from tests.conftest import signed_in
from tests.factories import child_fields

QUERY = "Siriporn Saengthong"  # how a Thai shelter worker might romanise ศิริพร แสงทอง
BIRTH = date(2012, 3, 14)


@pytest.fixture
def known_elsewhere(outsider, other_agency) -> Case:  # type: ignore[no-untyped-def]
    """A girl registered by another agency (Cambodia), her name in Thai script only."""
    return case_register(
        actor=outsider,
        agency=other_agency,
        child=child_fields(
            given_name="ศิริพร",
            family_name="แสงทอง",
            sex="female",
            birth_date=BIRTH,
            age_status="estimated",
        ),
        nationalities=["TH"],
        aliases=["น้องปลา"],
        summary="Fictional: found at a fictional border market.",
    )


def _secrets(case: Case) -> list[str]:
    """What a caller who may not see the case must never be shown."""
    child = case.child
    birth = child.birth_date
    assert birth is not None
    return [
        child.given_name,
        child.family_name,
        *(alias.name for alias in child.aliases.all()),
        case.reference,
        str(case.public_id),
        str(child.public_id),
        birth.isoformat(),
        formats.date_format(birth, "DATE_FORMAT"),
        formats.date_format(birth, "SHORT_DATE_FORMAT"),
        "border market",
    ]


def _main(response) -> str:  # type: ignore[no-untyped-def]
    content = response.content.decode()
    return content[content.index('<main id="main">') : content.index("</main>")]


def _api(client: Client, **data: Any):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/children/search/", data, content_type="application/json")


def _searches() -> int:
    return AccessLog.objects.filter(what="child.search").count()


# --- across scripts, across agencies (ID-7, DP-2) ----------------------------------------------


def test_id7_dp2_find_children_turns_a_match_in_another_agency_into_an_agency_hint(
    case_worker, known_elsewhere
) -> None:
    result = find_children(case_worker, name=QUERY)
    assert result.visible == []
    assert result.elsewhere == [("Fictional Shelter Network", "KH", "")]
    # With its numbers recorded, the hint says whom to call.
    Agency.objects.filter(name="Fictional Shelter Network").update(
        phone="+855 23 000 111", hotline="1280"
    )
    assert find_children(case_worker, name=QUERY).elsewhere == [
        ("Fictional Shelter Network", "KH", "+855 23 000 111 · 1280")
    ]


def test_id7_dp2_the_page_shows_a_child_known_elsewhere_only_as_the_agency_and_country(
    client: Client, case_worker, known_elsewhere
) -> None:
    signed_in(client, case_worker)

    response = client.post("/cases/find/", {"name": QUERY})

    assert response.status_code == 200
    main = _main(response)
    assert "<h2>Possible matches in other agencies</h2>" in main
    assert "<ul><li>Fictional Shelter Network (KH)</li></ul>" in main
    assert "Children you can see" not in main
    content = response.content.decode()
    for secret in _secrets(known_elsewhere):
        assert secret not in content, secret
    assert re.findall(r'href="/cases/[0-9a-f-]{36}/"', content) == []


def test_id7_dp2_the_api_shows_a_child_known_elsewhere_only_as_the_agency_and_country(
    client: Client, case_worker, known_elsewhere
) -> None:
    signed_in(client, case_worker)

    response = _api(client, name=QUERY)

    assert response.status_code == 200
    assert response.json() == {
        "cases": [],
        "elsewhere": [{"agency": "Fictional Shelter Network", "country": "KH", "phone": ""}],
        "in_own_agency": [],
        "partial": False,
    }
    content = response.content.decode()
    for secret in _secrets(known_elsewhere):
        assert secret not in content, secret


def test_id7_a_romanised_name_finds_the_child_in_thai_script_in_either_order(
    client: Client, case_worker, known_elsewhere
) -> None:
    signed_in(client, case_worker)
    for name in ("Saengthong Siriporn", "SIRIPHON SANGTONG", "ศิริพร แสงทอง"):
        assert _api(client, name=name).json()["elsewhere"] == [
            {"agency": "Fictional Shelter Network", "country": "KH", "phone": ""}
        ], name


def test_id7_a_different_name_finds_nothing(client: Client, case_worker, known_elsewhere) -> None:
    signed_in(client, case_worker)
    assert _api(client, name="Kyaw Zin Htet").json() == {
        "cases": [],
        "elsewhere": [],
        "in_own_agency": [],
        "partial": False,
    }
    main = _main(client.post("/cases/find/", {"name": "Kyaw Zin Htet"}))
    assert "No child with a similar name was found." in main


def test_id7_a_child_the_user_can_see_is_listed_with_a_link_to_the_case(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)

    main = _main(client.post("/cases/find/", {"name": "Mali Testchild"}))

    assert "<h2>Children you can see</h2>" in main
    assert f'<a class="name" href="/cases/{case.public_id}/">Mali Testchild</a>' in main
    assert case.reference in main
    assert "Possible matches in other agencies" not in main
    body = _api(client, name="Mali Testchild").json()
    assert body == {
        "cases": [{"id": str(case.public_id), "reference": case.reference, "score": 1.0}],
        "elsewhere": [],
        "in_own_agency": [],
        "partial": False,
    }


def test_id7_dp2_own_match_is_listed_and_the_other_agencys_is_only_hinted(
    client: Client, case_worker, agency, known_elsewhere
) -> None:
    mine = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(given_name="Siriporn", family_name="Saengthong", sex="female"),
    )
    signed_in(client, case_worker)

    body = _api(client, name=QUERY).json()
    main = _main(client.post("/cases/find/", {"name": QUERY}))

    assert [row["id"] for row in body["cases"]] == [str(mine.public_id)]
    assert body["elsewhere"] == [
        {"agency": "Fictional Shelter Network", "country": "KH", "phone": ""}
    ]
    assert f'href="/cases/{mine.public_id}/"' in main
    assert "<li>Fictional Shelter Network (KH)</li>" in main
    for secret in _secrets(known_elsewhere):
        assert secret not in main, secret


def test_dp1_a_case_of_ones_own_agency_one_is_not_on_is_only_hinted(
    client: Client, case, unassigned_case_worker
) -> None:
    # Need to know holds inside an agency too: the unassigned case worker learns only that
    # their own agency knows a child by that name, and it is never called "another agency".
    signed_in(client, unassigned_case_worker)
    body = _api(client, name="Mali Testchild").json()
    assert body == {
        "cases": [],
        "elsewhere": [],
        "in_own_agency": ["Fictional Child Protection Office"],
        "partial": False,
    }
    main = _main(client.post("/cases/find/", {"name": "Mali Testchild"}))
    assert case.reference not in main and str(case.public_id) not in main
    assert "Possible matches in your agency" in main
    assert "Possible matches in other agencies" not in main
    assert "Ask your supervisor whether it is the same child" in main


def test_id7_a_supervisor_sees_every_match_of_their_agency(
    client: Client, case, supervisor
) -> None:
    signed_in(client, supervisor)
    assert [row["id"] for row in _api(client, name="Mali Testchild").json()["cases"]] == [
        str(case.public_id)
    ]


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def three_noks(case_worker, agency) -> dict[str, Case]:  # type: ignore[no-untyped-def]
    """Three children named Nok Thongdee whom the case worker can see."""

    def register(**fields: Any) -> Case:
        nationalities = fields.pop("nationalities", [])
        return case_register(
            actor=case_worker,
            agency=agency,
            child=child_fields(given_name="Nok", family_name="Thongdee", **fields),
            nationalities=nationalities,
        )

    return {
        "boy_th_2011": register(sex="male", birth_date=date(2011, 6, 1), nationalities=["TH"]),
        "girl_mm_2015": register(sex="female", birth_date=date(2015, 2, 1), nationalities=["MM"]),
        "unknown": register(sex="unknown"),  # no birth date, no nationality
    }


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({}, {"boy_th_2011", "girl_mm_2015", "unknown"}),
        # A filter does not hide a child whose sex or birth date is not known.
        ({"sex": "male"}, {"boy_th_2011", "unknown"}),
        ({"sex": "female"}, {"girl_mm_2015", "unknown"}),
        ({"born_from": 2014}, {"girl_mm_2015", "unknown"}),
        ({"born_to": 2012}, {"boy_th_2011", "unknown"}),
        ({"born_from": 2011, "born_to": 2011}, {"boy_th_2011", "unknown"}),
        ({"nationality": "MM"}, {"girl_mm_2015"}),
        ({"nationality": "KH"}, set()),
        (
            {"sex": "male", "born_from": 2010, "born_to": 2012, "nationality": "TH"},
            {"boy_th_2011"},
        ),
        ({"sex": "female", "born_to": 2012}, {"unknown"}),
    ],
)
def test_id7_filters_narrow_the_results(
    client: Client, case_worker, three_noks, filters, found
) -> None:
    signed_in(client, case_worker)
    ids = {str(case.public_id): key for key, case in three_noks.items()}

    body = _api(client, name="Nok Thongdee", **filters).json()
    main = _main(client.post("/cases/find/", {"name": "Nok Thongdee", **filters}))

    assert {ids[row["id"]] for row in body["cases"]} == found
    assert body["elsewhere"] == []
    linked = set(re.findall(r'<a class="name" href="/cases/([0-9a-f-]{36})/">', main))
    assert {ids[i] for i in linked} == found


@pytest.mark.parametrize(
    "filters",
    [
        {"sex": "female", "nationality": "TH", "born_from": 2012, "born_to": 2012},
        {"sex": "male"},
        {"nationality": "KH"},
        {"born_from": 2013},
        {"born_to": 2011},
    ],
)
def test_dp1_hints_from_other_agencies_do_not_depend_on_the_filters(
    client: Client, case_worker, known_elsewhere, filters
) -> None:
    # Narrowing hidden children by birth year, sex or nationality would let repeated searches
    # reveal those facts about a child the user may not see: the hint rests on the name alone.
    signed_in(client, case_worker)
    expected = [{"agency": "Fictional Shelter Network", "country": "KH", "phone": ""}]
    assert _api(client, name=QUERY, **filters).json()["elsewhere"] == expected


# --- the name travels in the body, never in a URL (DP-13) ------------------------------------


def test_dp13_the_find_page_searches_only_by_post(
    client: Client, case, case_worker, known_elsewhere
) -> None:
    signed_in(client, case_worker)

    response = client.get("/cases/find/", {"name": "Mali Testchild"})

    assert response.status_code == 200
    main = _main(response)
    assert "Children you can see" not in main and "Possible matches" not in main
    assert "Mali Testchild" not in main  # the form is not even filled in from the URL
    assert '<form method="post" class="card" novalidate>' in main
    assert _searches() == 0


def test_dp13_the_api_search_refuses_get(client: Client, case_worker, known_elsewhere) -> None:
    signed_in(client, case_worker)
    response = client.get("/api/v1/children/search/", {"name": QUERY})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "Fictional Shelter Network" not in response.content.decode()
    assert _searches() == 0


def test_dp13_results_carry_the_name_in_no_link_and_are_not_cached(
    client: Client, case, case_worker, known_elsewhere
) -> None:
    signed_in(client, case_worker)
    for response in (
        client.post("/cases/find/", {"name": "Mali Testchild"}),
        _api(client, name="Mali Testchild"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "Location" not in response
        content = response.content.decode()
        for url in re.findall(r'(?:href|action|src)="([^"]*)"', content):
            assert "Mali" not in url and "Testchild" not in url, url


# --- every search is logged (DP-3) -------------------------------------------------------------


@pytest.mark.parametrize(("via", "channel"), [("page", "web"), ("api", "api")])
def test_dp3_a_search_writes_an_access_log_row(
    client: Client, case_worker, agency, known_elsewhere, via, channel
) -> None:
    signed_in(client, case_worker)
    AccessLog.objects.all().delete()

    if via == "page":
        response = client.post("/cases/find/", {"name": QUERY})
    else:
        response = _api(client, name=QUERY)

    assert response.status_code == 200
    [row] = AccessLog.objects.filter(what="child.search")
    assert (row.user, row.roles, row.agency_id, row.channel) == (
        case_worker,
        "case_worker",
        agency.pk,
        channel,
    )
    # The hint names no child, and the log pins the search to none.
    assert (row.case_id, row.child_id) == (None, None)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "Nok", "born_from": "2015", "born_to": "2012"}, "The second year must not be"),
        ({"name": "Nok", "born_from": "1800"}, "greater than or equal to 1990."),
        ({"name": "Nok", "born_to": "next year"}, "Enter a whole number."),
        ({"name": "Nok", "sex": "robot"}, "Select a valid choice. robot is not one of"),
        ({"name": "Nok", "nationality": "XX"}, "Select a valid choice. XX is not one of"),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"name": "Nok\x00"}, "Null characters are not allowed."),
    ],
)
def test_id7_a_search_with_a_blank_name_or_bad_filter_is_a_form_error(
    client: Client, case_worker, data, message
) -> None:
    signed_in(client, case_worker)

    response = client.post("/cases/find/", data)

    assert response.status_code == 400
    assert escape(message) in _main(response)
    assert _searches() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": "Nok", "born_from": 1800}, "born_from"),
        ({"name": "Nok", "born_to": "next year"}, "born_to"),
        ({"name": "Nok", "nationality": "Thailand"}, "nationality"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Nok\x00"}, "name"),
    ],
)
def test_id7_api_search_with_a_blank_name_or_bad_filter_is_a_400(
    client: Client, case_worker, data, field
) -> None:
    signed_in(client, case_worker)

    response = _api(client, **data)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field])
    assert _searches() == 0


@pytest.mark.parametrize(
    "name",
    [
        "!!!",
        "\u200b",
        "😀😀",
        "O'Brien <script>alert(1)</script>",
        "x" * 200,
        "ศิริพร",
        "a b c d e f",
    ],
)
def test_id7_odd_names_are_searched_without_error_and_shown_escaped(
    client: Client, case_worker, known_elsewhere, name
) -> None:
    signed_in(client, case_worker)
    page = client.post("/cases/find/", {"name": name})
    api = _api(client, name=name)
    assert (page.status_code, api.status_code) == (200, 200)
    assert "<script>alert(1)</script>" not in page.content.decode()


# --- who may search ----------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["statistician", "admin", "assigned_interpreter"])
def test_dp1_only_those_who_may_register_a_child_may_search(
    client: Client, request, known_elsewhere, caller
) -> None:
    signed_in(client, request.getfixturevalue(caller))

    page = client.post("/cases/find/", {"name": QUERY})
    api = _api(client, name=QUERY)

    assert page.status_code == 403
    assert "errors/403.html" in [t.name for t in page.templates]
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "permission_denied"
    for response in (page, api):
        assert "Fictional Shelter Network" not in response.content.decode()
    assert _searches() == 0


def test_dp1_anonymous_callers_cannot_search(client: Client, known_elsewhere) -> None:
    page = client.post("/cases/find/", {"name": QUERY})
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    api = _api(client, name=QUERY)
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "not_authenticated"
    assert _searches() == 0


def test_search_api_refuses_a_year_range_that_ends_before_it_starts(client, case_worker):
    signed_in(client, case_worker)
    response = client.post(
        "/api/v1/children/search/",
        {"name": "Mali", "born_from": 2015, "born_to": 2010},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "born_to" in response.json()["error"]["fields"]

"""Malformed search filters are input like any other: a clear 400 naming the filter, never a
500 (issue found by a probe: "²" and a 5,000-digit age on the offers API, a NUL byte in a
filter on PostgreSQL)."""

import pytest
from django.test import Client

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/directory/offers/"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age": "²"}, "age"),
        ({"age": "9" * 5000}, "age"),
        ({"age": "-3"}, "age"),
        ({"age": "130"}, "age"),
        ({"language": "th\x00"}, "language"),
        ({"country": "T\x00"}, "country"),
        ({"service_type": "x" * 500}, "service_type"),
    ],
)
def test_malformed_offer_filters_are_a_400_naming_the_filter(case_worker, params, field):
    client = signed_in(Client(), case_worker)

    response = client.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_whole_number_age_still_filters(case_worker):
    client = signed_in(Client(), case_worker)

    response = client.get(URL, {"age": "14", "language": "th"})

    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_a_json_body_nested_5000_levels_is_a_400_and_saves_nothing(case, case_worker):
    client = signed_in(Client(), case_worker)
    body = "[" * 5000 + "]" * 5000

    response = client.post(
        f"/api/v1/cases/{case.public_id}/notes/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The JSON body is nested too deeply."
    assert case.notes.count() == 0

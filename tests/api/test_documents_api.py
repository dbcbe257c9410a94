"""The documents API (DP-1, DP-13): /api/v1/cases/<id>/documents/ lists what the caller may
see, attaches through the page's service (multipart), serves the content never cached with the
reading logged, and removes a document attached by mistake."""

import io

from django.test import Client

from haven.audit.models import AccessLog
from haven.documents.models import Document
from haven.documents.services import document_attach
from tests.conftest import signed_in
from tests.documents.test_documents import GPS_TAG, photo_with_gps, small_pdf


def _url(case, rest: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/cases/{case.public_id}/documents/{rest}"


def test_dp13_the_api_attaches_a_photo_without_its_gps_and_serves_it(
    client: Client, case, case_worker
) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    api = signed_in(client, case_worker)
    content = io.BytesIO(photo_with_gps())
    content.name = "fictional.jpg"
    created = api.post(
        _url(case),
        {"content": content, "kind": "photo", "sensitivity": "identity", "title": "Fictional bag"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["sensitivity"], body["content_type"]) == (
        "photo",
        "identity",
        "image/jpeg",
    )
    listed = api.get(_url(case)).json()
    assert [d["id"] for d in listed] == [body["id"]]
    response = api.get(_url(case, f"{body['id']}/content/"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not Image.open(io.BytesIO(response.content)).getexif().get_ifd(GPS_TAG)
    assert AccessLog.objects.filter(what="document.download", case_id=case.pk).count() == 1


def test_dp13_the_api_refuses_a_file_that_is_not_a_photo_or_pdf(
    client: Client, case, case_worker
) -> None:  # type: ignore[no-untyped-def]
    content = io.BytesIO(b"<svg onload='alert(1)'></svg>")
    content.name = "drawing.png"
    response = signed_in(client, case_worker).post(
        _url(case),
        {"content": content, "kind": "drawing", "sensitivity": "narrative", "title": "x"},
    )
    assert response.status_code == 400
    assert "content" in response.json()["error"]["fields"]
    assert Document.objects.count() == 0


def test_dp1_the_api_hides_a_health_document_from_an_interpreter(
    client: Client, case, case_worker, assigned_interpreter
) -> None:  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="medical",
        sensitivity="health",
        title="Fictional letter",
        data=small_pdf(),
    )
    api = signed_in(client, assigned_interpreter)
    assert api.get(_url(case)).json() == []
    assert api.get(_url(case, f"{document.public_id}/content/")).status_code == 404
    refused = api.post(
        _url(case, f"{document.public_id}/remove/"),
        {"reason": "fictional"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    document.refresh_from_db()
    assert document.removed_at is None


def test_dp13_the_api_removes_a_document_attached_by_mistake(
    client: Client, case, case_worker
) -> None:  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="identity",
        sensitivity="identity",
        title="Fictional card",
        data=small_pdf(),
    )
    response = signed_in(client, case_worker).post(
        _url(case, f"{document.public_id}/remove/"),
        {"reason": "The wrong child"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["removed_at"]
    document.refresh_from_db()
    assert document.removed_at is not None and not document.content

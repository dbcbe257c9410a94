"""Documents and photos (DP-1, DP-3, DP-7, DP-13): stored encrypted under a random name, type
judged by content, photos without their location, each class seen only by who may read it,
every download logged and never cached."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from PIL import Image

from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.services import case_assign
from haven.core.fields import fernet
from haven.documents.models import Document
from haven.documents.services import document_attach
from tests.conftest import signed_in
from tests.factories import staff

GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


def photo_with_gps(width: int = 60, height: int = 40) -> bytes:
    """A fictional phone photo: a coloured rectangle whose EXIF holds a GPS position, a camera
    serial number and an orientation (turn 90°)."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    exif[0xA431] = "SERIAL-FICTIONAL-123"  # BodySerialNumber
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def small_pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 280), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()


def upload(client, case, data: bytes, name: str = "photo.jpg", **fields):  # type: ignore[no-untyped-def]
    payload = {"kind": "photo", "title": "Fictional photo of a bag", "sensitivity": "identity"}
    payload.update(fields)
    payload["content"] = io.BytesIO(data)
    payload["content"].name = name  # type: ignore[attr-defined]
    return client.post(f"/cases/{case.public_id}/documents/", payload)


def stored_bytes(document: Document) -> bytes:
    with document.content.storage.open(document.content.name, "rb") as f:
        return f.read()


@pytest.fixture
def health_worker(case, supervisor, agency):  # type: ignore[no-untyped-def]
    user = staff(agency, Role.HEALTH_WORKER, username="nurse")
    case_assign(case=case, actor=supervisor, user=user, role="health_worker")
    return user


def test_dp13_a_photo_is_stored_encrypted_and_downloaded_without_its_gps(client, case, case_worker):  # type: ignore[no-untyped-def]
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_TAG)
    response = upload(signed_in(client, case_worker), case, original)
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    stored = stored_bytes(document)
    # DP-7: the stored bytes are a Fernet token of the field keys, under a random name.
    assert stored.startswith(b"gAAAAA")
    assert b"SERIAL-FICTIONAL" not in stored and "photo" not in document.content.name
    assert document.content_type == "image/jpeg"
    downloaded = client.get(f"/cases/{case.public_id}/documents/{document.public_id}/file/")
    assert downloaded.status_code == 200
    body = downloaded.content
    assert body == fernet().decrypt(stored)
    image = Image.open(io.BytesIO(body))
    exif = image.getexif()
    assert not exif.get_ifd(GPS_TAG) and GPS_TAG not in exif and ORIENTATION_TAG not in exif
    assert b"SERIAL-FICTIONAL" not in body and b"Exif" not in body
    # The photo was turned upright before its orientation tag was dropped.
    assert image.size == (40, 60)


def test_dp13_a_download_is_logged_never_cached_and_named_without_the_child(
    client, case, case_worker
):  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="medical",
        sensitivity="health",
        title="Fictional hospital letter",
        data=small_pdf(),
    )
    before = AccessLog.objects.filter(what="document.download").count()
    response = signed_in(client, case_worker).get(
        f"/cases/{case.public_id}/documents/{document.public_id}/file/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and case.reference in disposition
    assert case.child.given_name not in disposition
    assert AccessLog.objects.filter(what="document.download").count() == before + 1
    log = AccessLog.objects.filter(what="document.download").latest("occurred_at")
    assert (log.user_id, log.case_id) == (case_worker.pk, case.pk)


def test_dp13_a_pdf_preview_is_its_first_page_drawn_as_an_image(client, case, case_worker):  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="court",
        sensitivity="legal",
        title="Fictional summons",
        data=small_pdf(),
    )
    assert document.pages == 1
    response = signed_in(client, case_worker).get(
        f"/cases/{case.public_id}/documents/{document.public_id}/preview/"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).width == 800
    assert AccessLog.objects.filter(what="document.preview", case_id=case.pk).count() == 1


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (b"MZ\x90\x00fictional executable", "scan.pdf"),
        (b"%PDF-1.7 not really a pdf", "scan.pdf"),
        (b"", "empty.png"),
    ],
)
def test_dp13_a_file_is_judged_by_its_content_and_refused_changing_nothing(
    client, case, case_worker, data, name
):  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    response = upload(signed_in(client, case_worker), case, data, name=name)
    assert response.status_code == 400
    assert Document.objects.count() == 0 and AuditEvent.objects.count() == events
    assert "errorlist" in response.content.decode()


def test_dp13_a_pdf_named_as_a_photo_is_kept_as_a_pdf(client, case, case_worker):  # type: ignore[no-untyped-def]
    response = upload(signed_in(client, case_worker), case, small_pdf(), name="photo.jpg")
    assert response.status_code == 302
    assert Document.objects.get(case=case).content_type == "application/pdf"


@override_settings(HAVEN_DOCUMENT_MAX_BYTES=2000)
def test_dp13_a_file_over_the_size_limit_is_refused(client, case, case_worker):  # type: ignore[no-untyped-def]
    response = upload(signed_in(client, case_worker), case, b"\xff" * 2001)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert Document.objects.count() == 0


def test_dp1_a_health_document_is_unknown_to_an_interpreter_on_every_path(
    client, case, case_worker, assigned_interpreter
):  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="medical",
        sensitivity="health",
        title="Fictional hospital letter",
        data=small_pdf(),
    )
    reader = signed_in(client, assigned_interpreter)
    page = reader.get(f"/cases/{case.public_id}/documents/").content.decode()
    assert "Fictional hospital letter" not in page and str(document.public_id) not in page
    case_page = reader.get(f"/cases/{case.public_id}/").content.decode()
    assert "Fictional hospital letter" not in case_page and "Document attached" not in case_page
    for path in ("file", "preview"):
        response = reader.get(f"/cases/{case.public_id}/documents/{document.public_id}/{path}/")
        assert response.status_code == 404
    assert AccessLog.objects.filter(what__in=["document.download", "document.preview"]).count() == 0


def test_dp1_a_worker_of_another_agency_gets_404_everywhere(client, case, case_worker, outsider):  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="identity",
        sensitivity="identity",
        title="Fictional birth certificate",
        data=small_pdf(),
    )
    reader = signed_in(client, outsider)
    base = f"/cases/{case.public_id}/documents/"
    assert reader.get(base).status_code == 404
    for path in ("file/", "preview/"):
        assert reader.get(f"{base}{document.public_id}/{path}").status_code == 404
    assert (
        reader.post(f"{base}{document.public_id}/remove/", {"reason": "not mine"}).status_code
        == 404
    )
    assert upload(reader, case, small_pdf()).status_code == 404
    assert Document.objects.count() == 1 and Document.objects.get().removed_at is None


def test_dp1_nobody_attaches_a_class_their_role_does_not_read(client, case, health_worker):  # type: ignore[no-untyped-def]
    response = upload(signed_in(client, health_worker), case, small_pdf(), sensitivity="location")
    assert response.status_code == 400
    assert Document.objects.count() == 0
    # The form offers only the classes the health worker reads.
    form = client.get(f"/cases/{case.public_id}/documents/").content.decode()
    assert 'value="health"' in form and 'value="location"' not in form


def test_dp13_the_interpreter_may_not_attach(client, case, assigned_interpreter):  # type: ignore[no-untyped-def]
    response = upload(signed_in(client, assigned_interpreter), case, small_pdf())
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_dp13_removing_a_document_deletes_its_file_and_keeps_the_row(
    client, case, case_worker, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    document = document_attach(
        case=case,
        actor=case_worker,
        kind="identity",
        sensitivity="identity",
        title="Fictional ID of another child",
        data=small_pdf(),
    )
    name = document.content.name
    storage = document.content.storage
    reader = signed_in(client, case_worker)
    url = f"/cases/{case.public_id}/documents/{document.public_id}/remove/"
    refused = reader.post(url, {"reason": ""})
    assert refused.status_code == 400 and storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(url, {"reason": "Attached to the wrong child"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None and document.title == "" and not document.content
    assert document.removed_reason == "Attached to the wrong child"
    assert not storage.exists(name)
    assert (
        reader.get(f"/cases/{case.public_id}/documents/{document.public_id}/file/").status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="document.remove.identity").count() == 1


def test_dp7_rotating_the_keys_re_encrypts_every_document(case, case_worker, settings):  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    document = document_attach(
        case=case,
        actor=case_worker,
        kind="photo",
        sensitivity="identity",
        title="Fictional photo",
        data=photo_with_gps(),
    )
    plain = fernet().decrypt(stored_bytes(document))
    old_key = settings.HAVEN_FIELD_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.HAVEN_FIELD_KEYS = [new_key, *settings.HAVEN_FIELD_KEYS]
    call_command("rotate_field_keys", stdout=io.StringIO())
    document.refresh_from_db()
    settings.HAVEN_FIELD_KEYS = [new_key]
    assert fernet().decrypt(stored_bytes(document)) == plain
    assert old_key not in settings.HAVEN_FIELD_KEYS


def test_dp13_the_case_page_lists_documents_and_offers_to_attach(client, case, case_worker):  # type: ignore[no-untyped-def]
    document_attach(
        case=case,
        actor=case_worker,
        kind="drawing",
        sensitivity="narrative",
        title="Fictional drawing of a house",
        data=photo_with_gps(),
    )
    page = signed_in(client, case_worker).get(f"/cases/{case.public_id}/").content.decode()
    assert "Fictional drawing of a house" in page
    assert f"/cases/{case.public_id}/documents/#attach" in page

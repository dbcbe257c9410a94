"""Documents under the retention schedule (DP-8): when a class expires for a child, the files of
that class are deleted and their rows emptied; other classes stay until their own time."""

from datetime import timedelta

from django.utils import timezone

from haven.cases.retention import apply_retention
from haven.cases.services import case_register
from haven.documents.models import Document
from haven.documents.services import document_attach
from tests.documents.test_documents import photo_with_gps, small_pdf
from tests.factories import child_fields, close_case


def test_dp8_a_documents_file_is_erased_when_its_class_expires(
    case_worker, agency, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(birth_date=timezone.localdate() - timedelta(days=14 * 365)),
        nationalities=["MM"],
        languages=["my"],
    )
    where = document_attach(
        case=case,
        actor=case_worker,
        kind="photo",
        sensitivity="location",
        title="Fictional photo of the house",
        data=photo_with_gps(),
    )
    health = document_attach(
        case=case,
        actor=case_worker,
        kind="medical",
        sensitivity="health",
        title="Fictional letter",
        data=small_pdf(),
    )
    storage = where.content.storage
    where_name, health_name = where.content.name, health.content.name
    close_case(case, case_worker)
    today = timezone.localdate()

    # Five years on, whereabouts (two years) have expired; health has not.
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(today=today.replace(year=today.year + 5))

    where.refresh_from_db()
    health.refresh_from_db()
    assert not where.content and where.title == "" and where.removed_at is not None
    assert not storage.exists(where_name)
    assert health.content.name == health_name and storage.exists(health_name)
    assert health.title == "Fictional letter"
    assert report.of("location").rows["documents.Document.content"] == 1
    assert Document.objects.count() == 2

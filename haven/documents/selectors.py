"""Reading documents: which a person may know exist on a case, and their content, each reading
logged (DP-1, DP-3, DP-13)."""

from typing import Any
from uuid import UUID

from django.http import Http404

from haven.audit.services import log_read
from haven.cases.access import readable, record_for
from haven.cases.models import Case
from haven.core.fields import fernet
from haven.documents.content import pdf_preview
from haven.documents.models import Document


def documents_of(case: Case, classes: frozenset[Any]) -> list[Document]:
    """The case's documents of the classes a reader may read, newest first (one query)."""
    return [
        d
        for d in case.documents.select_related("created_by").order_by("-created_at")
        if d.readable_with(classes)
    ]


def document_for(user: Any, case: Case, public_id: UUID | str) -> Document:
    """One document of the case the user may read; Http404 otherwise, as for one that does not
    exist (haven.cases.access.record_for)."""
    return record_for(user, case, Document.objects.filter(case=case), public_id)


def content_of(user: Any, document: Document, *, what: str = "document.download") -> bytes:
    """The document's content, decrypted, with the reading logged (DP-3). The caller has found
    the document through `document_for`."""
    case = document.case
    if not document.readable_with(readable(user, case)) or not document.content:
        raise Http404
    try:
        with document.content.open("rb") as stored:
            token = stored.read()
    except FileNotFoundError as exc:
        # A database restored without its documents directory (docs/deployment.md).
        raise Http404 from exc
    log_read(user=user, what=what, case=case)
    return fernet().decrypt(token)


def preview_of(user: Any, document: Document) -> tuple[bytes, str]:
    """What the page shows of a document: an image itself, a PDF's first page drawn as PNG."""
    data = content_of(user, document, what="document.preview")
    if document.is_image:
        return data, document.content_type
    return pdf_preview(data), "image/png"

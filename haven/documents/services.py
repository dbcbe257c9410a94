"""Every write about documents (DP-13). Each is one transaction, checks the actor, records the
audit event (never the content or the title) and re-runs the rules that read documents."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import readable, require
from haven.cases.models import Case
from haven.cases.services import lock_case
from haven.core.fields import fernet
from haven.documents.content import accept
from haven.documents.models import CLASSES, Document
from haven.safeguards.engine import reevaluate

TITLE_MAX_LENGTH = 200


@transaction.atomic
def document_attach(
    *, case: Case, actor: Any, kind: str, sensitivity: str, title: str, data: bytes
) -> Document:
    """Attach a file to a case. Its type is judged by its content; an image is re-encoded
    without its metadata before it is stored (a photo's GPS position is the child's
    whereabouts); the stored bytes are encrypted with the field keys (DP-7). The uploader
    chooses who may see it, among the classes they may read themselves."""
    require(actor, Capability.ATTACH_DOCUMENT, case)
    errors: dict[str, Any] = {}
    if kind not in Document.Kind.values:
        errors["kind"] = _("Choose what kind of document it is.")
    if sensitivity not in CLASSES:
        errors["sensitivity"] = _("Choose who may see it.")
    elif sensitivity not in readable(actor, case):
        # Nobody attaches what they could not read back: the document would be lost to them,
        # and they would be deciding for a class their role does not cover.
        errors["sensitivity"] = _(
            "Your role does not read this kind of information on the case. Choose another, or "
            "ask the case worker to attach it."
        )
    title = title.strip()
    if not title:
        errors["title"] = _("Say in a few words what it is, so others find it without opening it.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep it under %(n)d characters.") % {"n": TITLE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    accepted = accept(data)
    lock_case(case)
    document = Document(
        case=case,
        kind=kind,
        sensitivity=sensitivity,
        title=title,
        content_type=accepted.content_type,
        size=len(accepted.data),
        pages=accepted.pages,
        created_by=actor,
        updated_by=actor,
    )
    document.content.save("document", ContentFile(fernet().encrypt(accepted.data)), save=False)
    try:
        document.save()
        record_event(
            actor=actor,
            action=f"document.attach.{sensitivity}",
            obj=document,
            case=case,
            changes={
                "kind": [None, kind],
                "sensitivity": [None, sensitivity],
                "content_type": [None, accepted.content_type],
            },
        )
        reevaluate(case, Document)
    except BaseException:
        # The row is rolled back with the transaction; its content must not stay behind.
        document.content.delete(save=False)
        raise
    return document


@transaction.atomic
def document_remove(*, document: Document, actor: Any, reason: str) -> Document:
    """Remove a document attached by mistake (the wrong child, the wrong file): its content is
    deleted at once, the row stays with the reason so the timeline still shows it was there."""
    case = document.case
    require(actor, Capability.ATTACH_DOCUMENT, case)
    if not document.readable_with(readable(actor, case)):
        raise ValidationError(_("You cannot remove a document you may not see."))
    if document.removed_at is not None:
        raise ValidationError(_("This document was already removed."))
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why it is removed, in a few words.")})
    lock_case(case)
    name = document.content.name
    document.removed_at = timezone.now()
    document.removed_reason = reason.strip()
    document.title = ""
    document.content = ""
    document.updated_by = actor
    document.save()
    record_event(
        actor=actor,
        action=f"document.remove.{document.sensitivity}",
        obj=document,
        case=case,
        changes={"kind": [document.kind, document.kind]},
    )
    reevaluate(case, Document)
    if name:
        storage = Document._meta.get_field("content").storage  # type: ignore[attr-defined]
        transaction.on_commit(lambda: storage.delete(name))
    return document

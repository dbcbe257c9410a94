"""Documents and photos attached to a case (DP-1, DP-7, DP-13): identity papers, medical
reports, court papers, a scanned signed consent, the child's drawings.

A document's content is stored encrypted with the field keys (haven.core.fields.fernet) in
the "documents" storage (settings.STORAGES), under a random name that no URL exposes: it is
read only through haven.documents.selectors, after the reader's access to the case and to the
document's class is checked, and every reading is logged. The class is chosen at upload and
decides who may know the document exists (`row_sensitivity`), exactly as a record's class does:
a photo that shows where the child lives is whereabouts, a medical report is health."""

import uuid
from typing import ClassVar

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.core.fields import EncryptedFileField, EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity

# A document is never a case basic: everyone on the case would see it.
CLASSES: tuple[Sensitivity, ...] = tuple(s for s in Sensitivity if s != Sensitivity.BASIC)


def documents_storage() -> Storage:
    """The "documents" storage of settings.STORAGES: a private directory in production, never
    under a URL the web server serves (docs/deployment.md)."""
    return storages["documents"]


def stored_name(instance: "Document", filename: str) -> str:
    """A random name, unrelated to the uploaded one (which may hold the child's name) and to
    the document's public ID (DP-13)."""
    return f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.bin"


class Document(HavenModel):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        MEDICAL = "medical", _("Medical report")
        COURT = "court", _("Court or legal paper")
        CONSENT = "consent", _("Signed consent or assent")
        DRAWING = "drawing", _("The child's drawing or writing")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other document")

    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        PDF = "application/pdf", "PDF"

    # The class a document is given when the uploader does not choose (the form preselects it).
    DEFAULT_CLASS: ClassVar[dict[str, Sensitivity]] = {
        Kind.IDENTITY: Sensitivity.IDENTITY,
        Kind.MEDICAL: Sensitivity.HEALTH,
        Kind.COURT: Sensitivity.LEGAL,
        Kind.CONSENT: Sensitivity.LEGAL,
        Kind.DRAWING: Sensitivity.NARRATIVE,
        Kind.PHOTO: Sensitivity.IDENTITY,
        Kind.OTHER: Sensitivity.NARRATIVE,
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sensitivity = models.CharField(
        _("who may see it"),
        max_length=20,
        choices=[(s.value, s.label) for s in CLASSES],
    )
    # What the document is, in a few words ("Birth certificate", "Drawing of her family"): it
    # may name the child, so it is encrypted, and of the document's own class.
    title = EncryptedTextField(_("what it is"))
    content = EncryptedFileField(storage=documents_storage, upload_to=stored_name, max_length=200)
    content_type = models.CharField(max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveSmallIntegerField(null=True, blank=True)  # of a PDF
    # A document attached by mistake (the wrong child) is removed: its content is deleted at
    # once; the row stays, emptied, so the timeline still says something was there.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = EncryptedTextField(_("why it was removed"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def row_sensitivity(self) -> Sensitivity:
        return Sensitivity(self.sensitivity)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[
            self.content_type
        ]

    @property
    def download_name(self) -> str:
        """The name a downloaded file gets: the case, the kind and the day, never the child's
        name (a file name shows in a phone's downloads and in e-mail)."""
        return f"{self.case.reference}-{self.kind}-{self.created_at:%Y-%m-%d}.{self.extension}"

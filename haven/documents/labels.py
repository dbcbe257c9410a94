"""The timeline's words for documents (registered at DocumentsConfig.ready()). A document's
class is chosen at upload, so each class has its own action code: a reader who may not read
health matters does not learn from the timeline that a medical report was attached (DP-1)."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.documents.models import CLASSES, Document

for _class in CLASSES:
    register(
        {
            f"document.attach.{_class}": _("Document attached"),
            f"document.remove.{_class}": _("Document removed"),
        },
        {
            f"document.attach.{_class}": coded("kind", Document.Kind.choices),
            f"document.remove.{_class}": coded("kind", Document.Kind.choices),
        },
        {f"document.attach.{_class}": _class, f"document.remove.{_class}": _class},
    )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "haven.documents"
    verbose_name = _("Documents and photos")

    def ready(self) -> None:
        from haven.documents import labels, page, retention  # noqa: F401  (registers the labels, the case page's part and the erasure of files)

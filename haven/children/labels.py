"""The timeline's words for the child's record (registered at ChildrenConfig.ready())."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from haven.audit.labels import register
from haven.children.models import Child
from haven.core.sensitivity import Sensitivity

_LISTS = {
    "nationalities": _("nationality"),
    "languages": _("languages"),
    "aliases": _("other names"),
}


def _field_name(name: str) -> str:
    if name in _LISTS:
        return str(_LISTS[name])
    try:
        return str(Child._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return name


def _fields_changed(changes: Mapping[str, Any]) -> str:
    return ", ".join(_field_name(name) for name in sorted(changes))


register(
    {
        "child.register": _("Child registered"),
        "child.update": _("Child's record updated"),
        "child.age_assessment": _("Age assessment recorded"),
    },
    {"child.update": _fields_changed},
    {"child.age_assessment": Sensitivity.IDENTITY},
)

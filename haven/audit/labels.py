"""How audit action codes read on a case's timeline. Codes are namespaced by what they touch
("placement.record"). The audit trail knows no area: each area registers the labels of the
actions its services record, from `<app>/labels.py` at its AppConfig.ready(), as Wagtail's
log actions are registered.

The detail line is built only from coded values in the event (stages, roles, kinds), never from
free text, which the audit trail does not hold."""

from collections.abc import Callable, Collection, Mapping
from typing import Any

from haven.core.sensitivity import Sensitivity

# A detail builder turns an event's changes ({field: [before, after]}) into a short line.
Detail = Callable[[Mapping[str, Any]], str]

ACTION_LABELS: dict[str, Any] = {}
_DETAILS: dict[str, Detail] = {}
# The class of what an entry tells, when more than case basics (DP-1, DP-9): "Charge against the
# child recorded" is a legal matter, "Placement recorded: open shelter" whereabouts. A reader
# who may not read it on the case does not see the entry on the case's timeline.
_CLASSES: dict[str, Sensitivity] = {}


def register(
    labels: Mapping[str, Any],
    details: Mapping[str, Detail] | None = None,
    classes: Mapping[str, Sensitivity] | None = None,
) -> None:
    """Register an area's action labels (lazy translations) and, for some, a detail line and
    the class of what the entry tells (case basics otherwise)."""
    for code, text in labels.items():
        if code in ACTION_LABELS:
            raise ValueError(f"audit action {code} is labelled twice")
        ACTION_LABELS[code] = text
    for code, build in (details or {}).items():
        if code not in ACTION_LABELS:
            raise ValueError(f"audit action {code} has a detail but no label")
        _DETAILS[code] = build
    for code, sensitivity in (classes or {}).items():
        if code not in ACTION_LABELS:
            raise ValueError(f"audit action {code} has a class but no label")
        _CLASSES[code] = sensitivity


def hidden_actions(classes: Collection[str]) -> list[str]:
    """The actions whose entries a reader who may read `classes` on a case does not see."""
    return sorted(code for code, sensitivity in _CLASSES.items() if sensitivity not in classes)


def after(changes: Mapping[str, Any], field: str) -> Any:
    """The value a field took in the event, or None."""
    pair = changes.get(field)
    return pair[1] if pair else None


def coded(field: str, choices: Any) -> Detail:
    """A detail line naming the coded value a field took (a role, a kind, a type)."""

    def build(changes: Mapping[str, Any]) -> str:
        value = after(changes, field)
        return str(dict(choices).get(value, value)) if value else ""

    return build


def label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def detail(action: str, changes: Mapping[str, Any]) -> str:
    build = _DETAILS.get(action)
    return build(changes) if build else ""

"""Records that move along a map of allowed statuses (STYLE: transitions as a map), as
django-oscar's Order.set_status does: case stages, referrals, children's feedback.

A model with the mixin declares `TRANSITIONS` (each status and the ones it may move to) and, if
its field is not called `status`, `STATUS_FIELD`. Its service calls `set_status`, which checks
the map, sets the status and the other fields given, saves them, and remembers the change: the
audit event (the change row every record has) and, where a model keeps its own history of
changes (a case's StageChange rows), the row its `status_changed` hook writes. A move the map
does not allow is refused with a message that names where the record stands."""

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from haven.audit.services import record_event


class StatusMachine:
    STATUS_FIELD: ClassVar[str] = "status"
    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]]

    @property
    def current_status(self) -> str:
        return str(getattr(self, self.STATUS_FIELD))

    def _status_label(self, value: str) -> str:
        choices = dict(self._meta.get_field(self.STATUS_FIELD).choices or ())  # type: ignore[attr-defined]
        return str(choices.get(value, value))

    def allowed_statuses(self) -> list[str]:
        """Where the record may move next, in the order of the field's choices."""
        allowed = self.TRANSITIONS.get(self.current_status, frozenset())
        choices = self._meta.get_field(self.STATUS_FIELD).choices or ()  # type: ignore[attr-defined]
        return [value for value, _label in choices if value in allowed]

    def transition_refused(self, to: str) -> ValidationError:
        """The message for a move the map does not allow; a model may word it for its users."""
        return ValidationError(
            _("This is %(now)s: it cannot move to “%(to)s”.")
            % {"now": self._status_label(self.current_status).lower(), "to": self._status_label(to)}
        )

    def check_transition(self, to: str) -> None:
        if to not in self.TRANSITIONS.get(self.current_status, frozenset()):
            raise self.transition_refused(to)

    def status_changed(self, before: str, to: str, *, actor: Any, **details: Any) -> None:
        """Write the model's own record of the change, if it keeps one (after the save)."""

    def set_status(
        self,
        to: str,
        *,
        actor: Any,
        action: str,
        case: Any = None,
        fields: Mapping[str, Any] | None = None,
        changes: Mapping[str, Any] | None = None,
        **details: Any,
    ) -> str:
        """Move to `to` with the other `fields` set alongside, save, and remember the change
        (`changes` adds to the audit event what else it should say). Returns the status the
        record left. The caller holds the row's lock and the transaction."""
        before = self.current_status
        self.check_transition(to)
        setattr(self, self.STATUS_FIELD, to)
        for name, value in (fields or {}).items():
            setattr(self, name, value)
        self.updated_by = actor  # type: ignore[attr-defined]
        saved: Iterable[str] = [self.STATUS_FIELD, *(fields or {}), "updated_by", "updated_at"]
        self.save(update_fields=list(dict.fromkeys(saved)))  # type: ignore[attr-defined]
        record_event(
            actor=actor,
            action=action,
            obj=self,  # type: ignore[arg-type]
            case=case,
            changes={self.STATUS_FIELD: [before, to], **(changes or {})},
        )
        self.status_changed(before, to, actor=actor, **details)
        return before

"""Turning service errors into form errors, so every page shows them the same way."""

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator
from django.http import QueryDict
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from haven.core.errors import EditConflict, SafeguardViolation

# --- Input limits ----------------------------------------------------------------------------
# Every free-text input of a form and of the API has a most length, and every list input a most
# count: a 2 MB note or a decision with 10,000 participants is refused with the field's message
# (400 in the API), and nothing is saved. A text kept in a column of its own keeps that column's
# max_length. tests/test_input_limits.py finds every form and API input and fails on a text or a
# list without its limit.
LINE_MAX_LENGTH = 200  # a short line: who decided or lodged, a provider, a role, a contact
PLACE_MAX_LENGTH = 300  # a place, as precise as needed to find the child
NAME_MAX_LENGTH = 200  # the name of a person or an organisation
TEXT_MAX_LENGTH = 10_000  # long text: notes, narratives, reasons, the child's views
CODE_MAX_LENGTH = 60  # a code of a closed list that the service checks (its message lists them)
CHOICES_MAX_COUNT = 100  # codes or records chosen from a list (every such list is shorter)
PARTICIPANTS_MAX_COUNT = 20  # the people who took part in a best-interests decision
NATIONALITIES_MAX_COUNT = 5
LANGUAGES_MAX_COUNT = 10
ALIASES_MAX_COUNT = 20


@deconstructible
class MaxCountValidator(BaseValidator):
    """A list input (ticked boxes, chosen records) holds at most `limit_value` items."""

    message = ngettext_lazy(
        "Choose at most %(limit_value)d item; %(show_value)d were chosen.",
        "Choose at most %(limit_value)d items; %(show_value)d were chosen.",
        "limit_value",
    )
    code = "max_count"

    def compare(self, a: int, b: int) -> bool:
        return a > b

    def clean(self, x: Any) -> int:
        return len(x)


def at_most(count: int = CHOICES_MAX_COUNT) -> list[MaxCountValidator]:
    """The validators of a list field of a form: `validators=at_most(...)`."""
    return [MaxCountValidator(count)]


# --- Lost updates (haven.core.versions) --------------------------------------------------------
# A version is a UTC timestamp to the microsecond: "2026-12-01T14:05:03.123456+00:00".
VERSION_MAX_LENGTH = 40


class VersionedForm(forms.Form):
    """The edit form of an existing record carries the version the person opened, in a hidden
    field (put `"version": record.version` in its initial data). When someone else saved the
    record since, the service refuses and the form is shown again (status 409) with what the
    person typed, a notice, and the version now saved: saving again then deliberately replaces
    the other person's changes. A form posted from a page that is shown again afterwards (a
    small form among the page's records) says so with KEEPS_INPUT = False."""

    KEEPS_INPUT = True

    version = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=VERSION_MAX_LENGTH
    )

    conflict: EditConflict | None = None

    def expected_version(self) -> str | None:
        """The version the person opened, for the service's `expected_version`."""
        return self.cleaned_data.get("version") or None

    def edit_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the service takes it: the version as `expected_version`."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return {**data, "expected_version": self.expected_version()}

    def refuse_stale(self, exc: EditConflict) -> None:
        """Show the refusal, and carry the version now saved for a deliberate second save."""
        self.conflict = exc
        self.add_error(None, exc.form_message() if self.KEEPS_INPUT else exc.page_message())
        if self.is_bound:
            key = self.add_prefix("version")
            if isinstance(self.data, QueryDict):
                data = self.data.copy()  # mutable, with every value of a multiple choice
                data[key] = exc.current_version
                self.data = data
            else:
                self.data = {**self.data, key: exc.current_version}


def form_status(form: forms.Form) -> int:
    """The status of a form page: 409 when the record changed since it was opened, 400 when
    the form was refused otherwise, 200 when it is shown to be filled in."""
    if getattr(form, "conflict", None) is not None:
        return 409
    return 400 if form.errors else 200


def apply_service_error(form: forms.Form, exc: Exception) -> None:
    """Attach a ValidationError, SafeguardViolation or EditConflict raised by a service to
    `form`."""
    if isinstance(exc, EditConflict):
        if isinstance(form, VersionedForm):
            form.refuse_stale(exc)
        else:
            form.add_error(None, exc.page_message())
        return
    if isinstance(exc, SafeguardViolation):
        form.add_error(
            None,
            _("%(measure)s: %(message)s") % {"measure": exc.measure_id, "message": exc.message},
        )
        return
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return
    raise exc


# Case work began long after this; an earlier year is a typing slip (and year 1 overflows
# the time-zone arithmetic).
EARLIEST_YEAR = 1990


def validate_event_time(value: Any, field: str) -> None:
    """A recorded event (interview, screening) happened in the past, and not before 1990."""
    from django.utils import timezone

    if value is None:
        return
    if value.year < EARLIEST_YEAR:
        raise ValidationError({field: _("Check the date: the year is too long ago.")})
    if value > timezone.now():
        raise ValidationError({field: _("This cannot be recorded before it happens.")})


def validate_event_date(value: Any, field: str) -> None:
    """A date on which something happened: not in the future, and not before 1990."""
    from django.utils import timezone

    if value is None:
        return
    if value.year < EARLIEST_YEAR:
        raise ValidationError({field: _("Check the date: the year is too long ago.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("This cannot be recorded before it happens.")})


class EventDateTimeField(forms.DateTimeField):
    """A date and time in the past, entered in the agency's time zone."""

    def to_python(self, value: Any) -> Any:
        try:
            result = super().to_python(value)
        except OverflowError as exc:
            raise forms.ValidationError(_("Check the date: the year is too long ago.")) from exc
        if result is not None and result.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Check the date: the year is too long ago."))
        return result


def date_input(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def datetime_input(**attrs: Any) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format="%Y-%m-%dT%H:%M")


def run_service(form: forms.Form, call: Any) -> Any:
    """Call a service with a valid form's data; a refusal (ValidationError, SafeguardViolation,
    EditConflict) lands on the form and nothing is saved. Returns the service's result, or
    None."""
    if not form.is_valid():
        return None
    try:
        return call()
    except (ValidationError, SafeguardViolation, EditConflict) as exc:
        apply_service_error(form, exc)
        return None


# A reason that stands in for a safeguard (why care could not wait, why a placement was urgent)
# says something: at least this many letters or digits, and not one character repeated.
REAL_REASON_MINIMUM = 20


def is_real_reason(text: str) -> bool:
    """Whether `text` is a reason, not a placeholder ("x", "urgent", "......"). Counted in
    letters, digits and combining marks, so that Thai, Khmer or Lao (written without spaces
    between words) count as fully as English; a word count would not."""
    signs = [c for c in text if c.isalnum() or unicodedata.category(c).startswith("M")]
    return len(signs) >= REAL_REASON_MINIMUM and len(set(signs)) >= 5


# Bidirectional controls that reorder what a reader sees (U+202A–U+202E, U+2066–U+2069,
# U+200E, U+200F): a name or reference that looks like another. Zero-width spaces and joiners
# stay, because Thai, Khmer, Lao and Myanmar text uses them inside words and names.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F], None
)


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


def has_visible_letters(text: str) -> bool:
    """Whether a name has something a person can read: a letter or a digit, not only spaces,
    zero-width characters or marks."""
    return any(c.isalnum() for c in text)


def real_reason_message() -> str:
    return _(
        "Write the real reason, in a sentence (at least %(count)d letters): what happened and "
        "why it could not wait."
    ) % {"count": REAL_REASON_MINIMUM}


def chosen_codes(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    """The codes ticked in a list input, each from `allowed`, sorted and without repeats; a
    code that is not in the list refuses the field."""
    values = list(values)
    allowed = set(allowed)
    if len(values) > CHOICES_MAX_COUNT or any(v not in allowed for v in values):
        raise ValidationError({field: _("Choose from the list.")})
    return sorted(set(values))


def missing_texts(values: Mapping[str, str], messages: Mapping[str, Any]) -> dict[str, Any]:
    """The message of each field whose text is empty or blank: a service's per-field errors."""
    return {field: message for field, message in messages.items() if not values[field].strip()}

"""Every free-text input has a most length and every list input a most count, on the pages and in
the API (haven.core.forms: LINE_MAX_LENGTH, TEXT_MAX_LENGTH, CHOICES_MAX_COUNT...). A probe
saved a 2 MB case note and a decision with 10,000 participants.

The walkers find the inputs from the code, so a new field cannot forget its limit: every form
class of Haven (each app's forms module, and every form the URLconf's views define), built as a
page builds it, and every serializer the API reads input with (each request body of the schema,
and each serializer a view calls with `data=`), nested ones included."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django import forms
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

import haven
from haven.accounts.models import Agency
from haven.api.schema import AutoSchema
from haven.cases.models import Case, CaseNote
from haven.children.forms import ChildForm
from haven.core.forms import (
    ALIASES_MAX_COUNT,
    CHOICES_MAX_COUNT,
    PARTICIPANTS_MAX_COUNT,
    TEXT_MAX_LENGTH,
    MaxCountValidator,
)
from haven.decisions.models import Decision, DecisionParticipant
from haven.directory.forms import ReferralForm
from haven.protection.models import Guardian
from tests.conftest import signed_in

TWO_MEGABYTES = "x" * (2 * 1024 * 1024)

# --- the forms ---------------------------------------------------------------------------------


def _haven_form_classes() -> list[type[forms.BaseForm]]:
    import config.urls  # noqa: F401  (every view module, and the forms they define)

    for app in pkgutil.iter_modules(haven.__path__):
        if (Path(haven.__path__[0]) / app.name / "forms.py").exists():
            importlib.import_module(f"haven.{app.name}.forms")
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("haven.") and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _haven_form_classes()

# How a page builds a form that needs more than its data: by the name of the argument.
_FORM_ARGUMENTS: dict[str, Any] = {
    "agencies": lambda: Agency.objects.none(),
    "roles": lambda: [],
    "case": lambda: Case(stage=Case.Stage.IDENTIFICATION),
    "consent_age": lambda: 16,
    "decisions": lambda: Decision.objects.none(),
    "guardians": lambda: Guardian.objects.none(),
    "offers": lambda: [],
    "consents": lambda: [],
    "people": lambda: [],
    "languages": lambda: [],
}


def _build(form_class: type[forms.BaseForm]) -> forms.BaseForm:
    kwargs = {}
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            assert name in _FORM_ARGUMENTS, (
                f"{form_class.__qualname__} needs `{name}`: say in _FORM_ARGUMENTS how to build it"
            )
            kwargs[name] = _FORM_ARGUMENTS[name]()
    return form_class(**kwargs)


def _unlimited_form_fields(form: forms.BaseForm) -> list[str]:
    missing = []
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length is None:
            missing.append(f"{name}: a text without max_length")
        elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            if not any(isinstance(v, MaxCountValidator) for v in field.validators):
                missing.append(f"{name}: a list without at_most(...)")
        elif isinstance(field, forms.JSONField):
            missing.append(f"{name}: JSON has no limit")
    return missing


def test_the_walker_finds_the_forms() -> None:
    names = {c.__name__ for c in FORMS}
    assert {"NoteForm", "DecisionForm", "ScreeningForm", "ResolveForm", "StaffForm"} <= names
    assert len(FORMS) >= 40


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_input_has_a_limit(form_class: type[forms.BaseForm]) -> None:
    assert _unlimited_form_fields(_build(form_class)) == []


def test_the_form_walker_sees_a_field_without_a_limit() -> None:
    class Unlimited(forms.Form):
        note = forms.CharField()
        tags = forms.MultipleChoiceField(choices=[("a", "A")])
        fine = forms.CharField(max_length=10)

    assert _unlimited_form_fields(Unlimited()) == [
        "note: a text without max_length",
        "tags: a list without at_most(...)",
    ]


# --- the API's input serializers ------------------------------------------------------------------


def _schema_request_serializers() -> list[serializers.BaseSerializer]:
    """Every request body of the OpenAPI schema."""
    found: list[Any] = []
    original = AutoSchema._get_request_body

    def spy(self: AutoSchema, direction: str = "request") -> Any:
        # (@extend_schema overrides get_request_serializer in a class of its own.)
        if self.method in ("PUT", "PATCH", "POST"):
            found.append(self.get_request_serializer())
        return original(self, direction)  # type: ignore[arg-type]

    with mock.patch.object(AutoSchema, "_get_request_body", spy):
        SchemaGenerator().get_schema(request=None, public=True)
    return [force_instance(s) for s in found if s is not None]


def _called_with_data() -> list[serializers.BaseSerializer]:
    """Every serializer an API module calls with `data=` (query filters too)."""
    found: list[Any] = []
    for path in sorted(Path(haven.__path__[0], "api").glob("*.py")):
        module = importlib.import_module(f"haven.api.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and any(k.arg == "data" for k in node.keywords):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else None
                name = node.func.id if isinstance(node.func, ast.Name) else name
                target = getattr(module, name or "", None)
                if target is None and isinstance(node.func, ast.Attribute):
                    owner = getattr(node.func.value, "id", "")
                    target = getattr(getattr(module, owner, None), name or "", None)
                if isinstance(target, type) and issubclass(target, serializers.BaseSerializer):
                    found.append(target())
    return found


def _input_serializers() -> dict[str, serializers.BaseSerializer]:
    by_name: dict[str, serializers.BaseSerializer] = {}
    for serializer in [*_schema_request_serializers(), *_called_with_data()]:
        if isinstance(serializer, serializers.BaseSerializer):
            by_name.setdefault(type(serializer).__name__, serializer)
    return dict(sorted(by_name.items()))


INPUTS = _input_serializers()


def _unlimited_api_fields(field: Any, path: str = "") -> list[str]:
    """The inputs of a serializer (or a field) without a limit, nested ones included."""
    if getattr(field, "read_only", False):
        return []
    if isinstance(field, serializers.ListSerializer):
        mine = [] if field.max_length is not None else [f"{path}: a list without max_length"]
        return mine + _unlimited_api_fields(field.child, f"{path}[]")
    if isinstance(field, serializers.Serializer):
        return [
            problem
            for name, child in field.fields.items()
            for problem in _unlimited_api_fields(child, f"{path}.{name}" if path else name)
        ]
    if isinstance(field, serializers.ListField):
        mine = [] if field.max_length is not None else [f"{path}: a list without max_length"]
        return mine + _unlimited_api_fields(field.child, f"{path}[]")
    if isinstance(field, serializers.CharField) and field.max_length is None:
        return [f"{path}: a text without max_length"]
    if isinstance(field, (serializers.DictField, serializers.JSONField)):
        return [f"{path}: a mapping has no limit"]
    # A MultipleChoiceField's value is a set of its own choices: bounded by them.
    return []


def test_the_walker_finds_the_api_inputs() -> None:
    assert {
        "NoteSerializer",
        "DecisionInputSerializer",
        "ScreeningInputSerializer",
        "OfferFilterSerializer",  # a query, read with data=
        "ChildUpdateSerializer",
    } <= set(INPUTS)
    assert len(INPUTS) >= 40


@pytest.mark.parametrize("name", list(INPUTS))
def test_every_api_input_has_a_limit(name: str) -> None:
    assert _unlimited_api_fields(INPUTS[name]) == []


def test_the_api_walker_sees_a_field_without_a_limit() -> None:
    class Row(serializers.Serializer):
        name = serializers.CharField()

    class Unlimited(serializers.Serializer):
        note = serializers.CharField()
        rows = Row(many=True)
        codes = serializers.ListField(child=serializers.CharField(max_length=5))
        fine = serializers.CharField(max_length=10)

    assert _unlimited_api_fields(Unlimited()) == [
        "note: a text without max_length",
        "rows: a list without max_length",
        "rows[].name: a text without max_length",
        "codes: a list without max_length",
    ]


# --- end to end: refused, with the field's message, and nothing saved -----------------------------


@pytest.mark.django_db
def test_a_2_mb_case_note_on_the_page_is_a_400_and_saves_nothing(case, case_worker) -> None:
    client = signed_in(Client(), case_worker)
    notes = CaseNote.objects.count()

    response = client.post(f"/cases/{case.public_id}/notes/", {"body": TWO_MEGABYTES})

    assert response.status_code == 400
    assert (
        f"Ensure this value has at most {TEXT_MAX_LENGTH} characters" in response.content.decode()
    )
    assert CaseNote.objects.count() == notes


@pytest.mark.django_db
def test_a_2_mb_case_note_in_the_api_is_a_400_naming_the_field_and_saves_nothing(
    case, case_worker
) -> None:
    client = signed_in(Client(), case_worker)
    notes = CaseNote.objects.count()

    response = client.post(
        f"/api/v1/cases/{case.public_id}/notes/",
        {"body": TWO_MEGABYTES},
        content_type="application/json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "body": [f"Ensure this field has no more than {TEXT_MAX_LENGTH} characters."]
    }
    assert CaseNote.objects.count() == notes


@pytest.mark.django_db
def test_a_decision_with_10000_participants_is_refused_and_saves_nothing(case, case_worker) -> None:
    client = signed_in(Client(), case_worker)
    before = (Decision.objects.count(), DecisionParticipant.objects.count())
    participants = [{"name": f"Fictional {n}", "role": "Panel"} for n in range(10_000)]

    response = client.post(
        f"/api/v1/cases/{case.public_id}/decisions/",
        {
            "kind": "bid",
            "subject": "placement",
            "decided_on": "2026-01-05",
            "question": "Fictional question.",
            "options": "Fictional options.",
            "outcome": "Fictional outcome.",
            "justification": "Fictional justification.",
            "child_views": "Fictional views.",
            "participants": participants,
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "participants": [f"Ensure this field has no more than {PARTICIPANTS_MAX_COUNT} elements."]
    }
    assert (Decision.objects.count(), DecisionParticipant.objects.count()) == before


@pytest.mark.django_db
def test_a_page_list_of_10000_ticks_is_refused_with_its_message(case, case_worker) -> None:
    # The same box ticked 10,000 times: every value is a valid choice, the count is not.
    form = ReferralForm(
        {"offer": "x", "reason": "Fictional.", "data_points": ["identity"] * 10_000},
        offers=[],
        consents=[],
    )

    assert not form.is_valid()
    assert form.errors["data_points"] == [
        f"Choose at most {CHOICES_MAX_COUNT} items; 10000 were chosen."
    ]


def test_more_other_names_than_the_api_takes_are_refused_on_the_page() -> None:
    data = {
        "given_name": "Mali",
        "sex": "female",
        "gender": "NonSpecifiedUnknown",
        "age_status": "uncertain",
        "parental_care": "unknown",
    }
    names = "\n".join(f"Fictional name {n}" for n in range(ALIASES_MAX_COUNT + 1))

    assert ChildForm({**data, "aliases": names}).errors["aliases"] == [
        f"Give at most {ALIASES_MAX_COUNT} other names, one per line."
    ]
    assert ChildForm({**data, "aliases": names.rsplit("\n", 1)[0]}).is_valid()

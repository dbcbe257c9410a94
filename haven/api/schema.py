"""The OpenAPI schema tells what the API really answers (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS):

- a list that is paginated (a viewset's `pagination_class`, on its `list` action only) is
  documented as the page it is: `count`, `next`, `previous`, `results`, with `page` and
  `page_size`; every other list stays a plain array, as it is sent;
- a response field that SensitiveFieldsMixin may leave out (one of a class the caller may not
  read, DP-1) is not `required`; a record with a class as a whole (RowClassMixin) can come back
  as an empty object, so none of its fields is;
- every operation documents its errors, in the envelope of haven.api.errors, from what the
  operation takes: 403 (not signed in, the second factor not done, or not allowed) for all;
  404 where a path names a record or a list is paginated; 400 for every write (the service
  validates, and refuses a move the record's state does not allow); 422 with `measure_id` (a
  safeguard rule refused) for every write; 412 (someone else changed the record since the
  version sent, haven.api.versions) for every write that takes `If-Match`. A view that refuses
  otherwise (a read whose query is validated, a download not yet allowed) names it with
  `error_response`.

tests/api/test_schemathesis.py holds the API to this schema."""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import OpenApiResponse

from haven.api.protection_serializers import RowClassMixin
from haven.api.serializers import SensitiveFieldsMixin
from haven.core.sensitivity import Sensitivity

_WRITES = ("POST", "PUT", "PATCH", "DELETE")

_MESSAGE = {"type": "string", "description": "What went wrong, in the caller's language."}

# The error envelope of haven.api.errors, one component for each shape it takes.
_ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "The error envelope of every refusal.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "A stable code: not_authenticated, permission_denied, "
                        "second_factor_required, password_change_required, not_found, "
                        "edit_conflict (412: changed since the version sent)...",
                    },
                    "message": _MESSAGE,
                },
                "required": ["code", "message"],
                "additionalProperties": False,
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    },
    "InvalidError": {
        "type": "object",
        "description": "Invalid input: `fields` holds the messages of each field "
        "(`non_field_errors` for the whole; `field.N.sub` inside a list of objects). A body "
        "that is not JSON, or is nested too deeply, has a message and no fields.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "invalid, or parse_error for a body that is not JSON.",
                    },
                    "message": _MESSAGE,
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "required": ["code", "message"],
                "additionalProperties": False,
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    },
    "SafeguardError": {
        "type": "object",
        "description": "A safeguard rule refused the action; nothing was saved. `measure_id` "
        "names the measure of the practitioner guide (e.g. ID-2, CC-3, ND-3).",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "enum": ["safeguard"]},
                    "message": _MESSAGE,
                    "measure_id": {"type": "string"},
                },
                "required": ["code", "message", "measure_id"],
                "additionalProperties": False,
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    },
}

_ERRORS = {
    "400": ("InvalidError", "Invalid input; nothing was saved."),
    "403": (
        "Error",
        "Not signed in, the second sign-in step not done, or not allowed to do this.",
    ),
    "404": (
        "Error",
        "Not found, or not visible to the caller: both answer alike (DP-1, DP-2).",
    ),
    "422": ("SafeguardError", "Refused by a safeguard rule; nothing was saved."),
    "412": (
        "Error",
        "Someone else changed the record since the version sent in If-Match (code "
        "edit_conflict); nothing was saved. Read it again and send the changes again.",
    ),
}


def error_response(code: int, description: str = "") -> OpenApiResponse:
    """The documented error of `code`, for a view whose refusal the rules above do not foresee
    (`@extend_schema(responses={..., 400: error_response(400, "Why.")})`)."""
    name, default = _ERRORS[str(code)]
    return OpenApiResponse(
        response={"$ref": f"#/components/schemas/{name}"}, description=description or default
    )


def sent_to_every_reader(serializer: Any) -> set[str]:
    """The fields of a response that every caller who gets the record is sent. A record with
    a class as a whole can be answered with an empty object; otherwise only case basics are
    readable by everyone who sees the case."""
    if isinstance(serializer, RowClassMixin):
        return set()
    return {name for name, cls in serializer.SENSITIVITY.items() if cls == Sensitivity.BASIC}


class AutoSchema(openapi.AutoSchema):
    def _get_paginator(self) -> Any:
        # A viewset's pagination_class pages its `list` action only; its other collections (a
        # case's interviews, screenings...) are plain arrays.
        if getattr(self.view, "action", None) != "list":
            return None
        return super()._get_paginator()

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False):  # type: ignore[no-untyped-def]
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        serializer = force_instance(serializer)
        if direction != "response" or "required" not in schema:
            return schema
        # DRF leaves out a read-only field declared required=False whose value is missing
        # (an annotation only some queries add).
        sometimes = {
            name
            for name, field in serializer.fields.items()
            if field.read_only and field._kwargs.get("required") is False
        }
        if isinstance(serializer, SensitiveFieldsMixin):
            always = sent_to_every_reader(serializer)
            sometimes |= {name for name in schema.get("properties", {}) if name not in always}
        required = [name for name in schema["required"] if name not in sometimes]
        if required:
            schema["required"] = required
        else:
            del schema["required"]
        return schema

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        in_path = [p for p in operation.get("parameters", []) if p.get("in") == "path"]
        paginated = any(p.get("name") == "page" for p in query)
        codes = ["403"]
        if in_path or paginated:
            codes.append("404")
        if "requestBody" in operation or self.method in _WRITES:
            codes.append("400")
        if self.method in _WRITES:
            codes.append("422")
        takes_version = any(
            p.get("in") == "header" and p.get("name") == "If-Match"
            for p in operation.get("parameters", [])
        )
        if takes_version:
            codes.append("412")
        for name, schema in _ERROR_COMPONENTS.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
                )
            )
        responses = operation.setdefault("responses", {})
        for code in codes:
            if code not in responses:
                name, description = _ERRORS[code]
                responses[code] = {
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                    "description": description,
                }
        return operation

"""One JSON error envelope for the whole API:

    {"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}, "measure_id": "ID-2"}}

`fields` appears for invalid input, `measure_id` when a safeguard rule refused the action.
Services raise Django's ValidationError, PermissionDenied, SafeguardViolation and EditConflict
(someone else saved the record since the version the caller sent in If-Match: 412, code
`edit_conflict`); they are translated here so that the API answers exactly as the HTML pages
do."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from haven.core.errors import EditConflict, SafeguardViolation

_DEFAULT_MESSAGES = {
    400: "Bad request.",
    403: "You are not allowed to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    500: "Something went wrong on our side.",
}


# The same codes as DRF gives for these statuses, so that a client sees one code per status
# whether Django (no matching route) or DRF (no such object) answered.
_DEFAULT_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    500: "server_error",
}


def _envelope(code: str, message: Any, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), **extra}}


def error_response(status_code: int) -> JsonResponse:
    """For Django's own error handlers when the path is under /api/."""
    message = _(_DEFAULT_MESSAGES.get(status_code, "Error."))
    code = _DEFAULT_CODES.get(status_code, str(status_code))
    return JsonResponse(_envelope(code, message), status=status_code)


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _field_errors(value).items():
                    # A list of objects refused as a whole (too many) is the field's own error.
                    out[key if sub == "non_field_errors" else f"{key}.{sub}"] = msgs
            elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                # A list of objects (many=True): each item's errors under "field.N.sub".
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        for sub, msgs in _field_errors(item).items():
                            out[f"{key}.{index}.{sub}"] = msgs
            else:
                out["non_field_errors" if key == "__all__" else key] = [
                    str(v) for v in (value if isinstance(value, list) else [value])
                ]
        return out
    return {
        "non_field_errors": [str(v) for v in (detail if isinstance(detail, list) else [detail])]
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, EditConflict):
        return Response(
            _envelope("edit_conflict", exc.message), status=status.HTTP_412_PRECONDITION_FAILED
        )
    if isinstance(exc, SafeguardViolation):
        return Response(
            _envelope("safeguard", exc.message, measure_id=exc.measure_id),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(
            _envelope(
                "invalid", _("Check the highlighted fields."), fields=_field_errors(messages)
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _envelope(
            "invalid", _("Check the highlighted fields."), fields=_field_errors(exc.detail)
        )
    else:
        detail: Any = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = _envelope(str(code), detail)
    return response

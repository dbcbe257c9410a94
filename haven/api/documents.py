"""A case's documents and photos (/api/v1/cases/<id>/documents/), DP-1, DP-13.

- GET: the documents the caller may see on the case (their class is one the caller reads),
  newest first, without content.
- POST (multipart/form-data: `content`, `kind`, `sensitivity`, `title`): attach one. The type
  is judged by content; a photo is re-encoded without its EXIF and GPS; stored encrypted.
- GET …/documents/<id>/content/: the file itself, never cached, the reading logged.
- POST …/documents/<id>/remove/ {"reason"}: remove one attached by mistake; its file is deleted.

Every write is the service the Documents page calls."""

from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api.parsers import JSONBodyParser
from haven.cases.access import access_case_by_id, access_case_for, readable
from haven.core.forms import TEXT_MAX_LENGTH
from haven.documents import selectors, services
from haven.documents.content import max_bytes, too_large
from haven.documents.models import Document
from haven.documents.services import TITLE_MAX_LENGTH


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    sensitivity = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    pages = serializers.IntegerField(read_only=True, allow_null=True)
    attached_at = serializers.DateTimeField(source="created_at", read_only=True)
    attached_by = serializers.CharField(source="created_by", read_only=True)
    removed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DocumentInputSerializer(serializers.Serializer):
    content = serializers.FileField()
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    sensitivity = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)

    def validate_content(self, upload: Any) -> Any:
        if upload.size > max_bytes():
            raise serializers.ValidationError(too_large())
        return upload


class RemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class DocumentViewSet(viewsets.ViewSet):
    """Detail routes of a case, like CaseViewSet's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @extend_schema(methods=["get"], responses=DocumentSerializer(many=True))
    @extend_schema(
        methods=["post"], request=DocumentInputSerializer, responses={201: DocumentSerializer}
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, JSONBodyParser])
    def documents(self, request: Request, public_id: str) -> Response:
        if request.method == "GET":
            case = access_case_by_id(request.user, public_id)
            rows = selectors.documents_of(case, readable(request.user, case))
            return Response(DocumentSerializer(rows, many=True).data)
        case = access_case_for(request.user, public_id, Capability.ATTACH_DOCUMENT)
        payload = DocumentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        document = services.document_attach(
            case=case, actor=request.user, data=data.pop("content").read(), **data
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path="documents/<uuid:document_id>/content")
    def document_content(self, request: Request, public_id: str, document_id: str) -> Any:
        case = access_case_by_id(request.user, public_id)
        document = selectors.document_for(request.user, case, document_id)
        response = HttpResponse(
            selectors.content_of(request.user, document), content_type=document.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{document.download_name}"'
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        add_never_cache_headers(response)
        return response

    @extend_schema(request=RemoveSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="documents/<uuid:document_id>/remove")
    def document_remove(self, request: Request, public_id: str, document_id: str) -> Response:
        case = access_case_for(request.user, public_id, Capability.ATTACH_DOCUMENT)
        document = selectors.document_for(request.user, case, document_id)
        payload = RemoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.document_remove(
            document=document, actor=request.user, reason=payload.validated_data["reason"]
        )
        return Response(DocumentSerializer(document).data)

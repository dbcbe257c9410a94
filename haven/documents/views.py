"""Documents' pages: the case's documents with their previews and the upload form, the
download and preview of one document, and removing one attached by mistake (DP-13).

A document's bytes are served only by these views, after the case and the document's class
are checked (haven.cases.access through the selectors), never cached, never from a URL that
names the stored file, each reading logged."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_by_id, access_case_for, can, readable
from haven.cases.models import Case
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest
from haven.documents import selectors, services
from haven.documents.forms import DocumentForm, RemoveForm
from haven.documents.models import Document


def _page(
    request: AuthedRequest,
    case: Case,
    form: DocumentForm | None = None,
    *,
    status: int = 200,
    removing: tuple[Document, RemoveForm] | None = None,
) -> HttpResponse:
    classes = readable(request.user, case)
    may_attach = can(request.user, Capability.ATTACH_DOCUMENT, case)
    if form is None and may_attach:
        form = DocumentForm(classes=classes)
    documents = selectors.documents_of(case, classes)
    log_read(user=request.user, what="document.list", case=case)
    return render(
        request,
        "documents/documents.html",
        {
            "case": case,
            "can_read": {str(s) for s in classes},
            "documents": [d for d in documents if d.removed_at is None],
            "removed": [d for d in documents if d.removed_at is not None],
            "form": form if may_attach else None,
            "remove_form": RemoveForm(),
            "removing": removing,
        },
        status=status,
    )


@login_required
def documents(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    if request.method != "POST":
        return _page(request, case)
    case = access_case_for(request.user, public_id, Capability.ATTACH_DOCUMENT)
    form = DocumentForm(request.POST, request.FILES, classes=readable(request.user, case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_attach(
                case=case,
                actor=request.user,
                kind=data["kind"],
                sensitivity=data["sensitivity"],
                title=data["title"],
                data=data["content"].read(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("documents:list", public_id=case.public_id)
    return _page(request, case, form, status=400)


def _file(data: bytes, content_type: str, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    # The file is shown as itself, never run: no script, no form, no plugin, even in a PDF.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Content-Length"] = str(len(data))
    return response


@never_cache
@login_required
def download(request: AuthedRequest, public_id: str, document_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    document = selectors.document_for(request.user, case, document_id)
    data = selectors.content_of(request.user, document)
    return _file(data, document.content_type, f'attachment; filename="{document.download_name}"')


@never_cache
@login_required
def preview(request: AuthedRequest, public_id: str, document_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    document = selectors.document_for(request.user, case, document_id)
    data, content_type = selectors.preview_of(request.user, document)
    return _file(data, content_type, "inline")


@require_POST
@login_required
def remove(request: AuthedRequest, public_id: str, document_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.ATTACH_DOCUMENT)
    document = selectors.document_for(request.user, case, document_id)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            services.document_remove(
                document=document, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The document is removed: its file is deleted."))
            return redirect("documents:list", public_id=case.public_id)
    return _page(request, case, status=400, removing=(document, form))

"""The assignment page: who may take which part on a case, found by name (CC-9, CC-10, DP-2).

`views.case_assign` answers on /cases/<id>/assign/: a GET shows this page, a POST assigns and,
when the choice is refused, shows this page again with what was wrong. The list is
`access.assignable_people` for the role chosen, the same rule the service applies; it shows at
most PICKER_SIZE people at a time, so the page weighs the same whether the country has thirty
staff or five thousand, and the others are found by typing more of their name. With htmx the
list follows what is typed; without JavaScript the search button reloads the page.

The case page's own "Assign someone" block is given the first people of the same list (its
part, registered below), so it never lists every staff member either."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from haven.accounts.models import User
from haven.audit.services import log_read
from haven.cases import selectors
from haven.cases.access import assignable_people, readable
from haven.cases.forms import AssignForm, PersonSearchForm, first_to_offer
from haven.cases.models import AssignmentRole, Case
from haven.cases.staff import open_handover_request
from haven.core.http import AuthedRequest


def assign_page(
    request: AuthedRequest, case: Case, form: AssignForm | None = None, *, status: int = 200
) -> HttpResponse:
    """The page for a case the caller may assign people to (the caller has checked it). `form`
    is a refused POST, shown again with its errors and the person it chose."""
    if form is None:
        data = request.GET.copy()
        if "role" not in data:
            data["role"] = _needed_role(case)
        search = PersonSearchForm(data)
        chosen = ""
    else:
        search = PersonSearchForm({"role": form.data.get("role", ""), "q": form.data.get("q", "")})
        chosen = str(form.data.get("user", ""))
    if search.is_valid():
        role, query = search.cleaned_data["role"], search.cleaned_data["q"]
    else:
        role, query, status = "", "", 400
    if form is None:
        form = AssignForm(case=case, initial={"role": role})
    people = assignable_people(case, role, query) if role else User.objects.none()
    shown, _more = first_to_offer(case, people)
    # How many more, for the person typing a name; counted every time, so that the page reads
    # as many queries for 3 staff as for 3,000.
    more = people.count() - len(shown)
    label = form.fields["user"].label_from_instance  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "case": case,
        "form": form,
        "search": search,
        "role": role,
        "role_label": AssignmentRole(role).label if role else "",
        "query": query,
        "people": [(str(person.pk), label(person)) for person in shown],
        "chosen": chosen,
        "more": more,
    }
    if request.htmx and request.method == "GET":
        # Only the list changes as the person types: staff names, nothing of the child.
        return render(request, "cases/assign.html#people", context, status=status)
    classes = readable(request.user, case)
    context.update(
        {
            "child": case.child,
            "can_read": {str(s) for s in classes},
            "child_languages": list(case.child.languages.all()),
            "asked": open_handover_request(case),
        }
    )
    log_read(user=request.user, what="case.assign_page", case=case)
    return render(request, "cases/assign.html", context, status=status)


def _needed_role(case: Case) -> str:
    """The role the page opens with when none is asked for: case worker when the case has none
    or its case worker asked to hand it over (CC-9), otherwise none (the person chooses)."""
    has_worker = (
        selectors.current_assignments(case).filter(role=AssignmentRole.CASE_WORKER).exists()
    )
    if not has_worker or open_handover_request(case) is not None:
        return AssignmentRole.CASE_WORKER
    return ""

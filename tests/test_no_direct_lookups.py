"""The lint rule of DESIGN idea 3 (DP-1): views and the API load cases, children and their
records only through haven.cases.access (cases_for_user, access_case_by_id, children_for_user,
access_child_by_id, record_for) and the areas' selectors, so need-to-know is checked in one
place. Any direct lookup of a case-scoped model — every model whose rows belong to a case or a
child, found from the models' foreign keys — in a view module (views.py, *_views.py) or anywhere
under haven/api/ fails this test."""

import ast
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parent.parent / "haven"


def case_scoped_models() -> frozenset[str]:
    """Names of the models whose rows belong to a case or a child: the case and the child
    themselves and every model that points to one, directly or through another such model.
    Reaching them without the access helpers would skip the need-to-know check."""
    from django.apps import apps

    models = [m for m in apps.get_models() if m.__module__.startswith("haven.")]
    scoped = {m for m in models if m._meta.label in ("cases.Case", "children.Child")}
    grew = True
    while grew:
        grew = False
        for model in models:
            if model in scoped:
                continue
            targets = {
                f.related_model
                for f in model._meta.get_fields()
                if f.many_to_one and f.concrete and f.related_model is not None
            }
            if targets & scoped:
                scoped.add(model)
                grew = True
    return frozenset(m.__name__ for m in scoped)


GUARDED = case_scoped_models()
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})


def _name(node: ast.expr) -> str | None:
    """`Case` for `Case` and for `models.Case`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def direct_lookups(source: str, filename: str = "<source>") -> list[str]:
    """Each direct lookup of a guarded model in `source`, as "file:line: what"."""
    tree = ast.parse(source, filename)
    aliases = {name: name for name in GUARDED}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in GUARDED and alias.asname:
                    aliases[alias.asname] = alias.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = aliases.get(_name(node.value) or "")
            if model:
                found.append(f"{filename}:{node.lineno}: {model}.{node.attr}")
        elif isinstance(node, ast.Call) and _name(node.func) in SHORTCUTS and node.args:
            model = aliases.get(_name(node.args[0]) or "")
            if model:
                found.append(f"{filename}:{node.lineno}: {_name(node.func)}({model}, ...)")
    return found


def checked_modules() -> list[Path]:
    modules = {
        p
        for p in HAVEN.rglob("*.py")
        if p.name in ("views.py", "api.py") or p.name.endswith("_views.py")
    }
    modules |= set((HAVEN / "api").rglob("*.py"))
    return sorted(p for p in modules if "migrations" not in p.parts)


def test_dp1_the_check_reads_the_views_and_the_api() -> None:
    names = {str(p.relative_to(HAVEN)) for p in checked_modules()}
    assert {
        "cases/views.py",
        "cases/child_views.py",
        "alerts/views.py",
        "accounts/views.py",
        "api/views.py",
        "api/serializers.py",
        "placements/views.py",
        "voice/kiosk_views.py",
    } <= names


def test_dp1_every_record_of_a_case_or_a_child_is_guarded() -> None:
    assert {
        "Case",
        "Child",
        "CaseAssignment",
        "Interview",
        "AgeAssessment",
        "Alert",
        "Consent",
        "InformationSession",
        "Decision",
        "DecisionParticipant",
        "Placement",
        "LibertyChallenge",
        "Restriction",
        "Charge",
        "Service",
        "GuardianAppointment",
        "NeedsFinding",
        "FirstStep",
        "Screening",
        "Referral",
    } <= GUARDED
    assert not {"User", "Agency", "Membership", "ServiceOffer", "Guardian"} & GUARDED


def test_dp1_views_and_api_never_look_up_cases_or_children_directly() -> None:
    found = []
    for path in checked_modules():
        found += direct_lookups(path.read_text(), str(path.relative_to(HAVEN)))
    assert found == [], "load cases and children through haven.cases.access:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from haven.cases.models import Case\ncase = Case.objects.get(public_id=pk)\n",
        "from haven.children.models import Child\nchild = Child.objects.filter(pk=1).first()\n",
        "from haven.cases import models\ncase = models.Case.objects.get(pk=1)\n",
        "from haven.cases.models import Case as C\ncase = C.objects.get(pk=1)\n",
        "case = Case._default_manager.get(pk=1)\n",
        "case = get_object_or_404(Case, public_id=pk)\n",
        "child = get_object_or_404(Child, public_id=pk)\n",
        "note = CaseNote.objects.get(public_id=pk)\n",
        "alert = Alert.objects.get(public_id=pk)\n",
    ],
)
def test_dp1_the_check_catches_a_direct_lookup(source: str) -> None:
    assert len(direct_lookups(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "case = access_case_by_id(request.user, pk)\n",
        "cases = cases_for_user(request.user).filter(stage=Case.Stage.CLOSED)\n",
        "user = get_object_or_404(User, public_id=pk)\n",
        "rank = Case(When(severity='block', then=Value(0)))\n",  # django.db.models.Case
    ],
)
def test_dp1_the_check_allows_the_access_helpers(source: str) -> None:
    assert direct_lookups(source) == []

"""Factories for tests. Records that have a service are created through it, so tests see the
same audit rows and alerts as production."""

import uuid
from datetime import timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Agency, Membership, OrganisationType, User
from haven.accounts.roles import Role
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.cases.services import case_assign, closure_decide, closure_request, interview_record
from haven.consent.services import information_session_record
from haven.decisions.services import decision_record
from haven.justice import services as justice
from haven.justice.models import ChildInProceeding, Choice
from haven.justice.rules import FORM_OF_KIND, participation_in_force


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Fictional Agency {n}")
    organisation_type = OrganisationType.GOVERNMENT
    country = "TH"
    is_child_protection_authority = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


def staff(agency: Agency, role: str = Role.CASE_WORKER, **kwargs) -> User:  # type: ignore[no-untyped-def]
    """A user with one membership and a confirmed TOTP device."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, agency=agency, role=role)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def assigned(case: Case, supervisor: User, agency: Agency, role: str, part: str) -> User:
    """A new staff member of `agency` with `role`, whom the supervisor assigned to `case` as
    `part` (a health worker, a lawyer, the child's guardian...)."""
    user = staff(agency, role, username=f"{part}-{uuid.uuid4().hex[:6]}")
    case_assign(case=case, actor=supervisor, user=user, role=part)
    return user


def child_fields(**overrides):  # type: ignore[no-untyped-def]
    fields = {
        "given_name": "Mali",
        "family_name": "Testchild",
        "sex": "female",
        "age_status": "estimated",
        "birth_date": None,
    }
    fields.update(overrides)
    return fields


def interview(case, actor, **overrides):  # type: ignore[no-untyped-def]
    """An interview logged through the service, in which the child told their story."""
    fields = {
        "kind": "identification",
        "conducted_at": timezone.now() - timedelta(hours=1),
        "interviewer": "Fictional Interviewer",
        "duration_minutes": 45,
    }
    fields.update(overrides)
    return interview_record(case=case, actor=actor, **fields)


def determination(case, actor, subject: str, **overrides):  # type: ignore[no-untyped-def]
    """A best-interests determination about `subject`, taken by a panel with the child heard
    (PS-6, CC-2), recorded through the service."""
    fields = {
        "kind": "bid",
        "decided_on": timezone.localdate(),
        "question": "Fictional question.",
        "options": "Fictional options.",
        "outcome": "Fictional outcome.",
        "justification": "Fictional justification in the child's best interests.",
        "child_views": "Fictional: I do not want to talk about it.",
        "child_views_weight": "Fictional: heard and weighed for a 15-year-old.",
        "participants": [
            {"name": "Fictional Chair", "role": "Panel"},
            {"name": "Fictional Psychologist", "role": "Panel"},
        ],
    }
    fields.update(overrides)
    return decision_record(case=case, actor=actor, subject=subject, **fields)


def proceeding_statement(case, actor, kind: str = "statement", **overrides):  # type: ignore[no-untyped-def]
    """A statement, testimony or cross-examination given for a proceeding, the way Haven lets
    it be taken (VW-1): the child's part in a proceeding (made the first time), told about the
    legal process, a determination about legal participation, the child's agreement, and a
    support person."""
    part = ChildInProceeding.objects.filter(case=case).first() or justice.proceeding_open(
        case=case,
        actor=actor,
        kind="criminal",
        authority="Fictional Provincial Court",
        stage="investigation",
        opened_on=timezone.localdate() - timedelta(days=30),
        role="witness",
    )
    form = FORM_OF_KIND[kind]
    standing = participation_in_force(part, form)
    if standing is None or standing.choice != Choice.AGREES:
        session = information_session_record(
            case=case,
            actor=actor,
            given_at=timezone.now() - timedelta(days=2),
            topics=["legal_process"],
            language="en",
            formats=["verbal"],
            given_by="Fictional Case Worker",
            written_copy_left=False,
        )
        justice.participation_record(
            case=case,
            actor=actor,
            part=part,
            form=form,
            choice="agrees",
            decided_on=timezone.localdate(),
            information_session=session,
            decision=determination(case, actor, "legal_participation"),
            retraumatisation_risk="low",
            intimidation_risk="low",
            reprisal_risk="low",
            child_views="Fictional: I want to tell them what happened.",
        )
    fields = {
        "kind": kind,
        "conducted_at": timezone.now() - timedelta(hours=1),
        "interviewer": "Fictional Prosecutor",
        "duration_minutes": 40,
        "support_person": "Fictional Social Worker",
        "why_not_reused": "Fictional: the court asked for live testimony.",
    }
    fields.update(overrides)
    return justice.statement_record(case=case, actor=actor, part=part, **fields).interview


def close_case(
    case, actor, closed_reason="goals_met", reason="Fictional: the plan's goals are met."
):  # type: ignore[no-untyped-def]
    """Close a case as practice does (RR-6, CC-1): `actor` asks, and a supervisor of the lead
    agency other than them approves (one is made when the agency has none)."""
    asked = closure_request(case=case, actor=actor, closed_reason=closed_reason, reason=reason)
    approver = (
        User.objects.filter(
            memberships__agency=case.lead_agency,
            memberships__role=Role.SUPERVISOR,
            memberships__is_active=True,
        )
        .exclude(pk=actor.pk)
        .first()
    ) or staff(case.lead_agency, Role.SUPERVISOR)
    closure_decide(request=asked, actor=approver, approve=True)
    case.refresh_from_db()
    return case


def another_case_for(child, agency, actor):  # type: ignore[no-untyped-def]
    """A further case about a child whose first case is still open: two open cases of one
    child, which `case_open_for_child` refuses but older data or a merge of two records can
    hold. The row is made directly; tests that need it count across a child's cases."""
    now = timezone.now()
    case = Case.objects.create(
        reference=f"HV-T{Case.objects.count():06d}",
        child=child,
        lead_agency=agency,
        stage=Case.Stage.IDENTIFICATION,
        stage_changed_at=now,
        opened_at=now,
        created_by=actor,
        updated_by=actor,
    )
    CaseAssignment.objects.create(
        case=case, user=actor, agency=agency, role=AssignmentRole.CASE_WORKER, started_at=now
    )
    return case


def at_run(overrides: dict) -> dict:  # type: ignore[type-arg]
    """Parametrized values given as callables, computed when the test runs. A date computed at
    collection is a day behind when the suite runs across the agencies' midnight."""
    return {key: value() if callable(value) else value for key, value in overrides.items()}

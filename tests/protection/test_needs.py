"""Needs and strengths (PS-7), special needs (CC-5) and education for older teenagers (CC-11).
Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_assign, case_register
from haven.children.age import years_before
from haven.protection.models import Domain, NeedsAssessment, NeedsFinding
from haven.protection.services import needs_assessment_record, service_record
from haven.safeguards.models import Alert
from tests.factories import at_run, child_fields, staff

TODAY = timezone.localdate
CC5 = "cc5.special_needs_unaddressed"
CC11 = "cc11.education_offered"
DOMAINS = list(Domain.values)


def _findings(**levels: str) -> list[dict[str, str]]:
    """A finding per domain, "some" need unless told; strengths in the social domain."""
    rows = []
    for domain in DOMAINS:
        level = levels.get(domain, "some")
        rows.append(
            {
                "domain": domain,
                "level": level,
                "needs": "" if level == "none" else f"Fictional {domain} need.",
                "strengths": "Fictional: close to her sister." if domain == "social" else "",
            }
        )
    return rows


def _assess(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {"assessed_on": TODAY(), "findings": _findings()}
    fields.update(overrides)
    return needs_assessment_record(case=case, actor=actor, **fields)


def _service(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "type": "Psychological",
        "provider": "Fictional Clinic",
        "start_on": TODAY() - timedelta(days=1),
        "status": "planned",
    }
    fields.update(overrides)
    return service_record(case=case, actor=actor, **fields)


def _case_aged(actor, agency, years: int, **child):  # type: ignore[no-untyped-def]
    born = years_before(TODAY(), years) - timedelta(days=30)
    return case_register(
        actor=actor,
        agency=agency,
        child=child_fields(given_name=f"Child{years}", birth_date=born, **child),
    )


def _alerts(case: Case, rule: str) -> list[tuple[str, str]]:
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("subject", "pk")
        .values_list("subject", "status")
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        NeedsAssessment.objects.count(),
        NeedsFinding.objects.count(),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


# --- PS-7: every domain, needs and strengths ---------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_ps7_every_domain_must_be_assessed(case, case_worker, domain):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _assess(case, case_worker, findings=[r for r in _findings() if r["domain"] != domain])

    assert list(excinfo.value.message_dict) == [f"{domain}_level"]
    assert _counts() == before


@pytest.mark.parametrize("level", ["", "extreme"])
def test_ps7_a_domain_without_a_known_level_is_not_assessed(case, case_worker, level):
    findings = _findings()
    findings[0]["level"] = level
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _assess(case, case_worker, findings=findings)

    assert list(excinfo.value.message_dict) == ["physical_level"]
    assert _counts() == before


def test_ps7_a_need_must_be_described(case, case_worker):
    findings = _findings(legal="high")
    findings[DOMAINS.index("legal")]["needs"] = "  "
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _assess(case, case_worker, findings=findings)

    assert list(excinfo.value.message_dict) == ["legal_needs"]
    assert _counts() == before


def test_ps7_a_strength_is_required(case, case_worker):
    findings = [{**row, "strengths": " "} for row in _findings()]
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _assess(case, case_worker, findings=findings)

    assert list(excinfo.value.message_dict) == ["findings"]
    assert "strengths" in excinfo.value.message_dict["findings"][0]
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"findings": [*_findings(), {"domain": "spiritual", "level": "some"}]}, "findings"),
        ({"next_review_on": lambda: TODAY()}, "next_review_on"),
        ({"assessed_on": lambda: TODAY() + timedelta(days=1)}, "assessed_on"),
    ],
)
def test_ps7_an_unknown_domain_or_bad_date_is_refused(case, case_worker, overrides, field):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _assess(case, case_worker, **at_run(overrides))

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


def test_ps7_an_assessment_keeps_each_domains_level_needs_and_strengths(case, case_worker):
    review = TODAY() + timedelta(days=90)

    assessment = _assess(
        case,
        case_worker,
        findings=_findings(economic="none", psychological="high"),
        child_views="Fictional: I want to go back to school.",
        next_review_on=review,
    )

    assessment.refresh_from_db()
    assert (assessment.assessed_by, assessment.next_review_on, assessment.child_views) == (
        case_worker,
        review,
        "Fictional: I want to go back to school.",
    )
    rows = {f.domain: (f.level, f.needs, f.strengths) for f in assessment.findings.all()}
    assert rows == {
        "physical": ("some", "Fictional physical need.", ""),
        "psychological": ("high", "Fictional psychological need.", ""),
        "social": ("some", "Fictional social need.", "Fictional: close to her sister."),
        "legal": ("some", "Fictional legal need.", ""),
        "educational": ("some", "Fictional educational need.", ""),
        "economic": ("none", "", ""),
    }
    event = AuditEvent.objects.get(action="needs.record")
    assert (event.case_id, event.object_id) == (case.pk, str(assessment.public_id))
    assert "sister" not in str(event.changes)


def test_ps7_repeated_assessments_are_all_kept(case, case_worker):
    first = _assess(case, case_worker, assessed_on=TODAY() - timedelta(days=60))
    second = _assess(case, case_worker, findings=_findings(physical="none"))

    assert list(NeedsAssessment.objects.filter(case=case)) == [second, first]
    assert NeedsFinding.objects.filter(assessment__case=case).count() == 2 * len(DOMAINS)


# --- CC-5: special needs flagged and addressed -------------------------------------------------


def test_cc5_special_needs_come_from_the_childs_record_and_the_assessors_answer(
    case_worker, agency
):
    case = _case_aged(case_worker, agency, 12, has_disability=True)

    assessment = _assess(case, case_worker, severe_harm=True)

    assessment.refresh_from_db()
    assert assessment.special_needs == ["disability", "severe_harm"]


def test_dp3_the_needs_audit_does_not_reveal_special_needs(case_worker, agency):
    case = _case_aged(case_worker, agency, 12, has_disability=True)

    _assess(case, case_worker, severe_harm=True)

    changes = str(AuditEvent.objects.get(action="needs.record").changes)
    assert "disability" not in changes
    assert "severe_harm" not in changes


def test_cc5_a_very_young_child_is_flagged(case_worker, agency):
    case = _case_aged(case_worker, agency, 3)
    assert _assess(case, case_worker).special_needs == ["very_young"]


def test_cc5_no_special_need_no_alert(case, case_worker):
    assessment = _assess(case, case_worker)
    assert assessment.special_needs == []
    assert _alerts(case, CC5) == []


def test_cc5_each_special_need_alerts_until_a_service_addresses_it(case_worker, agency):
    case = _case_aged(case_worker, agency, 12, has_disability=True)

    _assess(case, case_worker, severe_harm=True)
    alert = Alert.objects.get(case=case, rule_code=CC5, subject="disability")
    assert (alert.measure_id, alert.severity) == ("CC-5", "alert")
    assert _alerts(case, CC5) == [("disability", "open"), ("severe_harm", "open")]

    # a service for the need that was not delivered does not address it
    _service(
        case,
        case_worker,
        type="SocialCare",
        status="not_delivered",
        not_delivered_reason="not_available",
        special_need="disability",
    )
    assert _alerts(case, CC5) == [("disability", "open"), ("severe_harm", "open")]

    _service(case, case_worker, type="SocialCare", special_need="disability")
    assert _alerts(case, CC5) == [("disability", "cleared"), ("severe_harm", "open")]

    _service(case, case_worker, type="SexualExploitationRehabilitation", special_need="severe_harm")
    assert _alerts(case, CC5) == [("disability", "cleared"), ("severe_harm", "cleared")]


def test_cc5_the_latest_assessment_decides_which_needs_are_flagged(case_worker, agency):
    case = _case_aged(case_worker, agency, 12)
    _assess(case, case_worker, assessed_on=TODAY() - timedelta(days=60), severe_harm=True)
    assert _alerts(case, CC5) == [("severe_harm", "open")]

    _assess(case, case_worker, severe_harm=False)

    assert _alerts(case, CC5) == [("severe_harm", "cleared")]


# --- CC-11: older teenagers are offered education, not only work -------------------------------


def test_cc11_a_sixteen_year_old_with_work_training_and_no_education_gets_a_reminder(
    case_worker, agency
):
    case = _case_aged(case_worker, agency, 16)
    _service(case, case_worker, type="Livelihood", provider="Fictional Sewing Workshop")

    reminder = Alert.objects.get(case=case, rule_code=CC11)
    assert (reminder.measure_id, reminder.severity, reminder.subject, reminder.status) == (
        "CC-11",
        "reminder",
        "",
        "open",
    )

    _service(case, case_worker, type="Education", provider="Fictional Catch-up School")

    assert _alerts(case, CC11) == [("", "cleared")]


@pytest.mark.parametrize(
    ("years", "overrides"),
    [
        (14, {}),
        (16, {"recipient": "family", "family_member": "Fictional: her mother"}),
        (16, {"status": "not_delivered", "not_delivered_reason": "not_available"}),
    ],
)
def test_cc11_no_reminder_for_younger_children_family_services_or_undelivered_training(
    case_worker, agency, years, overrides
):
    case = _case_aged(case_worker, agency, years)
    _service(case, case_worker, type="Livelihood", **overrides)
    assert _alerts(case, CC11) == []


# --- who may assess ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_ps7_a_user_without_the_capability_cannot_assess_needs(case, request, who):
    actor = request.getfixturevalue(who)
    before = _counts()

    with pytest.raises(PermissionDenied):
        _assess(case, actor)

    assert _counts() == before


def test_ps7_a_psychologist_on_the_case_assesses_needs_a_health_worker_does_not(
    case, supervisor, agency
):
    psychologist = staff(agency, Role.PSYCHOLOGIST, username="psy")
    nurse = staff(agency, Role.HEALTH_WORKER, username="nurse")
    case_assign(case=case, actor=supervisor, user=psychologist, role="psychologist")
    case_assign(case=case, actor=supervisor, user=nurse, role="health_worker")
    before = _counts()

    with pytest.raises(PermissionDenied):
        _assess(case, nurse)
    assert _counts() == before

    assert _assess(case, psychologist).assessed_by == psychologist

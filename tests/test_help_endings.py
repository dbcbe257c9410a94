"""Help never depends on the child's cooperation (CC-8, VW-8), on every write that ends it.

The writes that end, refuse, reduce or suspend help are found from the code: every public
function of a services module whose name says it ends something, or that takes a status, a stage
or an end date. Each one is either marked `@ends_help` (haven/safeguards/ending.py) or exempted
here with the reason it does not end help. Then, for every marked write, a property test proves
that a reason about cooperation — in the closed list or in the free text, in English, Bahasa
Indonesia, Thai or Khmer — is refused and changes nothing, and that a real reason goes through.
"""

import importlib
import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import haven
from haven.audit.models import AuditEvent
from haven.cases.models import Case, ClosureRequest, StageChange
from haven.cases.services import case_change_stage, closure_request
from haven.core.errors import SafeguardViolation
from haven.directory.models import Referral
from haven.directory.services import referral_close, referral_decline, referral_withdraw
from haven.identification.models import FirstStep
from haven.identification.services import first_step_not_needed
from haven.placements.models import Placement
from haven.placements.services import placement_end, placement_record
from haven.protection.models import GuardianAppointment, Service
from haven.protection.services import (
    guardian_appoint,
    guardian_appointment_end,
    guardian_create,
    service_record,
    service_update,
)
from haven.safeguards.ending import help_endings, mentions_cooperation
from tests.directory.conftest import (  # noqa: F401  (fixtures for the referral writes)
    accepted,
    assessment,
    consent,
    counselling,
    psychologist,
    referral,
    shelter,
    shelter_admin,
)

pytestmark = pytest.mark.django_db

HAVEN = Path(haven.__file__).parent
ENDS = re.compile(
    r"(^|_)(end|ends|close|closure|decline|withdraw|refuse|reduce|suspend|stop|deactivate|cancel|"
    r"reject|remove|not_needed|lift|revoke|discharge)($|_)"
)
ENDING_PARAMETERS = {"status", "to_stage", "end_on", "ended_on", "ended_at", "end_reason"}

# Writes found by the search that do not end a child's help, and why.
NOT_HELP = {
    "haven.cases.services.closure_decide": "closes for the reason asked, checked by the request",
    "haven.directory.transfers.transfer_decline": "the case stays open with the sending agency",
    "haven.directory.transfers.transfer_withdraw": "the case stays open with the sending agency",
    "haven.cases.emergency.emergency_access_end": "an emergency's access, not the child's help",
    "haven.cases.services.end_assignment": "a handover: the case keeps a case worker (CC-9)",
    "haven.cases.services.assignment_end": "a handover: CC-9 alerts when none is left",
    "haven.cases.services.assignment_end_for_appointment": "follows a guardianship's end",
    "haven.consent.services.consent_withdraw": "the child's own choice, never refused",
    "haven.directory.services.offer_deactivate": "an agency's listing, not a child's help",
    "haven.identification.services.trafficking_status_decide": "first steps stay (ID-5)",
    "haven.placements.services.placement_record": "where the child lives; an end is history",
    "haven.placements.services.charge_record": "a charge against the child, not help",
    "haven.placements.services.charge_update": "a charge against the child, not help",
    "haven.voice.services.kiosk_close": "a shared device's session, not a child's help",
    "haven.reintegration.services.plan_service_add": "adds a service to the plan; none ends",
    "haven.accounts.services.end_sessions": "a staff member's sessions, not a child's help",
    "haven.cases.staff.membership_end": "a staff member leaves: CC-9 alerts on their cases",
    "haven.cases.staff.handover_request_withdraw": "the case worker keeps the case; no help ends",
    "haven.documents.services.document_remove": "a file attached by mistake, not a child's help",
}

# How people write that a child "did not cooperate", in the languages Haven is used in.
COOPERATION_REASONS = (
    "She refused to testify, so support ends",
    "not cooperating with the police investigation",
    "she would not talk to the police",
    "The child declined to give a statement to the prosecutor",
    "no longer a witness in the trial",
    "He is uncooperative with the authorities",
    "anak tidak mau bekerja sama dengan polisi",
    "menolak bersaksi di pengadilan",
    "เด็กไม่ให้ความร่วมมือกับตำรวจ",
    "ไม่ยอมให้ปากคำ",
    "កុមារមិនសហការជាមួយប៉ូលិស",
)
# Codes a form or an API caller could send that no closed list has.
COOPERATION_CODES = ("cooperation", "not_cooperating", "refused_to_testify", "no_statement", "")
REAL_DETAIL = "Fictional: the family moved to another province and she goes to school there."


# Modules of writes named for what they do rather than `services.py`.
WRITE_MODULES = (
    "cases/merging.py",
    "directory/transfers.py",
    "cases/emergency.py",
    "cases/staff.py",
)


def _services_modules() -> list[types.ModuleType]:
    paths = [*HAVEN.glob("*/*services.py"), *(HAVEN / name for name in WRITE_MODULES)]
    names = sorted(
        "haven." + ".".join(path.relative_to(HAVEN).with_suffix("").parts) for path in paths
    )
    return [importlib.import_module(name) for name in names]


def help_changing_writes(modules: list[types.ModuleType]) -> dict[str, Callable[..., Any]]:
    """Every public function of these modules that could end, refuse, reduce or suspend help."""
    found = {}
    for module in modules:
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue
            parameters = set(inspect.signature(function).parameters)
            if ENDS.search(name) or parameters & ENDING_PARAMETERS:
                found[f"{module.__name__}.{name}"] = function
    return found


def unmarked(writes: dict[str, Callable[..., Any]]) -> list[str]:
    return sorted(
        name
        for name, function in writes.items()
        if not hasattr(function, "help_ending") and name not in NOT_HELP
    )


def test_cc8_every_write_that_ends_help_is_marked_or_exempted_with_a_reason():
    writes = help_changing_writes(_services_modules())

    assert unmarked(writes) == []
    # every exemption is still a write the search finds (none is stale)
    assert set(NOT_HELP) <= set(writes)
    marked = {name for name, function in writes.items() if hasattr(function, "help_ending")}
    assert marked == {ending.name for ending in help_endings()}
    assert len(marked) == 10


def test_cc8_the_search_would_find_a_new_unmarked_way_to_end_help():
    """The negative case: a new service that suspends support, not marked, is reported."""
    module = types.ModuleType("haven.recovery.services")

    def support_suspend(*, case: Any, actor: Any, reason: str) -> None: ...

    def plan_update(*, plan: Any, actor: Any, status: str) -> None: ...

    def plan_record(*, case: Any, actor: Any, goals: str) -> None: ...

    for function in (support_suspend, plan_update, plan_record):
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)

    writes = help_changing_writes([module])

    assert unmarked(writes) == [
        "haven.recovery.services.plan_update",
        "haven.recovery.services.support_suspend",
    ]


def test_cc8_no_closed_list_of_reasons_has_a_reason_about_cooperation():
    for ending in help_endings():
        for value, label in ending.reasons.choices:
            assert not mentions_cooperation(f"{value.replace('_', ' ')} {label}"), (
                ending.name,
                value,
            )
        assert "other" in ending.reasons.values, ending.name


# --------------------------------------------------------------- every path, every wording


@dataclass
class EndingWrite:
    """One help-ending write, ready to call: `call(code, detail)` and the state it changes."""

    call: Callable[[str, str], Any]
    state: Callable[[], tuple]
    code: str


def _close_case(request: pytest.FixtureRequest) -> EndingWrite:
    case, supervisor = request.getfixturevalue("case"), request.getfixturevalue("supervisor")
    return EndingWrite(
        lambda code, detail: case_change_stage(
            case=case, actor=supervisor, to_stage="closed", closed_reason=code, reason=detail
        ),
        lambda: (Case.objects.get(pk=case.pk).stage, StageChange.objects.count()),
        "no_needs",
    )


def _ask_to_close(request: pytest.FixtureRequest) -> EndingWrite:
    case, worker = request.getfixturevalue("case"), request.getfixturevalue("case_worker")
    return EndingWrite(
        lambda code, detail: closure_request(
            case=case, actor=worker, closed_reason=code, reason=detail
        ),
        lambda: (Case.objects.get(pk=case.pk).stage, ClosureRequest.objects.count()),
        "no_needs",
    )


def _end_placement(request: pytest.FixtureRequest) -> EndingWrite:
    case, worker = request.getfixturevalue("case"), request.getfixturevalue("case_worker")
    placement = placement_record(
        case=case,
        actor=worker,
        type="foster",
        facility="Fictional foster family",
        start_on=timezone.localdate() - timedelta(days=3),
        urgent_reason="Fictional: found at night, no other safe place was open.",
    )
    return EndingWrite(
        lambda code, detail: placement_end(
            placement=placement,
            actor=worker,
            end_on=timezone.localdate(),
            reason_code=code,
            reason=detail,
        ),
        lambda: tuple(Placement.objects.values_list("pk", "end_on", "end_reason_code")),
        "family",
    )


def _end_guardianship(request: pytest.FixtureRequest) -> EndingWrite:
    case, worker = request.getfixturevalue("case"), request.getfixturevalue("case_worker")
    guardian = guardian_create(
        agency=case.lead_agency, actor=worker, name="Fictional Volunteer Guardian"
    )
    appointment = guardian_appoint(
        case=case,
        actor=worker,
        guardian=guardian,
        appointed_on=timezone.localdate() - timedelta(days=2),
        appointed_by="Fictional District Court",
        reason="Fictional: her parents cannot act for her while they are abroad.",
    )
    return EndingWrite(
        lambda code, detail: guardian_appointment_end(
            appointment=appointment,
            actor=worker,
            ended_on=timezone.localdate(),
            reason_code=code,
            reason=detail,
        ),
        lambda: tuple(GuardianAppointment.objects.values_list("pk", "ended_on")),
        "parent_able",
    )


def _service_not_delivered(request: pytest.FixtureRequest) -> EndingWrite:
    case, worker = request.getfixturevalue("case"), request.getfixturevalue("case_worker")
    return EndingWrite(
        lambda code, detail: service_record(
            case=case,
            actor=worker,
            type="Education",
            provider="Fictional School",
            start_on=timezone.localdate(),
            status="not_delivered",
            not_delivered_reason=code,
            reason_detail=detail,
        ),
        lambda: tuple(Service.objects.values_list("pk", "status")),
        "not_available",
    )


def _service_stopped(request: pytest.FixtureRequest) -> EndingWrite:
    case, worker = request.getfixturevalue("case"), request.getfixturevalue("case_worker")
    service = service_record(
        case=case,
        actor=worker,
        type="Education",
        provider="Fictional School",
        start_on=timezone.localdate(),
        status="in_progress",
    )
    return EndingWrite(
        lambda code, detail: service_update(
            service=service,
            actor=worker,
            status="not_delivered",
            not_delivered_reason=code,
            reason_detail=detail,
        ),
        lambda: tuple(Service.objects.values_list("pk", "status", "not_delivered_reason")),
        "child_moved",
    )


def _referral_state() -> tuple:
    return tuple(Referral.objects.values_list("pk", "status", "reason_code"))


def _decline_referral(request: pytest.FixtureRequest) -> EndingWrite:
    sent = request.getfixturevalue("referral")
    recipient = request.getfixturevalue("psychologist")
    return EndingWrite(
        lambda code, detail: referral_decline(
            referral=sent, actor=recipient, reason_code=code, reason=detail
        ),
        _referral_state,
        "no_capacity",
    )


def _withdraw_referral(request: pytest.FixtureRequest) -> EndingWrite:
    sent = request.getfixturevalue("referral")
    worker = request.getfixturevalue("case_worker")
    return EndingWrite(
        lambda code, detail: referral_withdraw(
            referral=sent, actor=worker, reason_code=code, reason=detail
        ),
        _referral_state,
        "referred_elsewhere",
    )


def _close_referral(request: pytest.FixtureRequest) -> EndingWrite:
    taken = request.getfixturevalue("accepted")
    worker = request.getfixturevalue("case_worker")
    return EndingWrite(
        lambda code, detail: referral_close(
            referral=taken, actor=worker, reason_code=code, reason=detail
        ),
        _referral_state,
        "service_completed",
    )


def _first_step_not_needed(request: pytest.FixtureRequest) -> EndingWrite:
    screening = request.getfixturevalue("presumed_screening")
    worker = request.getfixturevalue("case_worker")
    step = FirstStep.objects.get(screening=screening, kind=FirstStep.Kind.SAFE_ACCOMMODATION)
    return EndingWrite(
        lambda code, detail: first_step_not_needed(
            step=step, actor=worker, reason_code=code, reason=detail
        ),
        lambda: tuple(FirstStep.objects.values_list("pk", "status")),
        "already_done",
    )


PATHS: dict[str, Callable[[pytest.FixtureRequest], EndingWrite]] = {
    "haven.cases.services.case_change_stage": _close_case,
    "haven.cases.services.closure_request": _ask_to_close,
    "haven.placements.services.placement_end": _end_placement,
    "haven.protection.services.guardian_appointment_end": _end_guardianship,
    "haven.protection.services.service_record": _service_not_delivered,
    "haven.protection.services.service_update": _service_stopped,
    "haven.directory.services.referral_decline": _decline_referral,
    "haven.directory.services.referral_withdraw": _withdraw_referral,
    "haven.directory.services.referral_close": _close_referral,
    "haven.identification.services.first_step_not_needed": _first_step_not_needed,
}


def test_cc8_every_marked_write_has_a_path_below():
    assert set(PATHS) == {ending.name for ending in help_endings()}


def _whole_state(path: EndingWrite) -> tuple:
    return (path.state(), AuditEvent.objects.count())


@pytest.mark.parametrize("name", sorted(PATHS))
def test_cc8_vw8_a_cooperation_reason_is_refused_on_every_help_ending_write(request, name):
    path = PATHS[name](request)
    before = _whole_state(path)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        wording=st.sampled_from(COOPERATION_REASONS),
        prefix=st.sampled_from(("", "Fictional: ", "Note - ", "Sadly, ")),
        upper=st.booleans(),
    )
    def refused_in_the_free_text(wording: str, prefix: str, upper: bool) -> None:
        detail = prefix + (wording.upper() if upper else wording)
        with pytest.raises(SafeguardViolation) as refused:
            path.call(path.code, detail)
        assert refused.value.measure_id == "CC-8"
        assert _whole_state(path) == before

    refused_in_the_free_text()

    for code in COOPERATION_CODES:
        with pytest.raises(ValidationError):
            path.call(code, REAL_DETAIL)
        assert _whole_state(path) == before

    # and a real reason goes through: the refusals above are not a refusal of everything
    path.call(path.code, REAL_DETAIL)
    assert _whole_state(path) != before


@pytest.mark.parametrize(
    "text",
    [
        "The family moved to another province after the trial ended",
        "Placed with her aunt, as the court decided",
        "She finished the course and works in a bakery",
        "ครอบครัวย้ายไปต่างจังหวัด",
    ],
)
def test_cc8_a_reason_that_only_mentions_the_court_or_trial_is_not_refused(text):
    assert not mentions_cooperation(text)

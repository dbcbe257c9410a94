"""`manage.py seed_demo`: fill an empty database with the fictional demo (haven.demo.data).

Every record is written through the same service functions the views and the API use (DESIGN
idea 1), so the demo has a real audit chain and the safeguard alerts a real caseload would raise:
children who have told their story too often (CC-6), open cases with no case worker (CC-9), a
special need without support (CC-5), an older teenager offered only work (CC-11), a child with no
written information (PS-5). One young girl's medical examination rests on her assent and her
guardian's consent (PS-4).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import CASE_WORKER_ROLES, Capability, Role
from haven.accounts.services import agency_create, staff_create
from haven.cases.access import can
from haven.cases.child_services import age_assessment_record, child_update
from haven.cases.merging import merge_propose
from haven.cases.models import AssignmentRole, Case, CaseAssignment, Interview
from haven.cases.services import (
    assignment_end,
    case_assign,
    case_change_stage,
    case_note_add,
    case_open_for_child,
    case_register,
    closure_decide,
    closure_request,
    interview_record,
)
from haven.children.age import years_before
from haven.children.models import DEPRIVED_OF_PARENTAL_CARE, Child, ParentalCare
from haven.consent.services import consent_record, consent_withdraw, information_session_record
from haven.core.errors import SafeguardViolation
from haven.decisions.services import decision_record
from haven.demo import data as demo
from haven.demo import directory as directory_demo
from haven.demo import documents as documents_demo
from haven.demo import emergency as emergency_demo
from haven.demo import justice as justice_demo
from haven.demo import reintegration as reintegration_demo
from haven.demo import reports as reports_demo
from haven.demo import voice as voice_demo
from haven.identification.models import FirstStep, Indicator
from haven.identification.services import first_step_done, screening_record
from haven.placements.services import (
    charge_record,
    family_contact_record,
    placement_record,
    restriction_record,
)
from haven.protection.models import Guardian
from haven.protection.services import (
    guardian_appoint,
    guardian_create,
    needs_assessment_record,
    service_record,
)
from haven.safeguards.models import Alert

Stage = Case.Stage

# Where each case ends up, as the path it takes from identification. The cycle is dealt out to
# the children in a shuffled order, so any seed gives every stage, a reopened case (RR-6) and a
# case sent back from follow-up to recovery.
STAGE_PATHS: dict[str, tuple[str, ...]] = {
    "identification": (),
    "protection": (Stage.PROTECTION,),
    "recovery": (Stage.PROTECTION, Stage.RECOVERY),
    "follow_up": (Stage.PROTECTION, Stage.RECOVERY, Stage.FOLLOW_UP),
    "closed": (Stage.PROTECTION, Stage.RECOVERY, Stage.FOLLOW_UP, Stage.CLOSED),
    "closed_early": (Stage.CLOSED,),
    "reopened": (Stage.PROTECTION, Stage.RECOVERY, Stage.CLOSED, Stage.PROTECTION),
    "relapsed": (Stage.PROTECTION, Stage.RECOVERY, Stage.FOLLOW_UP, Stage.RECOVERY),
}
PLAN_CYCLE: tuple[str, ...] = (
    "protection",
    "identification",
    "recovery",
    "follow_up",
    "protection",
    "recovery",
    "closed",
    "identification",
    "protection",
    "recovery",
    "follow_up",
    "reopened",
    "protection",
    "closed_early",
    "relapsed",
)

# Who registers the authority's children, in turn: mostly case workers, sometimes the police or
# immigration (who identify and hand over, ID-4) or the supervisor.
CPA_REGISTRARS: tuple[str, ...] = (
    "caseworker",
    "caseworker2",
    "police",
    "caseworker",
    "cpofficer",
    "caseworker2",
    "supervisor",
    "caseworker",
    "immigration",
    "caseworker2",
)
KH_REGISTRAR = "caseworker_kh"

# Interview kinds in the order a child usually meets them. Statements and testimony are given
# for a proceeding, under the child's agreed participation (VW-1): haven.demo.justice.
INTERVIEW_KINDS: tuple[str, ...] = (
    Interview.Kind.IDENTIFICATION,
    Interview.Kind.ASSESSMENT,
    Interview.Kind.MEDICAL_HISTORY,
    Interview.Kind.ASSESSMENT,
    Interview.Kind.OTHER,
    Interview.Kind.ASSESSMENT,
)
# Languages each agency works in without an interpreter.
AGENCY_LANGUAGES: dict[str, frozenset[str]] = {
    demo.CPA: frozenset({"th"}),
    demo.SHELTER: frozenset({"th"}),
    demo.KH_NGO: frozenset({"km"}),
}
# The interpreter account's languages: it is assigned to the authority's cases in them.
INTERPRETER_LANGUAGES = frozenset({"km", "vi"})


# Forms of exploitation read from the fictional summaries (words → an HTCDS row).
FORM_HINTS: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = (
    (("fishing",), {"form": "ForcedLabour", "industry": "A_AgricultureForestryAndFishing"}),
    (("farm", "cane"), {"form": "ChildLabour", "industry": "A_AgricultureForestryAndFishing"}),
    (("factory",), {"form": "ForcedLabour", "industry": "C_Manufacturing"}),
    (("domestic",), {"form": "Servitude", "industry": "T_ActivitiesOfHouseholdsAsEmployers"}),
    (("beg",), {"form": "ForcedBegging"}),
    (("scam",), {"form": "Other", "sub_type": "ForcedCriminality"}),
    (
        ("karaoke", "massage", "entertainment"),
        {"form": "SexualExploitation", "sub_type": "Prostitution"},
    ),
    (("online",), {"form": "SexualExploitation", "sub_type": "RemoteInteractiveServices"}),
    (("marriage",), {"form": "ForcedMarriage"}),
)
FIRST_STEP_NOTES = {
    "cp_referral": "Referred to the provincial child-protection office (fictional).",
    "safe_accommodation": "Placed in the open shelter, own room with a peer.",
    "urgent_medical": "Seen by the shelter nurse; no urgent needs.",
    "case_worker": "Case worker assigned.",
    "interpreter": "Interpreter booked for every meeting.",
}
# Met by the guardian's appointment and the information session (protect()), not by a tick.
MET_BY_RECORDS = (FirstStep.Kind.GUARDIAN, FirstStep.Kind.RIGHTS_INFORMATION)


@dataclass
class DemoCase:
    case: Case
    spec: demo.ChildSpec
    agency_key: str
    plan: str
    case_worker: User | None = None
    team: set[str] = field(default_factory=set)  # usernames assigned in other roles

    @property
    def is_open(self) -> bool:
        return STAGE_PATHS[self.plan][-1:] != (Stage.CLOSED,)

    @property
    def languages(self) -> tuple[str, ...]:
        return _resolved(self.spec.languages, demo.CULTURES[self.spec.culture].languages)


def _resolved(value: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    return default if value is None else value


def _years_ago(today: date, years: int) -> date:
    return years_before(today, years)


def _fresh(case: Case) -> Case:
    """Reload a case before each service call: access checks cache a user's roles on the case
    instance (haven.cases.access.case_grant), and assignments change between calls here."""
    return Case.objects.select_related("child", "lead_agency").get(pk=case.pk)


class Seeder:
    def __init__(self, rng: Random, children: int) -> None:
        self.rng = rng
        self.children = children
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.agencies: dict[str, Agency] = {}
        self.users: dict[str, User] = {}
        self.cases: list[DemoCase] = []

    def run(self) -> None:
        self.create_agencies()
        self.create_staff()
        self.register_children()
        self.record_age_assessments()
        self.update_children()
        self.hand_over()
        self.assign_teams()
        self.protect()
        directory_demo.seed(self)
        self.add_notes()
        documents_demo.seed(self)
        voice_demo.add_feedback(self)
        self.leave_without_case_worker()
        emergency_demo.seed(self)
        justice_demo.seed(self)
        reintegration_demo.seed(self)
        self.ask_to_close()
        self.come_back_and_merge()
        directory_demo.seed_transfer(self)
        reports_demo.seed_releases(self)
        demo.ask_for_handover(self)

    # --- agencies and staff -----------------------------------------------------------------

    def create_agencies(self) -> None:
        for spec in demo.AGENCIES:
            # actor=None: the demo bootstraps an empty database, before any account exists.
            self.agencies[spec.key] = agency_create(
                actor=None,
                name=spec.name,
                organisation_type=spec.organisation_type,
                country=spec.country,
                is_child_protection_authority=spec.is_child_protection_authority,
                time_zone={"KH": "Asia/Phnom_Penh"}.get(spec.country, "Asia/Bangkok"),
                phone=spec.phone,
                hotline=spec.hotline,
                address=spec.address,
            )

    def create_staff(self) -> None:
        for spec in demo.STAFF:
            user, _password = staff_create(
                actor=None,
                agency=self.agencies[spec.agency],
                username=spec.username,
                role=spec.role,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.example.org",
                # Passing the password keeps must_change_password off: demo users sign in directly.
                password=demo.DEMO_PASSWORD,
                supervisor=self.users["supervisor"] if spec.supervised else None,
                languages=sorted(
                    INTERPRETER_LANGUAGES | {"th"}
                    if spec.role == Role.INTERPRETER
                    else AGENCY_LANGUAGES[spec.agency]
                ),
            )
            # A confirmed second factor: in demo mode the verification page shows its code.
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            self.users[spec.username] = user

    # --- children and their cases -----------------------------------------------------------

    def register_children(self) -> None:
        specs = demo.child_specs(self.children, self.rng)
        plans = [PLAN_CYCLE[i % len(PLAN_CYCLE)] for i in range(len(specs))]
        self.rng.shuffle(plans)
        registrars = iter(CPA_REGISTRARS * (len(specs) // len(CPA_REGISTRARS) + 1))
        for spec, plan in zip(specs, plans, strict=True):
            registrar = next(registrars) if spec.agency == demo.CPA else KH_REGISTRAR
            self.cases.append(self.register(spec, plan, self.users[registrar]))

        # A few children have told their story more often than the limit (CC-6). Only open
        # cases count, so choose among those.
        open_cases = [c for c in self.cases if c.is_open]
        heavy = self.rng.sample(
            open_cases, min(len(open_cases), max(1, round(len(self.cases) / 10)))
        )
        for dc in self.cases:
            # 0-5 interviews in all, counting the police's first account where there was one.
            total = (
                self.rng.randint(4, 5) if dc in heavy else self.rng.choice((0, 0, 1, 1, 2, 2, 3))
            )
            already = Interview.objects.filter(case=dc.case).count()
            self.record_interviews(dc, total - already, all_told=dc in heavy)
            self.screen(dc)
            self.move_along(dc)
        self.leave_first_steps_open()

    def register(self, spec: demo.ChildSpec, plan: str, registrar: User) -> DemoCase:
        agency = self.agencies[spec.agency]
        culture = demo.CULTURES[spec.culture]
        birth_date = None
        if spec.age is not None:
            birth_date = _years_ago(self.today, spec.age) - timedelta(days=self.rng.randint(1, 360))
        case = case_register(
            actor=registrar,
            agency=agency,
            child={
                "given_name": spec.given.script,
                "family_name": spec.family.script if spec.family else "",
                "family_name_first": culture.family_first,
                "name_romanised": spec.name_romanised,
                "sex": spec.sex,
                "birth_date": birth_date,
                "age_status": spec.age_status,
                "claims_adult": spec.claims_adult,
                "minority_indicators": spec.minority_indicators,
                "parental_care": spec.parental_care,
                "has_disability": spec.has_disability,
                "special_needs": spec.special_needs,
            },
            nationalities=_resolved(spec.nationalities, culture.nationalities),
            languages=_resolved(spec.languages, culture.languages),
            aliases=spec.aliases,
            summary=spec.summary,
        )
        dc = DemoCase(case=case, spec=spec, agency_key=spec.agency, plan=plan)
        if self._role(registrar, agency) in CASE_WORKER_ROLES:
            dc.case_worker = registrar
        else:
            # Police and immigration identify the child and take the first account; the
            # supervisor then gives the case to a case worker (ID-4, CC-9).
            self.record_interviews(dc, 1, all_told=True, by=registrar)
            worker = self.users[self.rng.choice(("caseworker", "caseworker2"))]
            case_assign(
                case=_fresh(case),
                actor=self.users["supervisor"],
                user=worker,
                role=AssignmentRole.CASE_WORKER,
            )
            dc.case_worker = worker
        return dc

    def record_interviews(
        self, dc: DemoCase, count: int, *, all_told: bool, by: User | None = None
    ) -> None:
        if count <= 0:
            return
        actor = by or dc.case_worker
        assert actor is not None
        already = Interview.objects.filter(case=dc.case).count()
        # Distinct whole days in the past, oldest first. The identifying officer's account comes
        # before anything the case worker records, so the timeline reads in order.
        window = range(60, 120) if by is not None else range(2, 60)
        days = sorted(self.rng.sample(window, count), reverse=True)
        language = dc.languages[0]
        for n, days_ago in enumerate(days, start=already):
            kind = INTERVIEW_KINDS[n % len(INTERVIEW_KINDS)]
            interviewer, interviewer_agency = self._interviewer(kind, actor, dc.agency_key)
            interview_record(
                case=_fresh(dc.case),
                actor=actor,
                kind=kind,
                conducted_at=self.now - timedelta(days=days_ago, hours=self.rng.randint(0, 8)),
                interviewer=interviewer,
                interviewer_agency=interviewer_agency,
                location=self.rng.choice(demo.INTERVIEW_LOCATIONS),
                interpreter=self._interpreter_for(language, dc.agency_key),
                support_person="Shelter caregiver" if (dc.spec.age or 18) < 12 else "",
                duration_minutes=self.rng.choice((20, 30, 45, 60, 90)),
                # A medical history need not ask what happened; usually it does not.
                child_told_story=all_told
                or kind != Interview.Kind.MEDICAL_HISTORY
                or self.rng.random() < 0.3,
                notes="Fictional demo interview: no content recorded.",
            )

    def _interviewer(self, kind: str, actor: User, agency_key: str) -> tuple[str, str]:
        """Who asked the questions (free text): often not the person recording the interview."""
        in_thailand = agency_key != demo.KH_NGO  # the demo police and shelter work in Thailand
        if kind == Interview.Kind.STATEMENT:
            police = self.users["police"].get_full_name() if in_thailand else "Police investigator"
            return police, "Anti-trafficking police unit (fictional)"
        if kind == Interview.Kind.TESTIMONY:
            return "Juvenile court judge (fictional)", "Juvenile and family court (fictional)"
        if kind == Interview.Kind.MEDICAL_HISTORY and in_thailand:
            return self.users["healthworker"].get_full_name(), self.agencies[demo.SHELTER].name
        if kind == Interview.Kind.MEDICAL_HISTORY:
            return "Clinic nurse", "Partner health clinic (fictional)"
        return actor.get_full_name(), self.agencies[agency_key].name

    def _interpreter_for(self, language: str, agency_key: str) -> str:
        if language in AGENCY_LANGUAGES[agency_key]:
            return ""
        if language in INTERPRETER_LANGUAGES:
            return self.users["interpreter"].get_full_name()
        return demo.INTERPRETER_NAMES.get(language, "")

    # --- identification (ID-1 ... ID-7) -----------------------------------------------------

    def screen(self, dc: DemoCase) -> None:
        """Screen every child: the form of exploitation follows the fictional summary. Children
        still in identification were screened days ago; every first step is then recorded as
        done except where leave_first_steps_open leaves some for the alerts."""
        summary = dc.spec.summary.lower()
        forms = [row for words, row in FORM_HINTS if any(w in summary for w in words)][:2]
        precarious = not forms
        days_ago = self.rng.randint(2, 6) if dc.plan.startswith("identification") else 0
        screening_record(
            case=_fresh(dc.case),
            actor=dc.case_worker,
            screened_at=timezone.now() - timedelta(days=days_ago, minutes=self.rng.randint(5, 50)),
            acts=["none"]
            if precarious
            else self.rng.sample(["recruitment", "transportation", "harbouring", "receipt"], 2),
            forms=[{"form": "none"}] if precarious else forms,
            means=self.rng.choice(
                (["none"], ["deception"], ["abuse_of_vulnerability", "payments"])
            ),
            movement=self.rng.choice(("internal", "cross_border", "none", "unknown")),
            methods_of_control=self.rng.sample(
                ["DebtBondage", "WithholdsDocuments", "TakesEarnings", "ExcessiveWorkingHours"], 2
            ),
            indicator_codes=list(
                Indicator.objects.order_by("?").values_list("code", flat=True)[:3]
            ),
            protection_concerns=precarious,
            interpreter="Fictional interpreter" if self.rng.random() < 0.5 else "",
        )
        if not dc.plan.startswith("identification"):
            for step in FirstStep.objects.filter(
                case=dc.case, status=FirstStep.Status.OPEN
            ).exclude(kind__in=MET_BY_RECORDS):
                first_step_done(step=step, actor=dc.case_worker, note=FIRST_STEP_NOTES[step.kind])

    def leave_first_steps_open(self) -> None:
        """Children in identification keep their open first steps (some overdue: ID-4 alerts);
        one child not found to be a victim waits for the child-protection referral (ID-5)."""
        for dc in self.cases:
            if not dc.plan.startswith("identification"):
                continue
            for step in FirstStep.objects.filter(case=dc.case, status=FirstStep.Status.OPEN):
                if step.kind in (FirstStep.Kind.SAFE_ACCOMMODATION, FirstStep.Kind.URGENT_MEDICAL):
                    first_step_done(
                        step=step, actor=dc.case_worker, note=FIRST_STEP_NOTES[step.kind]
                    )

    def move_along(self, dc: DemoCase) -> None:
        assert dc.case_worker is not None
        for to_stage in STAGE_PATHS[dc.plan]:
            case = _fresh(dc.case)
            reason = ""
            if to_stage == Stage.CLOSED:
                early = case.stage == Stage.IDENTIFICATION
                reason = (
                    demo.EARLY_CLOSING_REASON if early else self.rng.choice(demo.CLOSING_REASONS)
                )
            elif case.stage == Stage.CLOSED:
                reason = demo.REOPENING_REASON
            if to_stage == Stage.CLOSED and not can(
                dc.case_worker, Capability.APPROVE_CLOSURE, case
            ):
                # The case worker asks; the agency's supervisor approves (RR-6, CC-1).
                asked = closure_request(
                    case=case, actor=dc.case_worker, closed_reason="goals_met", reason=reason
                )
                closure_decide(request=asked, actor=self._approver(dc), approve=True)
                dc.case = _fresh(case)
                continue
            dc.case = case_change_stage(
                closed_reason="goals_met",
                case=case,
                actor=dc.case_worker,
                to_stage=to_stage,
                reason=reason,
            )

    def ask_to_close(self) -> None:
        """One case in follow-up whose case worker has asked to close it: it waits on the
        supervisor's "My cases" page for approval (RR-6, CC-1). The first case the closing
        checks let close is taken; one with an open critical alert or a child held is not."""
        for dc in self.cases:
            case = _fresh(dc.case)
            worker = dc.case_worker
            if case.stage != Stage.FOLLOW_UP or worker is None:
                continue
            if can(worker, Capability.APPROVE_CLOSURE, case):
                continue
            try:
                closure_request(
                    case=case,
                    actor=worker,
                    closed_reason="goals_met",
                    reason=demo.CLOSING_REASONS[0],
                )
            except (ValidationError, SafeguardViolation):
                continue
            return

    def come_back_and_merge(self) -> None:
        """RR-6: a child whose case closed comes back for something new, and gets a new case
        from the old one (her record and retelling count carry on); and a boy registered twice
        at the authority under two spellings, whose merge waits for a second person."""
        cpa = self.agencies[demo.CPA]
        for dc in self.cases:
            case = _fresh(dc.case)
            if dc.agency_key == demo.CPA and case.stage == Stage.CLOSED and dc.case_worker:
                case_open_for_child(
                    actor=dc.case_worker, agency=cpa, earlier=case, summary=demo.CAME_BACK
                )
                break
        worker = self.users["caseworker"]
        for dc in self._cpa_open():
            child = dc.case.child
            if dc.case_worker != worker or child.sex != "male" or not child.name_romanised:
                continue
            duplicate = case_register(
                actor=worker,
                agency=cpa,
                child={
                    "given_name": child.given_name,
                    "family_name": child.family_name,
                    "family_name_first": child.family_name_first,
                    "name_romanised": demo.respelled(child.name_romanised),
                    "sex": child.sex,
                    "age_status": "uncertain",
                },
                languages=dc.languages,
                summary=demo.REGISTERED_TWICE,
            )
            merge_propose(
                actor=worker, kept_case=_fresh(dc.case), merged_case=duplicate, reason=demo.SAME
            )
            return

    def _approver(self, dc: DemoCase) -> User:
        return self.users["supervisor_kh" if dc.agency_key == demo.KH_NGO else "supervisor"]

    # --- the child's record -----------------------------------------------------------------

    def record_age_assessments(self) -> None:
        """ID-2: of the children who say they are adults, one has a pending age assessment and
        one a completed assessment that found them under 18; any others have none yet."""
        claimants = [dc for dc in self.cases if dc.spec.claims_adult]
        for n, dc in enumerate(claimants[:2]):
            completed = n == 1
            # Completing a determination is for a supervisor or child-protection officer.
            determiner = (
                Membership.objects.filter(
                    agency=dc.case.lead_agency_id,
                    role__in=[Role.SUPERVISOR, Role.CHILD_PROTECTION_OFFICER],
                    is_active=True,
                )
                .select_related("user")
                .first()
            )
            actor = determiner.user if completed and determiner else dc.case_worker
            age_assessment_record(
                case=_fresh(dc.case),
                actor=actor,
                method="Holistic assessment: interview, school records, paediatric examination",
                decided_by="Multidisciplinary age-assessment panel (fictional)",
                evidence="Fictional demo evidence.",
                completed=completed and determiner is not None,
                result="child" if completed and determiner else "",
                assessed_birth_date=_years_ago(self.today, 16) if completed else None,
            )

    def update_children(self) -> None:
        """Family tracing found relatives of a child whose parental care was not known."""
        unknown = [dc for dc in self.cases if dc.spec.parental_care == ParentalCare.UNKNOWN]
        for dc in unknown[:1]:
            child_update(
                case=_fresh(dc.case), actor=dc.case_worker, parental_care=ParentalCare.SEPARATED
            )

    # --- people on the case -----------------------------------------------------------------

    def _cpa_open(self) -> list[DemoCase]:
        return [c for c in self.cases if c.agency_key == demo.CPA and c.is_open]

    def hand_over(self) -> None:
        """CC-9 handovers by the supervisor, each with a note so the child need not retell."""
        supervisor = self.users["supervisor"]
        candidates = [
            c
            for c in self._cpa_open()
            if c.case_worker is not None and c.case_worker.username in ("caseworker", "cpofficer")
        ]
        notes = iter(demo.HANDOVER_NOTES * 2)
        for dc in self.rng.sample(candidates, min(4, len(candidates))):
            successor = self.users[
                "caseworker2" if dc.case_worker == self.users["caseworker"] else "caseworker"
            ]
            case_assign(
                case=_fresh(dc.case),
                actor=supervisor,
                user=successor,
                role=AssignmentRole.CASE_WORKER,
                handover_note=next(notes),
            )
            dc.case_worker = successor

    def assign_teams(self) -> None:
        open_cases = self._cpa_open()
        speaking = [c for c in open_cases if INTERPRETER_LANGUAGES & set(c.languages)]
        self._assign("interpreter", AssignmentRole.INTERPRETER, speaking[:3])
        for username, role, count in (
            ("shelterstaff", AssignmentRole.SHELTER_STAFF, 4),
            ("psychologist", AssignmentRole.PSYCHOLOGIST, 3),
            ("healthworker", AssignmentRole.HEALTH_WORKER, 2),
            ("lawyer", AssignmentRole.LAWYER, 2),
        ):
            self._assign(username, role, self.rng.sample(open_cases, min(count, len(open_cases))))

    # --- protection and support (PS-1 … PS-7) -------------------------------------------------

    def protect(self) -> None:
        """Information, guardians, consent, best interests, needs and services for the children
        past identification, with a few gaps left for the alerts a real caseload would raise."""
        guardians = self.create_guardians()
        progressed = [
            dc
            for dc in self.cases
            if dc.is_open and not dc.plan.startswith("identification") and dc.case_worker
        ]
        questions = iter(demo.INFORMATION_QUESTIONS * len(progressed))
        for n, dc in enumerate(progressed):
            assert dc.case_worker is not None
            # PS-5: one child was told but given nothing in writing.
            information_session_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                given_at=timezone.now(),
                topics=[
                    "status",
                    "rights",
                    "services",
                    "legal_process",
                    "confidentiality",
                    "complaints",
                ],
                language=dc.languages[0] if dc.languages else "th",
                formats=["verbal"] if n == 1 else ["verbal", "written", "visual"],
                given_by=dc.case_worker.get_full_name(),
                written_copy_left=n != 1,
                child_questions=next(questions),
            )
            service_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                type="Accommodation",
                provider="Open shelter for children (fictional)",
                start_on=self.today - timedelta(days=self.rng.randint(10, 90)),
                status="in_progress",
            )
        self.appoint_guardians(progressed, guardians)
        self.place(progressed)
        cpa_progressed = [dc for dc in progressed if dc.agency_key == demo.CPA]
        if cpa_progressed:
            self.medical_examination(min(cpa_progressed, key=lambda dc: dc.spec.age or 99))
        self.assess_needs(cpa_progressed)

    def place(self, progressed: list[DemoCase]) -> None:
        """Where the children live (ND-1 … ND-5): most in the open shelter with a review date,
        some back with family; one child still in identification is held in immigration detention
        (ND-2's critical alert, escalated); one child faces a charge for illegal work (ND-1)."""
        for n, dc in enumerate(progressed):
            assert dc.case_worker is not None
            home = dc.plan in ("follow_up", "relapsed") and n % 2 == 0
            # CC-1: a determination decided the placement, except for one child placed
            # urgently, whose determination is still to follow.
            decision = None
            if n != 2:
                decision = decision_record(
                    case=_fresh(dc.case),
                    actor=dc.case_worker,
                    kind="bid",
                    subject="placement",
                    decided_on=self.today - timedelta(days=self.rng.randint(1, 9)),
                    question="Where should the child live while recovering?",
                    options="Open shelter; kinship care; return to the family.",
                    child_views=demo.PLACEMENT_VIEWS[n % len(demo.PLACEMENT_VIEWS)],
                    child_views_weight="Given weight in line with the child's age and "
                    "understanding; the child's wish matched the safety assessment.",
                    outcome="Back with the family, with follow-up visits."
                    if home
                    else "Open shelter, reviewed with the child.",
                    justification="Safe, and what the child asked for.",
                    participants=[
                        {"name": "Orawan Sukjaroen", "role": "Supervisor"},
                        {"name": dc.case_worker.get_full_name(), "role": "Case worker"},
                        {"name": "Fictional shelter manager", "role": "Shelter"},
                    ],
                )
            placement_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                type="family" if home else "open_shelter",
                facility="With the family (fictional village)"
                if home
                else "Open shelter for children (fictional), Chiang Mai",
                start_on=self.today - timedelta(days=self.rng.randint(10, 80)),
                review_on=None if home else self.today + timedelta(days=self.rng.randint(5, 60)),
                decision=decision,
                urgent_reason=""
                if decision
                else "Placed the night the child was found; the determination follows.",
            )
        if progressed:
            dc = progressed[0]
            assert dc.case_worker is not None
            restriction_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                kind="communication",
                description="Phone kept by staff at night.",
                justification="The recruiter kept calling at night; the child asked for this.",
                decided_by="Shelter manager with the child",
                start_on=self.today - timedelta(days=7),
                review_on=self.today + timedelta(days=21),
            )
            family_contact_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                with_whom="Mother and younger brother",
                means="calls",
                frequency="Twice a week",
                child_views="Wants to call more often at weekends.",
                start_on=self.today - timedelta(days=7),
            )
        charged = [dc for dc in progressed if dc.agency_key == demo.CPA][-1:]
        for dc in charged:
            assert dc.case_worker is not None
            charge_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                offence="illegal_work",
                authority="District immigration office (fictional)",
                status="investigation",
                recorded_on=self.today - timedelta(days=2),
            )
        waiting = [
            dc
            for dc in self.cases
            if dc.plan.startswith("identification")
            and dc.agency_key == demo.CPA
            and dc.case_worker is not None
        ][:1]
        for dc in waiting:
            assert dc.case_worker is not None
            placement_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                type="immigration_detention",
                facility="Immigration detention centre (fictional), Bangkok",
                start_on=self.today - timedelta(days=1),
            )

    def create_guardians(self) -> dict[str, list[Guardian]]:
        cpa = self.agencies[demo.CPA]
        supervisor = self.users["supervisor"]
        made = {
            demo.CPA: [guardian_create(agency=cpa, actor=supervisor, user=self.users["guardian"])],
            demo.KH_NGO: [],
        }
        for n, (name, organisation) in enumerate(demo.EXTERNAL_GUARDIANS):
            key = demo.KH_NGO if n == 2 else demo.CPA
            actor = self.users["supervisor_kh"] if key == demo.KH_NGO else supervisor
            made[key].append(
                guardian_create(
                    agency=self.agencies[key],
                    actor=actor,
                    name=name,
                    organisation=organisation,
                    contact="+66 2 000 0000 (fictional)" if key == demo.CPA else "",
                )
            )
        return made

    def appoint_guardians(
        self, progressed: list[DemoCase], guardians: dict[str, list[Guardian]]
    ) -> None:
        """PS-1: children deprived of parental care get a guardian; the Haven guardian takes the
        first four (and sees those cases). One child still waits for an appointment."""
        deprived = [dc for dc in progressed if dc.spec.parental_care in DEPRIVED_OF_PARENTAL_CARE]
        for n, dc in enumerate(deprived[:-1] if len(deprived) > 1 else deprived):
            pool = guardians.get(dc.agency_key) or []
            if not pool:
                continue
            guardian = pool[0] if n < 4 or len(pool) == 1 else pool[1 + n % (len(pool) - 1)]
            guardian_appoint(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                guardian=guardian,
                appointed_on=self.today - timedelta(days=self.rng.randint(1, 20)),
                appointed_by=demo.GUARDIAN_AUTHORITY,
            )
            if guardian.user is not None:
                dc.team.add(guardian.user.username)

    def medical_examination(self, dc: DemoCase) -> None:
        """PS-4: the youngest child's examination rests on her assent and her guardian's (or a
        parent's) consent; her earlier consent to research was withdrawn."""
        assert dc.case_worker is not None
        young = (dc.spec.age or 0) < settings.HAVEN_CHILD_CONSENT_AGE
        guardian = dc.spec.parental_care in DEPRIVED_OF_PARENTAL_CARE
        common: dict[str, Any] = {
            "given_on": self.today - timedelta(days=2),
            "language": dc.languages[0] if dc.languages else "th",
            "formats": ["verbal", "visual"],
            "explained_by": dc.case_worker.get_full_name(),
            "checklist": [
                "purpose",
                "uses",
                "research",
                "access",
                "retention",
                "withdrawal",
                "confidentiality_limits",
            ],
            "child_answer": "agrees",
            "representative": ("guardian" if guardian else "parent") if young else "none",
            "representative_name": "The appointed guardian" if guardian else "Her mother",
            "representative_answer": "consents" if young else "",
        }
        consent_record(
            case=_fresh(dc.case),
            actor=dc.case_worker,
            purpose="medical_examination",
            scope="A general health check by the shelter doctor; no blood tests.",
            expires_on=self.today + timedelta(days=60),
            **common,
        )
        research = consent_record(
            case=_fresh(dc.case), actor=dc.case_worker, purpose="research", **common
        )
        consent_withdraw(
            consent=research,
            actor=dc.case_worker,
            withdrawn_by="The child herself",
            reason="Changed her mind after talking with her guardian.",
        )
        service_record(
            case=_fresh(dc.case),
            actor=dc.case_worker,
            type="Health",
            health_procedure="examination",
            provider="Shelter doctor (fictional)",
            start_on=self.today + timedelta(days=1),
            status="planned",
        )
        decision_record(
            case=_fresh(dc.case),
            actor=dc.case_worker,
            kind="bia",
            subject="care",
            decided_on=self.today - timedelta(days=1),
            question="What care and support does she need while her family is traced?",
            options="Open shelter with peers; foster family; kinship care with an aunt.",
            child_views="Wants to stay with the friend she met at the shelter until her family "
            "is found.",
            child_views_weight="Given great weight: she explained her reasons clearly and they "
            "match her safety needs.",
            outcome="Stays at the open shelter; family tracing continues; review in 90 days.",
            justification="Safe, familiar, with a peer she trusts; keeps school continuity.",
        )

    def assess_needs(self, cases: list[DemoCase]) -> None:
        """PS-7 for a few children. One suffered severe abuse and has no support for it yet
        (CC-5); an older teenager has vocational training but no education offer (CC-11)."""
        levels = ("none", "some", "high")
        for n, dc in enumerate(cases[:4]):
            assert dc.case_worker is not None
            needs_assessment_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                assessed_on=self.today - timedelta(days=3),
                findings=[
                    {
                        "domain": domain,
                        "level": levels[(n + i) % 3],
                        "needs": "" if levels[(n + i) % 3] == "none" else demo.NEEDS[domain],
                        "strengths": demo.STRENGTHS.get(domain, ""),
                    }
                    for i, domain in enumerate(
                        ("physical", "psychological", "social", "legal", "educational", "economic")
                    )
                ],
                child_views="Wants to go back to school and to see her younger brother.",
                severe_harm=n == 0,
                next_review_on=self.today + timedelta(days=90),
            )
        teens = [dc for dc in cases if (dc.spec.age or 0) >= 16]
        if teens:
            dc = teens[0]
            assert dc.case_worker is not None
            service_record(
                case=_fresh(dc.case),
                actor=dc.case_worker,
                type="Livelihood",
                provider="Vocational training centre (fictional)",
                start_on=self.today - timedelta(days=5),
                status="in_progress",
                description="Motorbike repair course.",
            )

    def _assign(self, username: str, role: str, cases: list[DemoCase]) -> None:
        for dc in cases:
            case_assign(
                case=_fresh(dc.case),
                actor=self.users["supervisor"],
                user=self.users[username],
                role=role,
            )
            dc.team.add(username)

    def add_notes(self) -> None:
        notes = iter(demo.CASE_NOTES * 4)
        with_team = [c for c in self.cases if c.team & {"guardian", "shelterstaff"}]
        for dc in with_team[:3]:
            author = "guardian" if "guardian" in dc.team else "shelterstaff"
            case_note_add(case=_fresh(dc.case), actor=self.users[author], body=next(notes))
        others = [c for c in self.cases if c.case_worker is not None and c not in with_team[:3]]
        for dc in self.rng.sample(others, min(5, len(others))):
            case_note_add(case=_fresh(dc.case), actor=dc.case_worker, body=next(notes))

    def leave_without_case_worker(self) -> None:
        """Two open cases lose their case worker (staff left) so that CC-9 alerts show."""
        candidates = [c for c in self._cpa_open() if c.case_worker is not None]
        for dc in self.rng.sample(candidates, min(2, len(candidates))):
            current = CaseAssignment.objects.get(
                case=dc.case, role=AssignmentRole.CASE_WORKER, ended_at__isnull=True
            )
            assignment_end(assignment=current, actor=self.users["supervisor"])
            dc.case_worker = None

    @staticmethod
    def _role(user: User, agency: Agency) -> str:
        return Membership.objects.get(user=user, agency=agency, is_active=True).role


class Command(BaseCommand):
    help = "Fill an empty database with fictional demo agencies, staff, children and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and say so) when any agency exists, instead of failing.",
        )
        parser.add_argument(
            "--children", type=int, default=30, help="How many children to register (default 30)."
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Seed for the random choices (default 2026)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo accounts share a published password: never create them outside the local,
        # fictional-data mode.
        if not settings.DEV:
            raise CommandError("seed_demo runs only with HAVEN_DEV=1 (local demo).")
        if options["children"] < 1:
            raise CommandError("--children must be at least 1.")
        if Agency.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has agencies: no demo data added.")
                # `make run` calls this every time: show the logins again.
                self.report()
                return
            raise CommandError(
                "The database is not empty. Use a fresh database, or --if-empty to skip."
            )
        # Reproducible demo data, not security: a seeded generator is what is wanted here.
        seeder = Seeder(Random(options["seed"]), options["children"])  # noqa: S311
        self.stdout.write(
            f"Adding the fictional demo: agencies, staff and {options['children']} children with "
            "their cases (about 15 seconds)..."
        )
        with transaction.atomic():
            seeder.run()
        self.report()

    def report(self) -> None:
        """Describe what is in the database, so the summary shows what really committed; the
        logins come last, where the person who ran `make run` looks for them."""
        out = self.stdout.write
        open_alerts = Counter(
            Alert.objects.filter(status=Alert.Status.OPEN).values_list("rule_code", flat=True)
        )
        stages = Counter(Case.objects.values_list("stage", flat=True))
        out("")
        out(
            f"Agencies: {Agency.objects.count()}  Users: {User.objects.count()}  "
            f"Children: {Child.objects.count()}  Cases: {Case.objects.count()}  "
            f"Open alerts: {sum(open_alerts.values())}"
        )
        out("Cases by stage: " + ", ".join(f"{s}: {stages[s]}" for s in Stage.values if stages[s]))
        out(
            "Open alerts by rule: " + ", ".join(f"{k}: {v}" for k, v in sorted(open_alerts.items()))
        )
        out("")
        rows = [
            (m.user.username, str(Role(m.role).label), m.agency.name)
            for m in Membership.objects.select_related("user", "agency").order_by("agency_id", "pk")
        ]
        widths = [
            max(len(r[i]) for r in [("User name", "Role", "Agency"), *rows]) for i in range(3)
        ]
        for row in [("User name", "Role", "Agency"), tuple("-" * w for w in widths), *rows]:
            out("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out("")
        out(f"Haven demo ready (fictional data): {demo.DEMO_URL}")
        out(f"Sign in with a user name above. Every demo user's password: {demo.DEMO_PASSWORD}")
        out("With HAVEN_DEMO_MODE=1 the second-factor page shows the current code.")

"""Roles and what each may do, in one place (DESIGN idea 3).

A user holds one role per agency (Membership). Case-level access comes from two sources: the
agency-wide roles below that see every case of their agency, and assignments to a case
(haven.cases.models.CaseAssignment), which carry a role of their own. Which fields a role may
read is READABLE; which actions it may take is CAPABILITIES. Nothing here depends on a child's
nationality (CC-4).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.sensitivity import Sensitivity as S


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    CHILD_PROTECTION_OFFICER = "cp_officer", _("Child-protection officer")
    GUARDIAN = "guardian", _("Guardian")
    HEALTH_WORKER = "health_worker", _("Health worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist or counsellor")
    LAWYER = "lawyer", _("Lawyer or paralegal")
    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement officer")
    IMMIGRATION_OFFICER = "immigration", _("Immigration officer")
    INTERPRETER = "interpreter", _("Interpreter")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    STATISTICIAN = "statistician", _("Statistician")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Capability(models.TextChoices):
    SEE_AGENCY_CASES = "see_agency_cases", _("See every case of the agency")
    REGISTER_CHILD = "register_child", _("Register a child and open a case")
    ASSIGN = "assign", _("Assign and hand over case workers")
    EDIT_CASE = "edit_case", _("Update a case and the child's record")
    CHANGE_STAGE = "change_stage", _("Move a case to another stage")
    # A case worker asks; someone else who may approve closes the case (RR-6, CC-1).
    APPROVE_CLOSURE = "approve_closure", _("Approve the closing of a case")
    RECORD_INTERVIEW = "record_interview", _("Record interviews and statements")
    SCREEN = "screen", _("Screen a child and record first steps")
    DECIDE_STATUS = "decide_status", _("Record the competent authority's decision on victim status")
    DETERMINE_AGE = "determine_age", _("Complete an age assessment")
    WRITE_NOTE = "write_note", _("Write case notes")
    RESOLVE_ALERT = "resolve_alert", _("Resolve safeguard alerts")
    MANAGE_MEMBERS = "manage_members", _("Manage the agency's staff accounts")
    MANAGE_AGENCIES = "manage_agencies", _("Add agencies")
    VIEW_STATISTICS = "view_statistics", _("See aggregate statistics")
    RECORD_CONSENT = "record_consent", _("Record consent and its withdrawal")
    INFORM_CHILD = "inform_child", _("Record information given to the child")
    DECIDE_BEST_INTERESTS = (
        "decide_best_interests",
        _("Record best-interests assessments and determinations"),
    )
    APPOINT_GUARDIAN = "appoint_guardian", _("Record a guardian's appointment")
    OVERRIDE_CASELOAD = "override_caseload", _("Approve a guardian beyond the caseload ceiling")
    ASSESS_NEEDS = "assess_needs", _("Assess needs and strengths")
    RECORD_SERVICE = "record_service", _("Record services for the child and family")
    RECORD_PLACEMENT = (
        "record_placement",
        _("Record where the child lives, restrictions and family contact"),
    )
    RECORD_LEGAL = "record_legal", _("Record charges against the child and challenges to detention")
    PLAN_REINTEGRATION = (
        "plan_reintegration",
        _("Assess the family and plan recovery and reintegration"),
    )
    VIEW_DASHBOARD = "view_dashboard", _("See the agency's caseloads and overdue work")
    AUTHORISE_RELEASE = (
        "authorise_release",
        _("Authorise the release of the agency's statistics outside it"),
    )
    OPEN_KIOSK = "open_kiosk", _("Open the children's feedback kiosk on a device")
    RECORD_FEEDBACK = "record_feedback", _("Record feedback and complaints a child gives in person")
    HANDLE_FEEDBACK = "handle_feedback", _("Handle children's feedback and complaints")
    HANDLE_CONCERNS = "handle_concerns", _("Handle concerns about practitioners")
    MANAGE_DIRECTORY = (
        "manage_directory",
        _("Keep the agency's services in the directory and its data-sharing assessments"),
    )
    REFER = "refer", _("Refer the child to another agency's service")
    RESPOND_REFERRAL = "respond_referral", _("Accept or decline referrals to the agency")
    ATTACH_DOCUMENT = (
        "attach_document",
        _("Attach documents and photos to a case, and remove one attached by mistake"),
    )
    BREAK_GLASS = (
        "break_glass",
        _("Open one of the agency's cases in an emergency, for a limited time, with a reason"),
    )


_ALL = frozenset(S)
_FRONT_LINE = frozenset(
    {
        Capability.SCREEN,
        Capability.EDIT_CASE,
        Capability.CHANGE_STAGE,
        Capability.RECORD_INTERVIEW,
        Capability.WRITE_NOTE,
        Capability.ATTACH_DOCUMENT,
        Capability.RESOLVE_ALERT,
        Capability.RECORD_CONSENT,
        Capability.INFORM_CHILD,
        Capability.DECIDE_BEST_INTERESTS,
        Capability.APPOINT_GUARDIAN,
        Capability.ASSESS_NEEDS,
        Capability.RECORD_SERVICE,
        Capability.RECORD_PLACEMENT,
        Capability.RECORD_LEGAL,
        Capability.PLAN_REINTEGRATION,
        Capability.RECORD_FEEDBACK,
        Capability.OPEN_KIOSK,
        Capability.REFER,
        Capability.RESPOND_REFERRAL,
    }
)
# Practitioners who give care on a case they are assigned to: they explain it and ask for
# consent themselves (PS-4, PS-5), and record what they provide (PS-3).
_CARE = frozenset(
    {
        Capability.RECORD_INTERVIEW,
        Capability.WRITE_NOTE,
        Capability.ATTACH_DOCUMENT,
        Capability.RECORD_CONSENT,
        Capability.INFORM_CHILD,
        Capability.RECORD_SERVICE,
        Capability.RECORD_FEEDBACK,
        Capability.RESPOND_REFERRAL,
    }
)

# Which sensitivity classes each role may read on a case it can see (DP-1).
READABLE: dict[str, frozenset[S]] = {
    Role.CASE_WORKER: _ALL,
    Role.SUPERVISOR: _ALL,
    Role.CHILD_PROTECTION_OFFICER: _ALL,
    Role.GUARDIAN: _ALL,
    Role.HEALTH_WORKER: frozenset({S.BASIC, S.IDENTITY, S.HEALTH}),
    Role.PSYCHOLOGIST: frozenset({S.BASIC, S.IDENTITY, S.FAMILY, S.HEALTH, S.NARRATIVE}),
    Role.LAWYER: frozenset({S.BASIC, S.IDENTITY, S.FAMILY, S.LEGAL, S.NARRATIVE}),
    Role.LAW_ENFORCEMENT: frozenset({S.BASIC, S.IDENTITY}),
    Role.IMMIGRATION_OFFICER: frozenset({S.BASIC, S.IDENTITY}),
    Role.INTERPRETER: frozenset({S.BASIC, S.IDENTITY}),
    Role.SHELTER_STAFF: frozenset({S.BASIC, S.IDENTITY, S.HEALTH, S.LOCATION}),
    Role.SAFEGUARDING_LEAD: frozenset(),
    Role.AGENCY_ADMIN: frozenset(),
    Role.STATISTICIAN: frozenset(),
    Role.SYSTEM_ADMIN: frozenset(),
}

# What each role may do. Case-level capabilities apply only to cases the user can see.
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CASE_WORKER: _FRONT_LINE | {Capability.REGISTER_CHILD, Capability.BREAK_GLASS},
    Role.SUPERVISOR: _FRONT_LINE
    | {
        Capability.SEE_AGENCY_CASES,
        Capability.REGISTER_CHILD,
        Capability.ASSIGN,
        Capability.APPROVE_CLOSURE,
        Capability.VIEW_STATISTICS,
        Capability.DETERMINE_AGE,
        Capability.OVERRIDE_CASELOAD,
        Capability.VIEW_DASHBOARD,
        Capability.AUTHORISE_RELEASE,
        Capability.HANDLE_FEEDBACK,
        Capability.MANAGE_DIRECTORY,
    },
    Role.CHILD_PROTECTION_OFFICER: _FRONT_LINE
    | {
        Capability.SEE_AGENCY_CASES,
        Capability.REGISTER_CHILD,
        Capability.ASSIGN,
        Capability.APPROVE_CLOSURE,
        Capability.DECIDE_STATUS,
        Capability.DETERMINE_AGE,
        Capability.OVERRIDE_CASELOAD,
        Capability.VIEW_DASHBOARD,
        Capability.HANDLE_FEEDBACK,
        Capability.MANAGE_DIRECTORY,
    },
    Role.GUARDIAN: frozenset(
        {
            Capability.WRITE_NOTE,
            Capability.ATTACH_DOCUMENT,
            Capability.INFORM_CHILD,
            Capability.RECORD_FEEDBACK,
        }
    ),
    # A medical emergency, a child held without a lawyer: the agency's own health workers and
    # lawyers may open its cases in an emergency too (DP-4), reading what their role reads.
    Role.HEALTH_WORKER: _CARE | {Capability.BREAK_GLASS},
    Role.PSYCHOLOGIST: _CARE | {Capability.ASSESS_NEEDS},
    Role.LAWYER: _CARE | {Capability.RECORD_LEGAL, Capability.BREAK_GLASS},
    # Police and immigration identify children and refer them on (ID-4); they do not manage cases.
    Role.LAW_ENFORCEMENT: frozenset(
        {
            Capability.REGISTER_CHILD,
            Capability.RECORD_INTERVIEW,
            Capability.SCREEN,
            # The papers the child carried, photographed where the child was found (ID-1).
            Capability.ATTACH_DOCUMENT,
            Capability.DECIDE_STATUS,
            # A child held by the police is recorded at once, and raises ND-2's critical alert.
            Capability.RECORD_PLACEMENT,
        }
    ),
    Role.IMMIGRATION_OFFICER: frozenset(
        {
            Capability.REGISTER_CHILD,
            Capability.RECORD_INTERVIEW,
            Capability.SCREEN,
            # The papers the child carried, photographed where the child was found (ID-1).
            Capability.ATTACH_DOCUMENT,
            Capability.RECORD_PLACEMENT,
        }
    ),
    Role.INTERPRETER: frozenset(),
    Role.SHELTER_STAFF: frozenset(
        {
            Capability.WRITE_NOTE,
            Capability.ATTACH_DOCUMENT,
            Capability.INFORM_CHILD,
            Capability.RECORD_SERVICE,
            Capability.RECORD_FEEDBACK,
            Capability.OPEN_KIOSK,
            Capability.RESPOND_REFERRAL,
            Capability.BREAK_GLASS,
        }
    ),
    # The safeguarding lead hears children's complaints and concerns about practitioners
    # (CC-12, CC-13); they read no case (DP-1).
    Role.SAFEGUARDING_LEAD: frozenset({Capability.HANDLE_FEEDBACK, Capability.HANDLE_CONCERNS}),
    Role.AGENCY_ADMIN: frozenset({Capability.MANAGE_MEMBERS, Capability.MANAGE_DIRECTORY}),
    Role.STATISTICIAN: frozenset({Capability.VIEW_STATISTICS}),
    Role.SYSTEM_ADMIN: frozenset({Capability.MANAGE_MEMBERS, Capability.MANAGE_AGENCIES}),
}

# Roles that, on registering a child, become the case's case worker; the others are recorded
# as the identifying officer and keep access only while the case is being identified.
CASE_WORKER_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.CHILD_PROTECTION_OFFICER})


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(role for role, caps in CAPABILITIES.items() if capability in caps)


# Which staff roles may take each part on a case: an interpreter is assigned as an interpreter,
# never as a guardian or lawyer, whatever a supervisor picks (DP-1).
ASSIGNABLE: dict[str, frozenset[str]] = {
    "case_worker": CASE_WORKER_ROLES,
    "guardian": frozenset({Role.GUARDIAN}),
    "support_person": frozenset(
        {
            Role.CASE_WORKER,
            Role.SUPERVISOR,
            Role.CHILD_PROTECTION_OFFICER,
            Role.GUARDIAN,
            Role.PSYCHOLOGIST,
            Role.SHELTER_STAFF,
        }
    ),
    "interpreter": frozenset({Role.INTERPRETER}),
    "health_worker": frozenset({Role.HEALTH_WORKER}),
    "psychologist": frozenset({Role.PSYCHOLOGIST}),
    "lawyer": frozenset({Role.LAWYER}),
    "shelter_staff": frozenset({Role.SHELTER_STAFF}),
    "identifying_officer": frozenset({Role.LAW_ENFORCEMENT, Role.IMMIGRATION_OFFICER}),
    # Given only by accepting a referral to one's agency (haven.directory, CC-15, DP-2).
    "referral_recipient": roles_with(Capability.RESPOND_REFERRAL),
}

# What a person assigned to a case may read and do there, as the staff role it corresponds to
# (and never more than their own staff role allows: haven.cases.access).
ASSIGNMENT_ACTS_AS: dict[str, str] = {
    "case_worker": Role.CASE_WORKER,
    "guardian": Role.GUARDIAN,
    "support_person": Role.PSYCHOLOGIST,
    "interpreter": Role.INTERPRETER,
    "health_worker": Role.HEALTH_WORKER,
    "psychologist": Role.PSYCHOLOGIST,
    "lawyer": Role.LAWYER,
    "shelter_staff": Role.SHELTER_STAFF,
    "identifying_officer": Role.LAW_ENFORCEMENT,
}

# A referral recipient has no part of its own in ASSIGNMENT_ACTS_AS: they act with their own
# staff role in the agency the referral went to, but read only the classes agreed on the
# referral (DP-9) and do only care work there, never manage the lead agency's case (DP-2).
REFERRAL_RECIPIENT = "referral_recipient"
REFERRAL_RECIPIENT_CAPABILITIES = _CARE - {Capability.RESPOND_REFERRAL}

# Emergency access (haven.cases.emergency, DP-4) has no part of its own in ASSIGNMENT_ACTS_AS
# either: the person reads what their own role in the lead agency reads, and does only what
# keeps the child safe now. Not: refer or share onward, resolve alerts, move the stage, assign
# (which would make the access outlast the emergency), or interview the child again.
EMERGENCY = "emergency"
EMERGENCY_CAPABILITIES = frozenset(
    {
        Capability.SCREEN,
        Capability.EDIT_CASE,
        Capability.WRITE_NOTE,
        Capability.INFORM_CHILD,
        Capability.RECORD_SERVICE,
        Capability.RECORD_PLACEMENT,
        Capability.RECORD_LEGAL,
    }
)

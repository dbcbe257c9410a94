"""Fill a migrated database quickly with N fictional cases for the benchmarks.

This is benchmark data, not demo data. It writes straight into the tables (COPY on PostgreSQL,
`bulk_create` on SQLite: bench/bulkwrite.py) and so bypasses the services on purpose: no audit
events, no access checks, no safeguard evaluation (the benchmark measures that evaluation). It is
still valid per the models' constraints (one current case worker per case, no duplicate current
assignment, interview durations above zero, unique references, a documented birth date for every
"known" age), and every name is fictional: children's names are made-up combinations of syllables
common in the region (bench/names.py), staff and agencies are "Bench ...". Encrypted fields stay
empty, except the three that alert rules test for emptiness (a restriction's justification, a
service's urgent reason, how a pathway addresses a family member implicated in the trafficking) and
family members' fictional names ("Bench Family Member 12"), which the field encrypts as usual. The
AuditChainHead row that migrations create is checked, not replaced.

Shape of the data (per 100 cases, roughly):
- a few lead agencies of unequal size (40 %, 30 %, 20 %, 10 % of the cases);
- about 96 children: about 4 % of children have a second case, the earlier one closed
  (re-trafficking, RR-6);
- about 15 % of cases closed; about 2 % of the open cases have no current case worker (CC-9);
  about 20 % of the open cases had a handover; guardians and interpreters on some cases;
- 0-6 interviews per child; about 5 % of children have told their story more often than
  HAVEN_RETELLING_ALERT_THRESHOLD (CC-6);
- protection and support (`_protection`): a screening per case (most open cases presumed
  victims) and the stage changes; information sessions, consents, best-interests
  determinations, guardians and their appointments, needs assessments, services, placements and
  their reviews, restrictions, family contact, charges and challenges to detention. A few per
  cent of each is planted to breach the PS-, CC- and ND- alert rules, so that their queries find
  something;
- children as victim-witnesses (`_justice`): about 8 % of cases have a part in a proceeding,
  some proceedings shared by two or three children of an agency, with hearings past, near and
  later, verdicts, releases and appeals, the child's decisions on taking part, attendance with
  support people and child-friendly measures, statements linked to the child's interviews,
  updates to the child and reprisal-risk assessments. A few per cent breach each VW- rule;
- recovery and reintegration (`_reintegration`, drawn last of a chunk): family members for about
  30 % of cases (about 4 % of them implicated in the trafficking), family assessments,
  pathways decided by a best-interests determination for about 20 % (some carried out, some
  waiting), safety plans and reintegration plans for about 15 % each, with services, reviews
  and follow-up visits, and transition plans for most young people turning 18 within
  HAVEN_RR8_MONTHS. A few per cent breach each RR- rule;
- first steps and languages (`_first_steps`, drawn last from a stream of their own): working
  languages for every interpreter and 60 % of other staff (their agency's country's, some a
  second), one or two languages for 92 % of children (35 % from across a border); the first
  steps of every presumed-victim screening (ID-4) and the referral of every child in a
  precarious situation (ID-5). Steps of closed cases and earlier episodes are done; steps that
  another record meets are often left open, as practitioners leave them; a few that nothing
  meets are past their due time (ID-4, ID-5), and some cross-border children's case workers
  speak none of their languages without an interpreter arranged (CC-10).

The children are drawn a chunk at a time (`--chunk`, 50,000 by default): a chunk's children,
their cases, assignments and interviews, then their protection, justice and reintegration records,
all written before the next chunk is drawn, so that memory holds one chunk whatever the size (a
million cases drawn at once held 16.9 GB). Each chunk draws from a stream of its own, so that a
draw that follows from a date relative to now cannot move the next chunk's. Only what spans
chunks is kept: each agency's guardians and their loads (a stream of their own too), the counts,
and each case's agency, child and reference (a few integers and a string per case). The first
steps and languages are drawn last, from the rows written.

Run on its own (the database must be migrated and hold no case):

    HAVEN_DEV=1 DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/generate.py \
        --cases 20000

bench/run.py creates a fresh database and calls `generate()` itself.
"""

import argparse
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import names as bench_names  # bench/names.py, next to this script
from bulkwrite import plain_instances, write  # bench/bulkwrite.py

ROOT = Path(__file__).resolve().parent.parent

AGENCY_SHARES = (0.4, 0.3, 0.2, 0.1)
CASELOAD = 25  # open cases per case worker, roughly
RETRAFFICKED = 0.04  # share of children with a second case
NO_CASE_WORKER = 0.02  # share of open cases without a current case worker
HANDOVER = 0.20  # share of open cases whose first case worker handed over
ABOVE_THRESHOLD = 0.05  # share of children above the retelling threshold
MAX_INTERVIEWS = 6
STAGE_WEIGHTS = {
    "identification": 15,
    "protection": 35,
    "recovery": 25,
    "follow_up": 10,
    "closed": 15,
}
BATCH = 2000
CHUNK = 100_000  # rows held before they are written, where a table would not fit in memory
CHUNK_CHILDREN = 50_000  # children drawn and written with all their records before the next
_REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"


def setup_django() -> None:
    """Settings for a script run from the repository: HAVEN_DEV unless told otherwise."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("HAVEN_DEV", "1")
    # DEBUG would keep every query in memory; a benchmark should run as production does.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@dataclass
class Summary:
    """What was generated, and the alerts the safeguard rules must find in it."""

    cases: int = 0
    open_cases: int = 0
    children: int = 0
    agencies: int = 0
    users: int = 0
    assignments: int = 0
    interviews: int = 0
    first_steps: int = 0
    child_languages: int = 0
    staff_with_languages: int = 0
    open_without_case_worker: int = 0
    children_above_threshold: int = 0
    # Rows written per protection table (screenings, placements, services, ...).
    protection_rows: dict[str, int] = field(default_factory=dict)
    # Rows written per justice table (proceedings, hearings, participations, ...).
    justice_rows: dict[str, int] = field(default_factory=dict)
    # Rows written per reintegration table (family members, pathways, plans, ...).
    reintegration_rows: dict[str, int] = field(default_factory=dict)
    # Alerts a first sweep over the open cases must raise, per rule code.
    expected_alerts: dict[str, int] = field(default_factory=dict)
    # The largest agency and one of its supervisors, for the "my cases" measurement.
    largest_agency_id: int = 0
    largest_agency_open_cases: int = 0
    supervisor_id: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tally(counts: dict[str, int], name: str, n: int) -> None:
    counts[name] = counts.get(name, 0) + n


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.uniform(0, span))


def _references(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add("HV-" + "".join(rng.choices(_REFERENCE_ALPHABET, k=7)))
    refs = sorted(seen)
    rng.shuffle(refs)
    return refs


def generate(
    n_cases: int = 20_000, *, seed: int = 1, chunk: int = CHUNK_CHILDREN, log: Any = print
) -> Summary:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from haven.accounts.models import Agency, Membership, OrganisationType, User
    from haven.accounts.roles import Role
    from haven.audit.models import AuditChainHead
    from haven.cases.models import Case, CaseAssignment, Interview
    from haven.children.models import AgeStatus, Child, ChildNameKey, ParentalCare, Sex
    from haven.children.services import comparison_keys_of
    from haven.core.names import search_key
    from haven.protection.models import Guardian

    if n_cases < 10:
        raise ValueError("generate at least 10 cases")
    if Case.objects.exists():
        raise RuntimeError("this database already holds cases; benchmark data needs an empty one")
    if not AuditChainHead.objects.filter(pk=1).exists():
        raise RuntimeError("the AuditChainHead row is missing: run the migrations first")

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    threshold = settings.HAVEN_RETELLING_ALERT_THRESHOLD
    summary = Summary()
    # One unusable password hash for every bench account: nobody signs in as them.
    unusable = make_password(None)

    with transaction.atomic(), plain_instances():
        # Agencies and their staff.
        countries = ["TH", "KH", "ID", "PH", "VN", "MY"]
        types = [OrganisationType.GOVERNMENT, OrganisationType.NGO, OrganisationType.POLICE]
        agencies = write(
            Agency,
            [
                Agency(
                    name=f"Bench Agency {i + 1}",
                    organisation_type=types[i % len(types)],
                    country=countries[i % len(countries)],
                    is_child_protection_authority=(i == 0),
                )
                for i in range(len(AGENCY_SHARES))
            ],
        )
        summary.agencies = len(agencies)
        case_agency = rng.choices(range(len(agencies)), weights=AGENCY_SHARES, k=n_cases)
        per_agency = [case_agency.count(i) for i in range(len(agencies))]

        users: list[User] = []
        plan: list[tuple[int, str]] = []  # (agency index, role) per user
        for a, agency in enumerate(agencies):
            staff = [(Role.SUPERVISOR, 2), (Role.CASE_WORKER, max(2, per_agency[a] // CASELOAD))]
            staff += [(Role.GUARDIAN, max(1, per_agency[a] // 200))]
            staff += [(Role.INTERPRETER, max(1, per_agency[a] // 400))]
            if agency.is_child_protection_authority:  # they receive critical alerts (ND-2)
                staff += [(Role.CHILD_PROTECTION_OFFICER, 2)]
            for role, count in staff:
                for k in range(count):
                    users.append(
                        User(
                            username=f"bench-{agency.pk}-{role}-{k + 1}",
                            first_name="Bench",
                            last_name=f"{Role(role).label} {k + 1}",
                            password=unusable,
                        )
                    )
                    plan.append((a, role))
        users = write(User, users)
        summary.users = len(users)
        by_role: dict[tuple[int, str], list[int]] = {}
        for user, (a, role) in zip(users, plan, strict=True):
            by_role.setdefault((a, role), []).append(user.pk)
        write(
            Membership,
            [
                Membership(
                    user_id=user.pk,
                    agency_id=agencies[a].pk,
                    role=role,
                    supervisor_id=None
                    if role == Role.SUPERVISOR
                    else by_role[(a, Role.SUPERVISOR)][0],
                )
                for user, (a, role) in zip(users, plan, strict=True)
            ],
        )
        log(f"  agencies {len(agencies)}, users {len(users)}")

        # Children: most have one case; about 4 % have an earlier, closed case too. The
        # children are drawn, written and let go a chunk at a time, each with all their cases
        # and records, so that memory holds one chunk (a million at once took 16.9 GB).
        n_children = max(1, math.ceil(n_cases / (1 + RETRAFFICKED)))
        # Names from their own stream, so that every other record stays as the seed drew it.
        names_rng = random.Random(seed + 1)
        keys_of: dict[tuple[str, str, bool], tuple[str, list[str]]] = {}
        # Case i < n_children is child i's case; the rest are second cases of distinct
        # children, and then the child's first case is the closed, older one.
        second = rng.sample(range(n_children), n_cases - n_children)
        earlier_closed = set(second)  # the first case of these children is closed
        seconds_in: dict[int, list[int]] = {}  # per chunk: the indices of its second cases
        for i, c in enumerate(second, start=n_children):
            seconds_in.setdefault(c // chunk, []).append(i)
        stages = list(STAGE_WEIGHTS)
        weights = list(STAGE_WEIGHTS.values())
        references = _references(rng, n_cases)
        three_years_ago = now - timedelta(days=3 * 365)
        kinds = list(Interview.Kind.values)
        guardians = _Guardians(random.Random(seed + 3), agencies, by_role)
        write(Guardian, guardians.profiles)
        _tally(summary.protection_rows, "guardians", len(guardians.profiles))
        largest = max(range(len(agencies)), key=lambda a: per_agency[a])
        expected: dict[str, int] = {"cc9.no_case_worker": 0, "cc6.too_many_retellings": 0}

        for lo in range(0, n_children, chunk):
            hi = min(lo + chunk, n_children)
            # A stream of the chunk's own: what a chunk draws never moves the next one's draws
            # (some draws follow from dates relative to now).
            chunk_rng = random.Random(f"{seed}:{lo}")
            # The chunk's cases: each child's first case, then the second cases of its children.
            indices = [*range(lo, hi), *seconds_in.pop(lo // chunk, [])]
            child_of_case = [
                (i if i < n_children else second[i - n_children]) - lo for i in indices
            ]
            agency_of_case = [case_agency[i] for i in indices]

            children = []
            for _ in range(hi - lo):
                age_status = chunk_rng.choices(
                    [AgeStatus.KNOWN, AgeStatus.ESTIMATED, AgeStatus.UNCERTAIN, AgeStatus.DISPUTED],
                    weights=[40, 30, 20, 10],
                )[0]
                birth_date = None
                if age_status != AgeStatus.UNCERTAIN:
                    birth_date = today - timedelta(days=chunk_rng.randint(6 * 365, 17 * 365 + 300))
                    birth_date = min(birth_date, today)
                given_name, family_name, family_first = bench_names.draw(names_rng)
                named = (given_name, family_name, family_first)
                if named not in keys_of:  # as child_create keeps them
                    child = Child(
                        given_name=given_name,
                        family_name=family_name,
                        family_name_first=family_first,
                    )
                    keys_of[named] = (
                        search_key(given_name, family_name),
                        comparison_keys_of(child, []),
                    )
                children.append(
                    Child(
                        given_name=given_name,
                        family_name=family_name,
                        family_name_first=family_first,
                        name_key=keys_of[named][0],
                        sex=chunk_rng.choice(
                            [Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.FEMALE, Sex.UNKNOWN]
                        ),
                        birth_date=birth_date,
                        age_status=age_status,
                        minority_indicators=chunk_rng.random() < 0.3,
                        parental_care=chunk_rng.choice(list(ParentalCare.values)),
                        has_disability=chunk_rng.random() < 0.05,
                    )
                )
            children = write(Child, children)
            write(
                ChildNameKey,
                (
                    ChildNameKey(child_id=child.pk, key=key)
                    for child in children
                    for key in keys_of[
                        (child.given_name, child.family_name, child.family_name_first)
                    ][1]
                ),
            )
            summary.children += len(children)

            cases = []
            for i, c in zip(indices, child_of_case, strict=True):
                if i < n_children and i in earlier_closed:
                    stage = "closed"
                    opened = _between(chunk_rng, three_years_ago, now - timedelta(days=400))
                    changed = _between(chunk_rng, opened, now - timedelta(days=200))
                else:
                    stage = chunk_rng.choices(stages, weights=weights)[0]
                    start = now - timedelta(days=150) if i >= n_children else three_years_ago
                    opened = _between(chunk_rng, start, now - timedelta(hours=1))
                    changed = _between(chunk_rng, opened, now)
                status = chunk_rng.choices(
                    [
                        Case.TraffickingStatus.POSSIBLE,
                        Case.TraffickingStatus.ACTUAL,
                        Case.TraffickingStatus.NOT_A_VICTIM,
                    ],
                    weights=[60, 35, 5],
                )[0]
                cases.append(
                    Case(
                        reference=references[i],
                        child_id=children[c].pk,
                        lead_agency_id=agencies[case_agency[i]].pk,
                        stage=stage,
                        stage_changed_at=changed,
                        opened_at=opened,
                        closed_at=changed if stage == "closed" else None,
                        trafficking_status=status,
                        status_decided_by=""
                        if status == Case.TraffickingStatus.POSSIBLE
                        else chunk_rng.choice(list(Case.StatusDecidedBy.values)),
                    )
                )
            cases = write(Case, cases)
            summary.cases += len(cases)

            # Assignments: one current case worker per open case, except about 2 %.
            assignments = []

            def assign(case: Any, a: int, user_id: int, role: str, **dates: Any) -> None:
                assignments.append(  # noqa: B023 (the chunk's list, used at once)
                    CaseAssignment(
                        case_id=case.pk,
                        agency_id=agencies[a].pk,
                        user_id=user_id,
                        role=role,
                        **dates,
                    )
                )

            for case, a in zip(cases, agency_of_case, strict=True):
                workers = by_role[(a, Role.CASE_WORKER)]
                worker = chunk_rng.choice(workers)
                if case.stage == "closed":
                    assign(
                        case,
                        a,
                        worker,
                        "case_worker",
                        started_at=case.opened_at,
                        ended_at=case.closed_at,
                    )
                    continue
                summary.open_cases += 1
                summary.largest_agency_open_cases += a == largest
                start = case.opened_at
                if chunk_rng.random() < HANDOVER:
                    previous = chunk_rng.choice([w for w in workers if w != worker] or workers)
                    start = _between(chunk_rng, case.opened_at, now)
                    assign(
                        case, a, previous, "case_worker", started_at=case.opened_at, ended_at=start
                    )
                if chunk_rng.random() < NO_CASE_WORKER:
                    expected["cc9.no_case_worker"] += 1
                else:
                    assign(case, a, worker, "case_worker", started_at=start)
                for role, share in (("guardian", 0.3), ("interpreter", 0.15)):
                    if chunk_rng.random() < share:
                        user_id = chunk_rng.choice(by_role[(a, role)])
                        assign(
                            case,
                            a,
                            user_id,
                            role,
                            started_at=_between(chunk_rng, case.opened_at, now),
                        )
            write(CaseAssignment, assignments)
            summary.assignments += len(assignments)

            # Interviews: 0-6 per child, on the child's latest case; about 5 % of children
            # above the retelling threshold.
            latest: dict[int, Case] = {}
            for case, c in zip(cases, child_of_case, strict=True):
                latest[c] = case  # later cases come later in the list
            interviews = []
            told_by_child: list[int] = []
            for c in range(len(children)):
                if chunk_rng.random() < ABOVE_THRESHOLD:
                    told = chunk_rng.randint(threshold + 1, max(MAX_INTERVIEWS, threshold + 1))
                else:
                    told = chunk_rng.randint(0, min(threshold, MAX_INTERVIEWS))
                not_told = (
                    chunk_rng.randint(0, max(0, MAX_INTERVIEWS - told))
                    if chunk_rng.random() < 0.3
                    else 0
                )
                told_by_child.append(told)
                case = latest[c]
                for k in range(told + not_told):
                    interviews.append(
                        Interview(
                            case_id=case.pk,
                            kind=chunk_rng.choice(kinds),
                            conducted_at=_between(chunk_rng, case.opened_at, now),
                            interviewer=f"Bench Interviewer {chunk_rng.randint(1, 300)}",
                            interviewer_agency=chunk_rng.choice(
                                ["", "Bench Police", "Bench Clinic"]
                            ),
                            duration_minutes=chunk_rng.randint(15, 120),
                            child_told_story=k < told,
                        )
                    )
            write(Interview, interviews)
            summary.interviews += len(interviews)
            summary.children_above_threshold += sum(1 for n in told_by_child if n > threshold)
            expected["cc6.too_many_retellings"] += sum(
                1
                for case, c in zip(cases, child_of_case, strict=True)
                if case.stage != "closed" and told_by_child[c] > threshold
            )

            # The chunk's other records, drawn after its cases, assignments and interviews.
            drawn = [
                _protection(
                    chunk_rng,
                    cases,
                    children,
                    child_of_case,
                    agency_of_case,
                    by_role,
                    guardians,
                    summary,
                ),
                _justice(chunk_rng, cases, agency_of_case, summary),
                _reintegration(
                    chunk_rng,
                    cases,
                    agency_of_case,
                    {c.pk: c.birth_date for c in children},
                    summary,
                ),
            ]
            for counts in drawn:
                for code, n in counts.items():
                    _tally(expected, code, n)
            log(
                f"  children {hi:,} of {n_children:,}, cases {summary.cases:,}"
                f" ({time.perf_counter() - started:.0f} s)"
            )

        _episodes()
        log(
            f"  agencies {len(agencies)}, users {len(users)}, assignments {summary.assignments}, "
            f"interviews {summary.interviews}\n  protection {summary.protection_rows}\n"
            f"  justice {summary.justice_rows}\n  reintegration {summary.reintegration_rows}"
        )
        # Drawn last from a stream of their own, over the rows written.
        for code, n in _first_steps(seed, summary, log).items():
            _tally(expected, code, n)

    # What the safeguard rules must find (computed here, independently of the rules).
    summary.expected_alerts = expected
    summary.open_without_case_worker = expected["cc9.no_case_worker"]
    summary.largest_agency_id = agencies[largest].pk
    summary.supervisor_id = by_role[(largest, Role.SUPERVISOR)][0]
    summary.seconds = time.perf_counter() - started
    return summary


# Protection and support (`_protection`). Shares of the open cases unless said otherwise.
PRESUMED = 0.93  # screened and presumed a victim: the PS-1 and PS-5 clocks start
REOPENED = 0.02  # closed once and reopened: a new episode, earlier records do not count (RR-6)
NO_SESSION = 0.05  # identified, but never told about their rights in this episode (PS-5)
NO_WRITTEN_COPY = 0.03  # told, but nothing left in writing (PS-5)
STAGE_SESSION = 0.93  # past identification and told again at the current stage (PS-5)
GUARDIAN_MISSING = 0.07  # deprived of parental care, identified, no current guardian (PS-1)
PLACED = 0.80  # a current placement
DETAINED = 0.005  # of the placed: police cell or immigration detention (ND-2)
SHELTER_OVERDUE = 0.03  # of the shelters: review date passed (ND-3)
NO_BID = 0.06  # of the decided placements: no best-interests determination yet (CC-1)
URGENT_CARE = 0.03  # of medical care: given urgently without consent (PS-4)
CONSENT_ENDED = 0.06  # of medical care: its consent was withdrawn or has expired (PS-4)
NEEDS_ASSESSED = 0.75  # a needs assessment (PS-7)
NEED_UNADDRESSED = 0.15  # of the special needs found: no service for it (CC-5)
RESTRICTED = 0.08  # of the shelters and closed placements: a restriction (ND-4)
CHARGED = 0.03  # a charge against the child (ND-1)
PLACEMENT_TYPES = {
    "open_shelter": 58,
    "family": 14,
    "kinship": 9,
    "foster": 7,
    "independent": 4,
    "closed_shelter": 3,
    "hospital": 2,
}
SERVICE_TYPES = {
    "Accommodation": 14,
    "Health": 20,
    "Psychological": 15,
    "SocialCare": 10,
    "Legal": 10,
    "Education": 10,
    "Livelihood": 9,
    "Financial": 3,
    "RightsBasedTraining": 3,
    "FamilyTracing": 4,
    "Other": 2,
}
SERVICE_STATUSES = {
    "offered": 10,
    "planned": 25,
    "in_progress": 35,
    "completed": 22,
    "declined": 4,
    "not_delivered": 4,
}
OTHER_PURPOSES = (
    "interview",
    "information_sharing",
    "psychological_support",
    "legal_participation",
    "research",
)
LANGUAGES = ("th", "km", "id", "tl", "vi", "ms", "my", "lo")


class _Guardians:
    """Per agency, the guardians who take children: a profile for every guardian user, then
    volunteers recorded by the agency as appointments need them, each up to a caseload drawn
    below the ceiling. Kept across the chunks of children, so that the loads stay as drawn."""

    def __init__(
        self,
        rng: random.Random,
        agencies: list[Any],
        by_role: dict[tuple[int, str], list[int]],
    ) -> None:
        from django.conf import settings

        from haven.accounts.roles import Role
        from haven.protection.models import Guardian

        self.rng, self.agencies, self.model = rng, agencies, Guardian
        self.ceiling = settings.HAVEN_GUARDIAN_CASELOAD_CEILING
        self.pool: list[list[list[Any]]] = [  # per agency: [guardian, current load, its cap]
            [
                [Guardian(agency_id=agency.pk, user_id=uid), 0, rng.randint(8, self.ceiling - 1)]
                for uid in by_role[(a, Role.GUARDIAN)]
            ]
            for a, agency in enumerate(agencies)
        ]
        self.filling = [0] * len(agencies)  # per agency: the guardian now taking children
        # The guardian users' profiles, to be written before any appointment.
        self.profiles = [entry[0] for entries in self.pool for entry in entries]

    def take(self, a: int, current: bool, new: list[Any]) -> Any:
        """A guardian of agency `a` for an appointment; a volunteer added is appended to `new`,
        to be written with the appointments that name them."""
        entries = self.pool[a]
        if not current:
            return self.rng.choice(entries)[0]
        # Guardian users first, in turn, each up to their cap; then a new volunteer.
        filling = self.filling
        while filling[a] < len(entries) and entries[filling[a]][1] >= entries[filling[a]][2]:
            filling[a] += 1
        if filling[a] == len(entries):
            g = self.model(
                agency_id=self.agencies[a].pk,
                name=f"Bench Guardian {a + 1}-{len(entries) + 1}",
                organisation=f"Bench Guardianship Service {a + 1}",
            )
            new.append(g)
            entries.append([g, 0, self.rng.randint(8, self.ceiling - 1)])
        entries[filling[a]][1] += 1
        return entries[filling[a]][0]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _protection(
    rng: random.Random,
    cases: list[Any],
    children: list[Any],
    child_of_case: list[int],
    case_agency: list[int],
    by_role: dict[tuple[int, str], list[int]],
    guardians: "_Guardians",
    summary: Summary,
) -> dict[str, int]:
    """Screenings, stage changes and the protection and support records of the cases; returns
    the alerts the PS-, CC- and ND- rules must find, worked out here from the rows written."""
    from django.conf import settings
    from django.utils import timezone

    from haven.accounts.roles import Role
    from haven.cases.models import Case, StageChange
    from haven.children.age import age_on, years_before
    from haven.children.models import DEPRIVED_OF_PARENTAL_CARE
    from haven.consent.models import (
        CHECKLIST_KEYS,
        ChildAnswer,
        Consent,
        InformationSession,
        Representative,
        RepresentativeAnswer,
    )
    from haven.consent.services import grants_consent
    from haven.identification.codes import Outcome
    from haven.identification.models import Screening
    from haven.placements.models import (
        OPEN_CHARGE_STATUSES,
        SHELTERS,
        Charge,
        FamilyContact,
        LibertyChallenge,
        Placement,
        PlacementReview,
        Restriction,
        effective_liberty,
        needs_determination,
        needs_review,
    )
    from haven.protection.models import (
        CONSENT_NEEDED,
        Decision,
        Guardian,
        GuardianAppointment,
        NeedsAssessment,
        NeedsFinding,
        Service,
    )
    from haven.protection.services import VERY_YOUNG_AGE

    now = timezone.now()
    today = timezone.localdate()
    long_ago = datetime(1990, 1, 1, tzinfo=now.tzinfo)
    info_due = now - timedelta(hours=settings.HAVEN_INFORMATION_DUE_HOURS)
    guardian_due = now - timedelta(hours=settings.HAVEN_GUARDIAN_DUE_HOURS)

    def off_the_edges(at: datetime, earliest: datetime, latest: datetime) -> datetime:
        """An identification kept a day away from the PS-1 and PS-5 deadlines (as the justice
        data keep theirs from VW-6's), moved earlier where the episode allows, else later: a
        sweep run minutes after the data are made would otherwise find a breach more than was
        planted. Draws nothing, so every later record stays as the seed drew it."""
        day_ = timedelta(days=1)
        for edge in (info_due, guardian_due):  # four days apart: a move lands off both
            lo, hi = edge - day_, edge + day_
            if lo <= at <= hi:
                if lo - day_ >= earliest:
                    at = lo - (hi - at) / 2
                elif hi + day_ <= latest:
                    at = hi + (at - lo) / 2
        return at

    teen_cutoff = years_before(today, 15)  # CC-11's older teenager
    later_stages = ("protection", "recovery", "follow_up")
    previous_stage = {"protection": "identification", "recovery": "protection"}
    previous_stage["follow_up"] = "recovery"
    going_ahead = ("planned", "in_progress", "completed")
    active = ("planned", "in_progress")
    open_charge = set(OPEN_CHARGE_STATUSES)
    procedures = {"examination": 40, "testing": 20, "treatment": 25, "other": 15}

    def day(moment: datetime) -> date:
        return timezone.localtime(moment).date()

    def between_days(start: date, end: date) -> date:
        # One draw whatever the span (randint's draws vary with it), so that the same seed
        # gives the same data on another day.
        return start + timedelta(days=int(rng.random() * (max((end - start).days, 0) + 1)))

    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "stage_changes",
            "screenings",
            "information_sessions",
            "decisions",
            "guardians",
            "guardian_appointments",
            "needs_assessments",
            "needs_findings",
            "services",
            "consents",
            "placements",
            "placement_reviews",
            "restrictions",
            "family_contacts",
            "charges",
            "liberty_challenges",
        )
    }
    expected = {
        code: 0
        for code in (
            "ps1.guardian_overdue",
            "ps4.care_without_consent",
            "ps4.urgent_care_needs_bid",
            "cc5.special_needs_unaddressed",
            "cc11.education_offered",
            "ps5.no_information",
            "ps5.no_written_copy",
            "ps5.inform_at_stage",
            "nd2.child_detained",
            "nd3.shelter_review_overdue",
            "nd4.restriction_unjustified",
            "nd4.restriction_review_overdue",
            "nd1.non_punishment",
            "nd5.no_legal_assistance",
            "cc1.placement_needs_bid",
        )
    }

    def guardian_for(a: int, current: bool) -> Any:
        return guardians.take(a, current, rows["guardians"])

    def session(case: Any, at: datetime, stage: str, written: bool, rights: bool) -> None:
        topics = ["status", "rights", "services", "next_steps"] if rights else ["next_steps"]
        if stage != "identification":
            topics = ["next_steps", "services", "legal_process"] + (["rights"] if rights else [])
        rows["information_sessions"].append(
            InformationSession(
                case_id=case.pk,
                given_at=at,
                topics=topics,
                language=rng.choice(LANGUAGES),
                formats=["verbal", "written"] if written else ["verbal"],
                given_by=f"Bench Case Worker {rng.randint(1, 300)}",
                written_copy_left=written,
                stage=stage,
                covers_rights="rights" in topics,
            )
        )

    def service(case: Any, type_: str, status: str, start: date, **extra: Any) -> Any:
        s = Service(
            case_id=case.pk,
            type=type_,
            provider=f"Bench {type_} Provider {rng.randint(1, 40)}",
            start_on=start,
            end_on=between_days(start, today) if status == "completed" else None,
            status=status,
            not_delivered_reason=rng.choice(["not_available", "no_longer_needed", "child_moved"])
            if status == "not_delivered"
            else "",
            **extra,
        )
        rows["services"].append(s)
        return s

    def consent(case: Any, child: Any, worker: int, purpose: str, given: date, how: str) -> bool:
        """One consent conversation; `how` is granted, refused, withdrawn or expired. Returns
        whether it is in force today."""
        child_age = age_on(child.birth_date, given) if child.birth_date else None
        rep, rep_answer = Representative.NONE, ""
        if child_age is None or child_age < settings.HAVEN_CHILD_CONSENT_AGE:
            deprived = child.parental_care in DEPRIVED_OF_PARENTAL_CARE
            rep = Representative.GUARDIAN if deprived else Representative.PARENT
            rep_answer = RepresentativeAnswer.CONSENTS
        answer = ChildAnswer.REFUSES if how == "refused" else ChildAnswer.AGREES
        grants = grants_consent(
            child_answer=answer,
            child_age=child_age,
            representative=rep,
            representative_answer=rep_answer,
        )
        expires = None
        later = rng.random() < 0.3
        if how == "expired" and given < today:
            expires = between_days(given, today - timedelta(days=1))
        elif later:
            expires = today + timedelta(days=rng.randint(30, 365))
        withdrawn = None
        if how == "withdrawn" or (how == "expired" and expires is None):
            start = datetime.combine(given, datetime.min.time(), tzinfo=now.tzinfo)
            withdrawn = _between(rng, start, now)
        rows["consents"].append(
            Consent(
                case_id=case.pk,
                purpose=purpose,
                recipients="Bench Partner Agency" if purpose == "information_sharing" else "",
                given_on=given,
                expires_on=expires,
                language=rng.choice(LANGUAGES),
                formats=["verbal", "written"],
                explained_by=f"Bench Case Worker {rng.randint(1, 300)}",
                checklist=list(CHECKLIST_KEYS),
                child_answer=answer,
                child_age=child_age,
                representative=rep,
                representative_answer=rep_answer,
                grants=grants,
                withdrawn_at=withdrawn,
                withdrawn_by="the child" if withdrawn else "",
                recorded_by_id=worker,
            )
        )
        return grants and withdrawn is None and (expires is None or expires >= today)

    def decision(case: Any, worker: int, kind: str, subject: str, on: date) -> Any:
        d = Decision(
            case_id=case.pk, kind=kind, subject=subject, decided_on=on, decided_by_id=worker
        )
        rows["decisions"].append(d)
        return d

    def legal_assistance(services: list[Any]) -> bool:
        return any(
            s.type == "Legal" and s.recipient == "child" and s.status in going_ahead
            for s in services
        )

    def livelihood_only(services: list[Any]) -> bool:
        """An older teenager's plan with work or training but no education (CC-11)."""
        child_services = [s for s in services if s.recipient == "child"]
        return any(
            s.type == "Livelihood" and s.status != "not_delivered" for s in child_services
        ) and not any(s.type == "Education" for s in child_services)

    for i, case in enumerate(cases):
        a = case_agency[i]
        child = children[child_of_case[i]]
        worker = rng.choice(by_role[(a, Role.CASE_WORKER)])
        opened_day = day(case.opened_at)
        deprived = child.parental_care in DEPRIVED_OF_PARENTAL_CARE

        if case.stage == "closed":
            # The history of a closed case: screened, told, placed for a while, then closed.
            rows["stage_changes"].append(
                StageChange(
                    case_id=case.pk,
                    from_stage=rng.choice(later_stages),
                    to_stage="closed",
                    changed_at=case.closed_at,
                    changed_by_id=worker,
                )
            )
            screened = _between(
                rng, case.opened_at, min(case.opened_at + timedelta(days=10), case.closed_at)
            )
            rows["screenings"].append(
                Screening(
                    case_id=case.pk,
                    screened_at=screened,
                    screened_by_id=worker,
                    outcome=Outcome.PRESUMED_VICTIM,
                )
            )
            session(case, _between(rng, screened, case.closed_at), "identification", True, True)
            closed_day = day(case.closed_at)
            if rng.random() < 0.7 and opened_day < closed_day:
                rows["placements"].append(
                    Placement(
                        case_id=case.pk,
                        type=rng.choice(["open_shelter", "family", "kinship"]),
                        start_on=between_days(opened_day, closed_day - timedelta(days=1)),
                        end_on=closed_day,
                        end_reason="Case closed",
                    )
                )
            if deprived and rng.random() < 0.5:
                rows["guardian_appointments"].append(
                    GuardianAppointment(
                        case_id=case.pk,
                        guardian=guardian_for(a, current=False),
                        appointed_on=between_days(opened_day, closed_day),
                        appointed_by="Bench District Court",
                        ended_on=closed_day,
                    )
                )
            continue

        # --- an open case: its episode, screenings and stage changes.
        stage, changed = case.stage, case.stage_changed_at
        reopened_at = None
        if rng.random() < REOPENED:
            reopened_at = (
                changed if stage == "identification" else _between(rng, case.opened_at, changed)
            )
            closed_at = _between(rng, case.opened_at, reopened_at)
            rows["stage_changes"].append(
                StageChange(
                    case_id=case.pk,
                    from_stage="protection",
                    to_stage="closed",
                    changed_at=closed_at,
                    changed_by_id=worker,
                )
            )
            rows["stage_changes"].append(
                StageChange(
                    case_id=case.pk,
                    from_stage="closed",
                    to_stage="identification",
                    changed_at=reopened_at,
                    changed_by_id=worker,
                )
            )
            earlier = _between(rng, case.opened_at, closed_at)
            rows["screenings"].append(
                Screening(
                    case_id=case.pk,
                    screened_at=earlier,
                    screened_by_id=worker,
                    outcome=Outcome.PRESUMED_VICTIM,
                )
            )
            session(case, _between(rng, earlier, closed_at), "identification", True, True)
        if stage != "identification" and (reopened_at is None or changed > reopened_at):
            rows["stage_changes"].append(
                StageChange(
                    case_id=case.pk,
                    from_stage=previous_stage[stage],
                    to_stage=stage,
                    changed_at=changed,
                    changed_by_id=worker,
                )
            )
        episode = reopened_at or case.opened_at
        episode_start = reopened_at or long_ago
        limit = changed if stage != "identification" and changed > episode else now
        window_end = min(episode + timedelta(days=10), limit)
        identified = None
        if case.trafficking_status == Case.TraffickingStatus.NOT_A_VICTIM:
            outcome = rng.choice([Outcome.NO_CONCERN, Outcome.PRECARIOUS])
            rows["screenings"].append(
                Screening(
                    case_id=case.pk,
                    screened_at=_between(rng, episode, window_end),
                    screened_by_id=worker,
                    outcome=outcome,
                    protection_concerns=outcome == Outcome.PRECARIOUS,
                )
            )
        elif rng.random() < PRESUMED:
            identified = off_the_edges(_between(rng, episode, window_end), episode, window_end)
            if rng.random() < 0.15:  # a first, inconclusive screening
                rows["screenings"].append(
                    Screening(
                        case_id=case.pk,
                        screened_at=_between(rng, episode, identified),
                        screened_by_id=worker,
                        outcome=Outcome.INCOMPLETE,
                    )
                )
            rows["screenings"].append(
                Screening(
                    case_id=case.pk,
                    screened_at=identified,
                    screened_by_id=worker,
                    outcome=Outcome.PRESUMED_VICTIM,
                )
            )
        else:
            rows["screenings"].append(
                Screening(
                    case_id=case.pk,
                    screened_at=_between(rng, episode, window_end),
                    screened_by_id=worker,
                    outcome=Outcome.INCOMPLETE,
                )
            )

        # --- information sessions (PS-5).
        sessions: list[tuple[datetime, bool]] = []  # of this episode
        nothing_written = rng.random() < NO_WRITTEN_COPY
        if identified is not None:
            if rng.random() >= NO_SESSION:
                at = _between(rng, identified, min(identified + timedelta(hours=48), now))
                sessions.append((at, not nothing_written))
                session(case, at, "identification", not nothing_written, rng.random() < 0.9)
            if stage in later_stages and rng.random() < STAGE_SESSION:
                at = _between(rng, changed, min(changed + timedelta(days=5), now))
                written = not nothing_written and rng.random() < 0.9
                sessions.append((at, written))
                session(case, at, stage, written, rng.random() < 0.3)
        elif rng.random() < 0.5:
            at = _between(rng, episode, now)
            sessions.append((at, not nothing_written))
            session(case, at, "identification", not nothing_written, True)
        given_since = [at for at, _w in sessions if at >= episode_start]
        if identified is not None and identified < info_due and not given_since:
            expected["ps5.no_information"] += 1
        if given_since and not any(w for at, w in sessions if at >= episode_start):
            expected["ps5.no_written_copy"] += 1
        if (
            stage in later_stages
            and identified is not None
            and identified < changed
            and not any(at >= changed for at, _w in sessions)
        ):
            expected["ps5.inform_at_stage"] += 1

        # --- a guardian for a child deprived of parental care (PS-1, PS-2).
        has_guardian = False
        if deprived and (identified is not None or rng.random() < 0.3):
            start = identified or case.opened_at
            if identified is not None and rng.random() < GUARDIAN_MISSING:
                if rng.random() < 0.4:  # there was one; the appointment ended
                    on = between_days(day(start), today)
                    rows["guardian_appointments"].append(
                        GuardianAppointment(
                            case_id=case.pk,
                            guardian=guardian_for(a, current=False),
                            appointed_on=on,
                            appointed_by="Bench District Court",
                            ended_on=between_days(on, today),
                        )
                    )
            else:
                on = day(_between(rng, start, min(start + timedelta(days=6), now)))
                if rng.random() < 0.1 and on < today:  # an earlier guardian was replaced
                    later = between_days(on + timedelta(days=1), today)
                    rows["guardian_appointments"].append(
                        GuardianAppointment(
                            case_id=case.pk,
                            guardian=guardian_for(a, current=False),
                            appointed_on=on,
                            appointed_by="Bench District Court",
                            ended_on=later,
                        )
                    )
                    on = later
                rows["guardian_appointments"].append(
                    GuardianAppointment(
                        case_id=case.pk,
                        guardian=guardian_for(a, current=True),
                        appointed_on=on,
                        appointed_by="Bench District Court",
                    )
                )
                has_guardian = True
        if deprived and identified is not None and identified < guardian_due and not has_guardian:
            expected["ps1.guardian_overdue"] += 1

        # --- where the child lives (ND-2, ND-3, ND-5, CC-1).
        current = None
        if rng.random() < PLACED:
            if rng.random() < DETAINED:
                type_ = rng.choice(
                    ["immigration_detention", "immigration_detention", "police_cell"]
                )
                start = max(opened_day, today - timedelta(days=rng.randint(0, 10)))
            else:
                type_ = _pick(rng, PLACEMENT_TYPES)
                start = between_days(opened_day, today)
            if rng.random() < 0.3 and start > opened_day:  # an earlier placement, ended
                prior = Placement(
                    case_id=case.pk,
                    type=rng.choice(
                        ["open_shelter", "open_shelter", "hospital", "kinship", "foster"]
                    ),
                    start_on=between_days(opened_day, start - timedelta(days=1)),
                    end_on=start,
                    end_reason="Moved",
                )
                rows["placements"].append(prior)
                if prior.type == "open_shelter" and rng.random() < 0.5:
                    rows["placement_reviews"].append(
                        PlacementReview(
                            placement=prior,
                            reviewed_on=between_days(prior.start_on, start),
                            still_in_best_interests=False,
                            reviewed_by_id=worker,
                        )
                    )
            review_on = None
            liberty = effective_liberty(type_)
            if needs_review(type_, liberty):
                review_on = today + timedelta(days=rng.randint(1, 90))
                if rng.random() < SHELTER_OVERDUE and start < today:
                    review_on = between_days(start, today - timedelta(days=1))
            current = Placement(
                case_id=case.pk, type=type_, liberty=liberty, start_on=start, review_on=review_on
            )
            if needs_determination(type_, liberty) and rng.random() >= NO_BID:
                current.decision = decision(
                    case,
                    worker,
                    "bid",
                    "placement",
                    max(opened_day, start - timedelta(days=rng.randint(0, 14))),
                )
            rows["placements"].append(current)
            if type_ in SHELTERS and (today - start).days > 60:
                rows["placement_reviews"].append(
                    PlacementReview(
                        placement=current,
                        reviewed_on=between_days(start + timedelta(days=30), today),
                        still_in_best_interests=rng.random() < 0.9,
                        next_review_on=review_on,
                        reviewed_by_id=worker,
                    )
                )
            if current.is_closed and rng.random() < 0.3:
                lodged = between_days(start, today)
                decided = rng.random() < 0.5 and lodged < today
                rows["liberty_challenges"].append(
                    LibertyChallenge(
                        placement=current,
                        lodged_on=lodged,
                        lodged_with="Bench Juvenile Court",
                        lodged_by=f"Bench Lawyer {rng.randint(1, 50)}",
                        decided_on=between_days(lodged, today) if decided else None,
                        outcome=rng.choice(["released", "upheld"]) if decided else "",
                    )
                )
            if (type_ in SHELTERS or current.is_closed) and rng.random() < RESTRICTED:
                r_start = between_days(start, today)
                r_review = r_start + timedelta(days=rng.randint(14, 90))
                if rng.random() < 0.15 and r_start < today:
                    r_review = between_days(r_start, today - timedelta(days=1))
                restriction = Restriction(
                    case_id=case.pk,
                    placement=current,
                    kind=rng.choice(list(Restriction.Kind.values)),
                    justification="Bench: the child's safety (fictional)"
                    if rng.random() < 0.85
                    else "",
                    decided_by="Bench Shelter Manager",
                    start_on=r_start,
                    review_on=r_review,
                    ended_on=between_days(r_start, today) if rng.random() < 0.15 else None,
                )
                rows["restrictions"].append(restriction)
                if restriction.ended_on is None:
                    expected["nd4.restriction_unjustified"] += restriction.justification == ""
                    expected["nd4.restriction_review_overdue"] += r_review < today
            if type_ != "family" and rng.random() < 0.4:
                rows["family_contacts"].append(
                    FamilyContact(
                        case_id=case.pk,
                        means=rng.choice(list(FamilyContact.Means.values)),
                        frequency=rng.choice(["weekly", "twice a month", "monthly"]),
                        supervised=rng.random() < 0.3,
                        start_on=between_days(start, today),
                        ended_on=None,
                    )
                )

        # --- services (PS-3): 1-4, some for the family.
        services = []
        for _k in range(rng.randint(1, 4)):
            type_ = _pick(rng, SERVICE_TYPES)
            child_recipient = rng.random() < 0.92
            procedure = _pick(rng, procedures) if type_ == "Health" else ""
            purpose = CONSENT_NEEDED.get(procedure, "") if child_recipient else ""
            services.append(
                service(
                    case,
                    type_,
                    _pick(rng, SERVICE_STATUSES),
                    between_days(opened_day, today),
                    recipient="child" if child_recipient else "family",
                    family_member=""
                    if child_recipient
                    else rng.choice(["mother", "father", "older sister"]),
                    health_procedure=procedure,
                    consent_purpose=purpose,
                )
            )

        # --- a charge against the child (ND-1), and legal assistance for some.
        charges = []
        if rng.random() < CHARGED:
            recorded = between_days(opened_day, today)
            raised = rng.random() < 0.5
            charges.append(
                Charge(
                    case_id=case.pk,
                    offence=rng.choice(list(Charge.Offence.values)),
                    authority="Bench Provincial Police",
                    status=rng.choices(list(Charge.Status.values), weights=[30, 20, 10, 5, 25, 10])[
                        0
                    ],
                    recorded_on=recorded,
                    non_punishment_raised_on=between_days(recorded, today) if raised else None,
                    non_punishment_raised_with="Bench Prosecutor" if raised else "",
                )
            )
            rows["charges"] += charges
            if rng.random() < 0.6 and not legal_assistance(services):
                services.append(service(case, "Legal", "in_progress", recorded, recipient="child"))
        if (
            current is not None
            and current.is_closed
            and rng.random() < 0.5
            and not legal_assistance(services)
        ):
            services.append(
                service(case, "Legal", "in_progress", current.start_on, recipient="child")
            )

        # --- needs and strengths (PS-7), and a service for each special need (CC-5).
        if rng.random() < NEEDS_ASSESSED:
            on = between_days(min(opened_day + timedelta(days=7), today), today)
            dates = [on]
            if rng.random() < 0.2 and on > opened_day:
                dates.insert(0, between_days(opened_day, on - timedelta(days=1)))
            needs: list[str] = []
            for assessed in dates:  # the older first, so the latest also has the higher pk
                severe = rng.random() < 0.25
                needs = []
                if child.birth_date and age_on(child.birth_date, assessed) < VERY_YOUNG_AGE:
                    needs.append("very_young")
                if child.has_disability:
                    needs.append("disability")
                if severe:
                    needs.append("severe_harm")
                assessment = NeedsAssessment(
                    case_id=case.pk,
                    assessed_on=assessed,
                    assessed_by_id=worker,
                    severe_harm=severe,
                    special_needs=needs,
                    next_review_on=assessed + timedelta(days=180),
                )
                rows["needs_assessments"].append(assessment)
                for domain in (
                    "physical",
                    "psychological",
                    "social",
                    "legal",
                    "educational",
                    "economic",
                ):
                    rows["needs_findings"].append(
                        NeedsFinding(
                            assessment=assessment,
                            domain=domain,
                            level=rng.choices(["none", "some", "high"], weights=[30, 45, 25])[0],
                        )
                    )
            for need in needs:  # those of the latest assessment
                if rng.random() < NEED_UNADDRESSED:
                    expected["cc5.special_needs_unaddressed"] += 1
                    continue
                free = [
                    s
                    for s in services
                    if not s.special_need and s.status not in ("declined", "not_delivered")
                ]
                if free:
                    rng.choice(free).special_need = need
                else:
                    type_ = "Psychological" if need == "severe_harm" else "SocialCare"
                    services.append(
                        service(
                            case, type_, "in_progress", on, recipient="child", special_need=need
                        )
                    )

        # --- education offered to older teenagers, not only work (CC-11).
        teen = child.birth_date is not None and child.birth_date <= teen_cutoff
        if teen and livelihood_only(services) and rng.random() < 0.75:
            services.append(
                service(
                    case,
                    "Education",
                    rng.choice(["offered", "planned", "in_progress"]),
                    between_days(opened_day, today),
                    recipient="child",
                )
            )
        expected["cc11.education_offered"] += teen and livelihood_only(services)

        # --- consents (CC-3, PS-4): one for each kind of medical care, and 1-2 others.
        in_force: dict[str, bool] = {}
        for s in services:
            if not s.consent_purpose or s.consent_purpose in in_force:
                continue
            if s.status == "declined":
                in_force[s.consent_purpose] = consent(
                    case, child, worker, s.consent_purpose, s.start_on, "refused"
                )
            elif rng.random() < URGENT_CARE:
                s.urgent_reason = "Bench: urgent care to protect the child's health (fictional)"
                if rng.random() < 0.5:
                    s.decision = decision(
                        case,
                        worker,
                        "bid",
                        "medical_without_consent",
                        between_days(s.start_on, today),
                    )
            else:
                ended = rng.random() < CONSENT_ENDED
                how = rng.choice(["withdrawn", "expired"]) if ended else "granted"
                in_force[s.consent_purpose] = consent(
                    case, child, worker, s.consent_purpose, s.start_on, how
                )
        for purpose in rng.sample(OTHER_PURPOSES, rng.randint(1, 2)):
            how = rng.choices(
                ["granted", "refused", "withdrawn", "expired"], weights=[87, 5, 4, 4]
            )[0]
            consent(case, child, worker, purpose, between_days(opened_day, today), how)
        for s in services:
            if not s.consent_purpose or in_force.get(s.consent_purpose):
                continue
            determined = s.decision is not None and s.decision.subject == "medical_without_consent"
            if determined:
                continue
            if s.urgent_reason:
                expected["ps4.urgent_care_needs_bid"] += 1
            elif s.status in active:
                expected["ps4.care_without_consent"] += 1

        # A best-interests assessment about the child's care in general, for some.
        if rng.random() < 0.15:
            decision(case, worker, "bia", "care", between_days(opened_day, today))

        # --- what the placement and charge rules must find.
        assisted = legal_assistance(services)
        if current is not None:
            expected["nd2.child_detained"] += current.is_detention
            expected["nd3.shelter_review_overdue"] += current.is_reviewed and (
                current.review_on is None or current.review_on < today
            )
            expected["nd5.no_legal_assistance"] += current.is_closed and not assisted
            expected["cc1.placement_needs_bid"] += (
                needs_determination(current.type, current.liberty) and current.decision is None
            )
        victim = (
            identified is not None or case.trafficking_status != Case.TraffickingStatus.NOT_A_VICTIM
        )
        for c in charges:
            if victim and c.status in open_charge and not (assisted and c.non_punishment_raised_on):
                expected["nd1.non_punishment"] += 1

    # Write, parents before children.
    models = {
        "stage_changes": StageChange,
        "screenings": Screening,
        "information_sessions": InformationSession,
        "decisions": Decision,
        "guardians": Guardian,
        "guardian_appointments": GuardianAppointment,
        "needs_assessments": NeedsAssessment,
        "needs_findings": NeedsFinding,
        "services": Service,
        "consents": Consent,
        "placements": Placement,
        "placement_reviews": PlacementReview,
        "restrictions": Restriction,
        "family_contacts": FamilyContact,
        "charges": Charge,
        "liberty_challenges": LibertyChallenge,
    }
    for name, model in models.items():
        write(model, rows[name])
        _tally(summary.protection_rows, name, len(rows[name]))
    return expected


def _episodes() -> None:
    """Each reopened case's episode, as Case.status_changed keeps it."""
    from django.db.models import OuterRef, Subquery

    from haven.cases.models import Case, StageChange

    reopenings = StageChange.objects.filter(from_stage="closed")
    last = reopenings.filter(case_id=OuterRef("pk")).order_by("-changed_at").values("changed_at")
    Case.objects.filter(pk__in=reopenings.values("case_id")).update(
        episode_started_at=Subquery(last[:1])
    )


# Children as victim-witnesses (`_justice`). Shares of all cases unless said otherwise.
IN_PROCEEDING = 0.08  # the child has a part in a proceeding (open or closed case)
SHARED = 0.3  # of the parts: in the agency's latest proceeding (one trafficker, several victims)
PROCEEDING_CLOSED = 0.15  # of the proceedings
ROLE_NONE = 0.1  # of the parts: no part (yet)
DECIDED = 0.45  # of each form of taking part, for a child told about the process: decided
AGREES = 0.75  # of the decisions
ATTENDS = 0.6  # of the hearings of the child's proceeding: the child's attendance is recorded
NO_SUPPORT = 0.15  # of the attendances: no support person recorded (VW-3)
MANY_STATEMENTS = 0.05  # of the parts: every statement interview of the case is linked (VW-5)
NEVER_TOLD = 0.06  # of the parts: no update at all (VW-6)
TOLD_LONG_AGO = 0.06  # of the parts: only updates older than the interval (VW-6)
NEWS_UNTOLD = 0.08  # of the parts with updates: the last one came before the latest news (VW-6)
ASSESSED = 0.5  # of the parts: reprisal risk assessed (VW-7)
HIGH_UNPROTECTED = 0.25  # of the high risks: no protection measure (VW-7)
AUTHORITIES = (
    *(f"Bench Provincial Court {n}" for n in range(1, 13)),
    "Bench Juvenile Court",
    "Bench Labour Court",
    "Bench Immigration Tribunal",
)


@contextmanager
def _created_at_as_given(*models: Any) -> Iterator[None]:
    """`created_at` is `auto_now_add`, which writing would overwrite with now; the justice
    and reintegration rules compare it (VW-6, RR-3), so the rows keep the moments drawn for
    them."""
    fields = [model._meta.get_field("created_at") for model in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _justice(
    rng: random.Random, cases: list[Any], case_agency: list[int], summary: Summary
) -> dict[str, int]:
    """Proceedings, the children's parts in them and everything the VW- alert rules read;
    returns the alerts the rules must find, worked out here from the rows written (in the
    rules' terms: docs in haven/justice/rules.py)."""
    from django.conf import settings
    from django.utils import timezone

    from haven.cases.models import Interview
    from haven.consent.models import InformationSession
    from haven.justice.models import (
        ChildInProceeding,
        ChildRole,
        ChildUpdate,
        EventKind,
        Form,
        Hearing,
        HearingAttendance,
        Measure,
        Participation,
        Proceeding,
        ProceedingEvent,
        ProceedingKind,
        ProceedingStatement,
        ProtectionMeasure,
        ReprisalRisk,
        Stage,
    )

    now = timezone.now()
    today = timezone.localdate()
    interval = timedelta(days=int(getattr(settings, "HAVEN_VW6_UPDATE_DAYS", 30)))
    cutoff = now - interval
    # Nothing is drawn within a day of the interval's end, so the minutes between generating
    # and measuring cannot move a part across it.
    near_lo, near_hi = cutoff - timedelta(days=1), cutoff + timedelta(days=1)
    max_statements = int(getattr(settings, "HAVEN_VW5_MAX_STATEMENTS", 1))
    max_testimonies = int(getattr(settings, "HAVEN_VW5_MAX_TESTIMONIES", 1))
    review_days = 14
    measures = list(Measure.values)
    open_stages = [s for s in Stage.values if s != Stage.CLOSED]

    def moment(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)

    def between_days(start: date, end: date) -> date:
        return start + timedelta(days=int(rng.random() * (max((end - start).days, 0) + 1)))

    def off_the_edge(at: datetime) -> datetime:
        return near_hi + (at - near_lo) / 2 if near_lo <= at <= near_hi else at

    chosen = [i for i in range(len(cases)) if rng.random() < IN_PROCEEDING]
    ids = [cases[i].pk for i in chosen]
    sessions: dict[int, int] = {}
    told: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for case_id, pk in InformationSession.objects.filter(case_id__in=chunk).values_list(
            "case_id", "pk"
        ):
            sessions.setdefault(case_id, pk)
        for pk, case_id, kind in (
            Interview.objects.filter(case_id__in=chunk, kind__in=Interview.PROCEEDINGS)
            .order_by("conducted_at", "pk")
            .values_list("pk", "case_id", "kind")
        ):
            told.setdefault(case_id, []).append((pk, kind))

    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "proceedings",
            "hearings",
            "events",
            "parts",
            "participations",
            "attendances",
            "statements",
            "updates",
            "risks",
        )
    }
    latest: dict[int, Any] = {}  # per agency: its latest proceeding and its children
    members: dict[int, int] = {}  # id(proceeding) -> children in it
    hearings_of: dict[int, list[Any]] = {}
    events_of: dict[int, list[Any]] = {}
    expected = dict.fromkeys(
        (
            "vw3.no_support_person",
            "vw5.too_many_statements",
            "vw6.no_recent_update",
            "vw6.inform_the_child",
            "vw7.high_risk_unprotected",
            "vw7.risk_review_due",
        ),
        0,
    )

    for i in chosen:
        case = cases[i]
        a = case_agency[i]
        opened_day = timezone.localtime(case.opened_at).date()
        proceeding = latest.get(a)
        if proceeding is None or members[id(proceeding)] >= 3 or rng.random() >= SHARED:
            closed = rng.random() < PROCEEDING_CLOSED
            opened_on = between_days(opened_day, today)
            proceeding = Proceeding(
                kind=rng.choices(list(ProceedingKind.values), weights=[70, 10, 12, 8])[0],
                authority=rng.choice(AUTHORITIES),
                reference=f"Bench {rng.randint(1, 9999)}/{opened_on.year}",
                stage=Stage.CLOSED if closed else rng.choice(open_stages),
                opened_on=opened_on,
                closed_on=between_days(opened_on, today) if closed else None,
                created_at=off_the_edge(_between(rng, moment(opened_on), now)),
            )
            rows["proceedings"].append(proceeding)
            latest[a], members[id(proceeding)] = proceeding, 0
            hearings_of[id(proceeding)], events_of[id(proceeding)] = [], []
            for _h in range(rng.randint(0, 3)):
                when = rng.choices(["past", "near", "later"], weights=[50, 25, 25])[0]
                if when == "past" and opened_on < today:
                    held = between_days(opened_on, today - timedelta(days=1))
                elif when == "near":
                    held = today + timedelta(days=rng.randint(0, review_days))
                else:
                    held = today + timedelta(days=rng.randint(review_days + 1, 120))
                set_at = _between(rng, moment(opened_on), min(now, moment(held)))
                hearing = Hearing(
                    proceeding=proceeding,
                    held_on=held,
                    purpose="Bench hearing",
                    created_at=off_the_edge(set_at),
                )
                rows["hearings"].append(hearing)
                hearings_of[id(proceeding)].append(hearing)
            if rng.random() < 0.35:
                occurred = between_days(opened_on, today)
                event = ProceedingEvent(
                    proceeding=proceeding,
                    kind=rng.choice(list(EventKind.values)),
                    occurred_on=occurred,
                    created_at=off_the_edge(
                        min(now, moment(occurred) + timedelta(hours=rng.uniform(8, 40)))
                    ),
                )
                rows["events"].append(event)
                events_of[id(proceeding)].append(event)
        members[id(proceeding)] += 1
        hearings = hearings_of[id(proceeding)]
        events = events_of[id(proceeding)]
        joined = off_the_edge(_between(rng, max(case.opened_at, moment(proceeding.opened_on)), now))
        joined_day = timezone.localtime(joined).date()
        part = ChildInProceeding(
            case_id=case.pk,
            proceeding=proceeding,
            role=ChildRole.NONE
            if rng.random() < ROLE_NONE
            else rng.choice([ChildRole.WITNESS, ChildRole.COMPLAINANT, ChildRole.CLAIMANT]),
            created_at=joined,
        )
        rows["parts"].append(part)

        # The child's decisions, one per form at most, for a child told about the process.
        agreed: set[str] = set()
        if case.pk in sessions:
            for form in Form.values:
                if rng.random() >= DECIDED:
                    continue
                choice = "agrees" if rng.random() < AGREES else "declines"
                agreed |= {form} if choice == "agrees" else set()
                rows["participations"].append(
                    Participation(
                        child_in_proceeding=part,
                        form=form,
                        choice=choice,
                        decided_on=between_days(joined_day, today),
                        information_session_id=sessions[case.pk],
                        retraumatisation_risk=rng.choice(["low", "medium", "high"]),
                        intimidation_risk=rng.choice(["low", "medium", "high"]),
                        reprisal_risk=rng.choice(["low", "medium", "high"]),
                    )
                )

        # Attendance at hearings, with a support person and the measures (VW-3, VW-4).
        attended: dict[int, Any] = {}
        for hearing in hearings:
            if rng.random() >= ATTENDS:
                continue
            requested = rng.sample(measures, rng.randint(0, 4))
            granted = [m for m in requested if rng.random() < 0.7]
            applied = [m for m in granted if rng.random() < 0.85]
            supported = rng.random() >= NO_SUPPORT
            attendance = HearingAttendance(
                child_in_proceeding=part,
                hearing=hearing,
                testifies=Form.TESTIMONY in agreed and rng.random() < 0.7,
                support_name=f"Bench Support Person {rng.randint(1, 400)}" if supported else "",
                support_relation="Caregiver at the shelter" if supported else "",
                requested=sorted(requested),
                granted=sorted(granted),
                applied=sorted(applied),
            )
            rows["attendances"].append(attendance)
            attended[id(hearing)] = attendance

        # Statements: the case's statement and testimony interviews, one of each form linked,
        # or every one of them for a few children (VW-5). One part per case, so each interview
        # is linked at most once.
        linked = told.get(case.pk, [])
        if rng.random() >= MANY_STATEMENTS:
            seen: set[str] = set()
            kept = []
            for pk, kind in linked:
                form = Form.STATEMENT if kind == Interview.Kind.STATEMENT else Form.TESTIMONY
                if form not in seen:
                    seen.add(form)
                    kept.append((pk, kind))
            linked = kept
        for pk, _kind in linked:
            rows["statements"].append(
                ProceedingStatement(child_in_proceeding=part, interview_id=pk)
            )
        statements = sum(1 for _pk, kind in linked if kind == Interview.Kind.STATEMENT)
        testimonies = len(linked) - statements

        # Updates to the child (VW-6).
        news = [h.created_at for h in hearings] + [e.created_at for e in events]
        given: list[datetime] = []
        pattern = rng.random()
        if pattern < NEVER_TOLD:
            pass
        elif pattern < NEVER_TOLD + TOLD_LONG_AGO:
            if joined < near_lo:
                given = sorted(_between(rng, joined, near_lo) for _u in range(rng.randint(1, 2)))
        else:
            last_news = max(news, default=joined)
            start = max(joined, near_hi)
            if news and rng.random() < NEWS_UNTOLD and start < last_news:
                start = max(joined, near_hi)
                given = [_between(rng, start, last_news - timedelta(minutes=1))]
            else:
                given = [_between(rng, max(start, last_news), now)]
            if rng.random() < 0.5 and joined < near_lo:
                given.insert(0, _between(rng, joined, near_lo))
        for at in given:
            written = min(now, at + timedelta(minutes=rng.uniform(1, 90)))
            rows["updates"].append(
                ChildUpdate(
                    child_in_proceeding=part,
                    given_at=at,
                    given_by=f"Bench Case Worker {rng.randint(1, 300)}",
                    language=rng.choice(LANGUAGES),
                    created_at=written,
                )
            )

        # Reprisal risk (VW-7): one or two assessments on different days.
        risks: list[Any] = []
        if rng.random() < ASSESSED:
            span = (today - joined_day).days
            days = sorted(rng.sample(range(span + 1), min(span + 1, rng.randint(1, 2))))
            for d in days:
                level = rng.choices(["low", "medium", "high"], weights=[50, 35, 15])[0]
                protected = level != "high" or rng.random() >= HIGH_UNPROTECTED
                chosen_measures = (
                    rng.sample(list(ProtectionMeasure.values), rng.randint(1, 2))
                    if protected and (level == "high" or rng.random() < 0.3)
                    else []
                )
                risk = ReprisalRisk(
                    child_in_proceeding=part,
                    assessed_on=joined_day + timedelta(days=d),
                    level=level,
                    measures=sorted(chosen_measures),
                    threats=rng.random() < 0.2,
                    created_at=now,
                )
                risks.append(risk)
                rows["risks"].append(risk)

        # What the rules must find, in their terms.
        if case.stage == "closed":
            continue
        # One alert per form above its number ("<part>:statement:3"), testimony including
        # cross-examination.
        expected["vw5.too_many_statements"] += (statements > max_statements) + (
            testimonies > max_testimonies
        )
        if proceeding.stage == Stage.CLOSED:
            continue
        takes_part = part.role != ChildRole.NONE
        # As the rule counts: told when an update was given (not when it was written up) in
        # or after the minute the news was recorded.
        last_given = max(given, default=None)
        expected["vw6.inform_the_child"] += sum(
            1
            for at in news
            if last_given is None or last_given < at.replace(second=0, microsecond=0)
        )
        newest = risks[-1] if risks else None
        expected["vw7.high_risk_unprotected"] += (
            newest is not None and newest.level == "high" and not newest.measures
        )
        if not takes_part:
            continue
        for hearing in hearings:
            if hearing.held_on < today:
                continue
            there = attended.get(id(hearing))
            testifies = (there is not None and there.testifies) or bool(
                agreed & {Form.TESTIMONY, Form.CROSS_EXAMINATION}
            )
            if testifies and (there is None or not there.support_name):
                expected["vw3.no_support_person"] += 1
        expected["vw6.no_recent_update"] += (
            last_given < cutoff if last_given is not None else joined < cutoff
        )
        assessed = newest.assessed_on if newest is not None else None
        near = any(today <= h.held_on <= today + timedelta(days=review_days) for h in hearings)
        held = [h.held_on for h in hearings if h.held_on < today]
        turns = [e.occurred_on for e in events if e.kind in (EventKind.RELEASE, EventKind.VERDICT)]
        before_hearing = near and (assessed is None or (bool(held) and assessed < max(held)))
        after_turn = bool(turns) and (assessed is None or assessed < max(turns))
        expected["vw7.risk_review_due"] += before_hearing or after_turn

    models = {
        "proceedings": Proceeding,
        "hearings": Hearing,
        "events": ProceedingEvent,
        "parts": ChildInProceeding,
        "participations": Participation,
        "attendances": HearingAttendance,
        "statements": ProceedingStatement,
        "updates": ChildUpdate,
        "risks": ReprisalRisk,
    }
    dated = (Proceeding, Hearing, ProceedingEvent, ChildInProceeding, ChildUpdate, ReprisalRisk)
    with _created_at_as_given(*dated):
        for name, model in models.items():
            # Parents are written first: their rows' keys are taken when they are written.
            write(model, rows[name])
            _tally(summary.justice_rows, name, len(rows[name]))
    return expected


# Recovery and reintegration (`_reintegration`). Shares of all cases unless said otherwise.
PATHWAY = 0.20  # a pathway decided (RR-1)
PATHWAY_KINDS = {
    "reunification": 35,
    "kinship": 20,
    "family_based": 20,
    "independent": 10,
    "residential": 15,
}
REDECIDED = 0.15  # of the pathways: an earlier one no longer stands
CARRIED_OUT = 0.55  # of the pathways that stand: carried out (RR-2)
DELAYED = 0.3  # of those not carried out: decided more than HAVEN_RR2_PATHWAY_DAYS ago (RR-2)
# Family members recorded, for cases whose pathway is with the family, whose child lives with
# family or relatives, and the others.
MEMBERS_WITH_FAMILY, MEMBERS_AT_HOME, MEMBERS_OTHER = 0.85, 0.6, 0.2
IMPLICATED = 0.04  # of the family members: implicated in the trafficking (RR-3)
RECORDED_AFTER = 0.2  # of those on a pathway with the family: recorded after it (RR-3)
UNADDRESSED = 0.1  # of the pathways with the family and an implicated member: not addressed
ASSESSED_FAMILY = 0.16  # a family assessment, besides every case with a pathway with the family
SAFETY_PLAN = 0.15  # a safety plan (RR-4)
PLAN = 0.15  # a reintegration plan (RR-5)
PLAN_REPLACED = 0.1  # of the plans: an earlier one of the same kind was replaced
MISSED = 0.04  # of the reviews and visits due: not held, and none since (RR-4, RR-5)
TRANSITION = 0.7  # of the cases of a young person 18 within HAVEN_RR8_MONTHS: a transition plan
TRANSITION_EARLY = 0.1  # of the other cases of a child aged 16 or more: a transition plan
RELATIONSHIPS = {
    "mother": 25,
    "father": 18,
    "step_parent": 5,
    "grandparent": 12,
    "sibling": 18,
    "aunt_uncle": 12,
    "other_relative": 6,
    "other": 4,
}
PLAN_SERVICES = (
    "School enrolment",
    "Vocational training",
    "Counselling",
    "Family mediation",
    "Livelihood support for a parent",
    "Peer support group",
    "Health check-ups",
    "Cash transfer",
)


def _reintegration(
    rng: random.Random,
    cases: list[Any],
    case_agency: list[int],
    born: dict[int, date | None],
    summary: Summary,
) -> dict[str, int]:
    """Family members, family assessments, pathways (with their determinations), safety plans,
    reintegration and transition plans with services, reviews and follow-up visits; returns the
    alerts the RR- rules must find, worked out here from the rows written (in the rules' terms:
    docs in haven/reintegration/rules.py). Nothing the rules compare with today falls within a
    day of their thresholds, so a run that crosses midnight finds the same."""
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from haven.accounts.models import Membership
    from haven.accounts.roles import Role
    from haven.children.age import years_before
    from haven.decisions.models import Decision
    from haven.placements.models import Placement
    from haven.reintegration.models import (
        WITH_FAMILY,
        Capacity,
        FamilyAssessment,
        FamilyMember,
        Finding,
        FollowUpVisit,
        Level,
        Pathway,
        PlanKind,
        PlanReview,
        PlanService,
        ReintegrationPlan,
        RiskSource,
        SafetyPlan,
        ServiceStatus,
    )
    from haven.reintegration.rules import turning_eighteen_on_or_before

    now = timezone.now()
    today = timezone.localdate()
    one_day = timedelta(days=1)
    # RR-2: a pathway decided before `due` and not carried out is waiting too long.
    due = today - timedelta(days=int(getattr(settings, "HAVEN_RR2_PATHWAY_DAYS", 90)))
    # RR-8: a child born on or before `adult_by` is 18 within the months set, or already.
    months = int(getattr(settings, "HAVEN_RR8_MONTHS", 6))
    adult_by = turning_eighteen_on_or_before(today + timedelta(days=round(months * 30.44)))
    sixteen = years_before(today, 16)

    def moment(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)

    def between_days(start: date, end: date) -> date:
        return start + timedelta(days=int(rng.random() * (max((end - start).days, 0) + 1)))

    def gap(lo: int, hi: int) -> timedelta:
        return timedelta(days=lo + int(rng.random() * (hi - lo + 1)))

    def cycle(
        start: date, first_due: date, end: date, lo: int, hi: int
    ) -> tuple[list[tuple[date, date]], date]:
        """Reviews (or visits) held around their date, each setting the next one lo-hi days
        later, until one is due after `end` or one is missed. Returns the (held on, next by)
        pairs and the date still due, never within a day of `end`."""
        pairs: list[tuple[date, date]] = []
        last, when = start, first_due
        while when <= end + one_day:
            if when <= end - 2 * one_day and rng.random() < MISSED:
                break
            held = min(max(when + timedelta(days=int(rng.random() * 15) - 7), last + one_day), end)
            if held <= last:
                break
            pairs.append((held, held + gap(lo, hi)))
            last, when = held, pairs[-1][1]
        if end - one_day <= when <= end + one_day:
            when = end + 2 * one_day
        if pairs:
            pairs[-1] = (pairs[-1][0], when)
        return pairs, when

    workers: dict[int, list[int]] = {}
    for agency_id, user_id in (
        Membership.objects.filter(role=Role.CASE_WORKER)
        .order_by("pk")
        .values_list("agency_id", "user_id")
    ):
        workers.setdefault(agency_id, []).append(user_id)
    # Children living with their family or relatives today (RR-3), as `_protection` placed them;
    # the cases' keys were taken in order, so a range holds these cases and no others.
    at_home = set(
        Placement.objects.filter(case_id__gte=cases[0].pk, case_id__lte=cases[-1].pk)
        .filter(type__in=("family", "kinship"), start_on__lte=today)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=today))
        .values_list("case_id", flat=True)
    )

    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "decisions",
            "family_members",
            "family_assessments",
            "pathways",
            "safety_plans",
            "reintegration_plans",
            "transition_plans",
            "plan_services",
            "plan_reviews",
            "follow_up_visits",
        )
    }
    expected = dict.fromkeys(
        (
            "rr3.with_implicated_family",
            "rr2.pathway_not_carried_out",
            "rr4.safety_review_overdue",
            "rr5.plan_review_overdue",
            "rr5.follow_up_overdue",
            "rr8.transition_plan_needed",
        ),
        0,
    )

    def plan(
        case: Any, provider: str, members: list[Any], kind: str, since: date, end: date
    ) -> tuple[date, date]:
        """A plan that stands, with services, reviews and follow-up visits, and an earlier,
        replaced plan of the same kind for some; returns the dates of its next review and visit
        (RR-5)."""
        name = f"{kind}_plans"  # reintegration_plans, transition_plans
        opened_day = timezone.localtime(case.opened_at).date()
        agreed = between_days(max(opened_day, since), end)
        if rng.random() < PLAN_REPLACED and agreed > opened_day:
            before = between_days(opened_day, agreed - one_day)
            rows[name].append(  # its dates may have passed long ago: it no longer counts
                ReintegrationPlan(
                    case_id=case.pk,
                    kind=kind,
                    agreed_on=before,
                    review_on=before + gap(14, 60),
                    first_visit_on=before + gap(7, 30),
                )
            )
        first_review, first_visit = agreed + gap(30, 90), agreed + gap(7, 30)
        reviews, review_on = cycle(agreed, first_review, end, 30, 90)
        visits, visit_on = cycle(agreed, first_visit, end, 21, 60)
        current = ReintegrationPlan(
            case_id=case.pk,
            kind=kind,
            agreed_on=agreed,
            review_on=first_review if reviews else review_on,
            first_visit_on=first_visit if visits else visit_on,
        )
        rows[name].append(current)
        for held, by in reviews:
            rows["plan_reviews"].append(
                PlanReview(plan=current, reviewed_on=held, next_review_on=by)
            )
        for held, by in visits:
            rows["follow_up_visits"].append(
                FollowUpVisit(
                    plan=current,
                    visited_on=held,
                    visited_by=f"Bench Case Worker {rng.randint(1, 300)}",
                    next_visit_on=by,
                )
            )
        family = [m for m in members if not m.implicated]
        for _k in range(rng.randint(1, 3)):
            rows["plan_services"].append(
                PlanService(
                    plan=current,
                    family_member=rng.choice(family) if family and rng.random() < 0.25 else None,
                    description=rng.choice(PLAN_SERVICES),
                    provider=f"{provider}-{rng.randint(1, 30)}",
                    in_community=rng.random() < 0.85,
                    status=rng.choices(list(ServiceStatus.values), weights=[25, 45, 20, 10])[0],
                )
            )
        return review_on, visit_on

    for i, case in enumerate(cases):
        closed = case.stage == "closed"
        end_at = case.closed_at if closed else now
        end = timezone.localtime(end_at).date()
        opened_day = timezone.localtime(case.opened_at).date()
        worker = rng.choice(workers[case.lead_agency_id])
        home = case.pk in at_home

        # --- the pathway that stands, and an earlier one for some (RR-1, RR-2).
        pathway = None
        if rng.random() < PATHWAY:
            carried = rng.random() < CARRIED_OUT
            if closed or carried or rng.random() >= DELAYED:
                start = opened_day if closed or carried else max(opened_day, due + 2 * one_day)
                decided = between_days(start, end)
            else:
                decided = between_days(opened_day, max(opened_day, due - 2 * one_day))
            if not carried and due - one_day <= decided <= due + one_day:
                decided = due + 2 * one_day
            pathway = Pathway(
                case_id=case.pk,
                kind=_pick(rng, PATHWAY_KINDS),
                decided_on=decided,
                carried_out_on=between_days(decided, end) if carried else None,
                created_at=min(
                    end_at,
                    max(case.opened_at, moment(decided)) + timedelta(hours=rng.uniform(1, 20)),
                ),
            )
            pathways = [pathway]
            if rng.random() < REDECIDED and decided > opened_day:
                before = between_days(opened_day, decided - one_day)
                pathways.insert(
                    0,
                    Pathway(
                        case_id=case.pk,
                        kind=_pick(rng, PATHWAY_KINDS),
                        decided_on=before,
                        carried_out_on=between_days(before, decided)
                        if rng.random() < 0.3
                        else None,
                        created_at=min(
                            pathway.created_at - timedelta(minutes=1),
                            max(case.opened_at, moment(before))
                            + timedelta(hours=rng.uniform(1, 20)),
                        ),
                    ),
                )
            for p in pathways:
                p.decision = Decision(
                    case_id=case.pk,
                    kind="bid",
                    subject="reintegration",
                    decided_on=max(opened_day, p.decided_on - gap(0, 14)),
                    decided_by_id=worker,
                )
                rows["decisions"].append(p.decision)
                rows["pathways"].append(p)
        with_family = pathway is not None and pathway.kind in WITH_FAMILY

        # --- the family (RR-3): members, some implicated in the trafficking.
        members: list[Any] = []
        share = MEMBERS_WITH_FAMILY if with_family else MEMBERS_AT_HOME if home else MEMBERS_OTHER
        if rng.random() < share:
            for _k in range(rng.randint(1, 4)):
                implicated_at = None
                if rng.random() < IMPLICATED:
                    if pathway is not None and with_family:
                        after = rng.random() < RECORDED_AFTER
                        if after and pathway.created_at < end_at - timedelta(hours=1):
                            start_at = pathway.created_at + timedelta(minutes=1)
                            implicated_at = _between(rng, start_at, end_at)
                        else:
                            last_at = pathway.created_at - timedelta(minutes=1)
                            implicated_at = _between(rng, case.opened_at, last_at)
                    else:
                        implicated_at = _between(rng, case.opened_at, end_at)
                number = len(rows["family_members"]) + 1
                member = FamilyMember(
                    case_id=case.pk,
                    name=f"Bench Family Member {number}",
                    relationship=_pick(rng, RELATIONSHIPS),
                    implicated=implicated_at is not None,
                    implicated_at=implicated_at,
                    safe_contact=implicated_at is None and rng.random() < 0.9,
                    created_at=_between(rng, case.opened_at, implicated_at or end_at),
                )
                members.append(member)
                rows["family_members"].append(member)
        implicated = [m for m in members if m.implicated]
        if pathway is not None and with_family and implicated and rng.random() >= UNADDRESSED:
            pathway.implicated_addressed = (
                "Bench: the family member is not in the household; supervised contact only "
                "(fictional)"
            )

        # --- family assessments: before every pathway with the family, and for some others.
        if with_family or rng.random() < ASSESSED_FAMILY:
            last = pathway.decided_on if pathway is not None and with_family else end
            days = {between_days(opened_day, last)}
            if rng.random() < 0.2:
                days.add(between_days(opened_day, last))
            for assessed in sorted(days):
                rows["family_assessments"].append(
                    FamilyAssessment(
                        case_id=case.pk,
                        assessed_on=assessed,
                        safety=rng.choices(list(Level.values), weights=[45, 35, 20])[0],
                        abuse=rng.choices(list(Finding.values), weights=[55, 20, 10, 15])[0],
                        complicity=rng.choice([Finding.SUSPECTED, Finding.YES])
                        if implicated
                        else rng.choices([Finding.NO, Finding.UNKNOWN], weights=[75, 25])[0],
                        capacity=rng.choices(list(Capacity.values), weights=[35, 45, 20])[0],
                    )
                )

        # --- the safety plan (RR-4): each review records it again; the latest stands.
        safety = None
        if rng.random() < SAFETY_PLAN:
            agreed = between_days(max(opened_day, end - timedelta(days=365)), end)
            first_due = agreed + gap(30, 120)
            reviews, review_on = cycle(agreed, first_due, end, 30, 120)
            versions = [(agreed, first_due if reviews else review_on), *reviews]
            sources = list(RiskSource.values)
            for on, by in versions:
                safety = SafetyPlan(
                    case_id=case.pk,
                    agreed_on=on,
                    sources=sorted(rng.sample(sources, rng.randint(1, 3))),
                    review_on=by,
                )
                rows["safety_plans"].append(safety)

        # --- the reintegration plan and the transition plan (RR-5, RR-8).
        provider = f"Bench Community Provider {case_agency[i] + 1}"
        due_dates: list[tuple[date, date]] = []  # of each plan that stands: next review, visit
        if rng.random() < PLAN:
            since = end - timedelta(days=365)
            due_dates.append(plan(case, provider, members, PlanKind.REINTEGRATION, since, end))
        birth = born.get(case.child_id)
        turning = birth is not None and birth <= adult_by
        # A child within two days of the RR-8 horizon always has one, so that the day a run
        # ends on does not matter.
        near = birth is not None and abs((birth - adult_by).days) <= 2
        share = TRANSITION if turning else 0.0
        if not turning and birth is not None and birth <= sixteen:
            share = TRANSITION_EARLY
        has_transition = near or rng.random() < share
        if has_transition:
            since = end - timedelta(days=180)
            due_dates.append(plan(case, provider, members, PlanKind.TRANSITION, since, end))

        # --- what the rules must find, in their terms: open cases only; the latest rows.
        if closed:
            continue
        if pathway is not None:
            expected["rr2.pathway_not_carried_out"] += (
                pathway.carried_out_on is None and pathway.decided_on < due
            )
        for m in implicated:
            if not with_family and not home:
                continue
            addressed = (
                pathway is not None
                and with_family
                and bool(pathway.implicated_addressed)
                and m.implicated_at is not None
                and pathway.created_at >= m.implicated_at
            )
            expected["rr3.with_implicated_family"] += not addressed
        if safety is not None:
            expected["rr4.safety_review_overdue"] += safety.review_on < today
        for review_on, visit_on in due_dates:
            expected["rr5.plan_review_overdue"] += review_on < today
            expected["rr5.follow_up_overdue"] += visit_on < today
        expected["rr8.transition_plan_needed"] += turning and not has_transition

    models: dict[str, Any] = {
        "decisions": Decision,
        "family_members": FamilyMember,
        "family_assessments": FamilyAssessment,
        "pathways": Pathway,
        "safety_plans": SafetyPlan,
        "reintegration_plans": ReintegrationPlan,
        "transition_plans": ReintegrationPlan,
        "plan_services": PlanService,
        "plan_reviews": PlanReview,
        "follow_up_visits": FollowUpVisit,
    }
    # RR-3 compares when a pathway was recorded with when a member was found implicated.
    with _created_at_as_given(FamilyMember, Pathway):
        for name, model in models.items():
            # Parents are written first: their rows' keys are taken when they are written.
            write(model, rows[name])
            _tally(summary.reintegration_rows, name, len(rows[name]))
    implicated = sum(1 for m in rows["family_members"] if m.implicated)
    _tally(summary.reintegration_rows, "implicated_members", implicated)
    return expected


# First steps and languages (`_first_steps`), drawn last from their own stream, so every record
# drawn before stays as the seed drew it.
COUNTRY_LANGUAGE = {"TH": "th", "KH": "km", "ID": "id", "PH": "tl", "VN": "vi", "MY": "ms"}
STAFF_LANGUAGES = 0.6  # of staff other than interpreters: working languages recorded (CC-10)
CHILD_NO_LANGUAGE = 0.08  # of children: no language recorded
CROSS_BORDER = 0.35  # of the others: their language is not the agency's country's
SECOND_LANGUAGE = 0.2  # of the others: a second language
FRESH_DAYS = 7  # identified within these days: the steps are still being done
FRESH_OPEN = 0.6  # of a fresh identification's steps: not done yet
LATER_OPEN = {  # of an older identification's steps: still open, met by another record or not
    "cp_referral": 0.01,
    "urgent_medical": 0.01,
    "case_worker": 0.6,  # met by the current case worker's assignment, never marked done
    "rights_information": 0.4,  # met by an information session (PS-5's alert if not)
    "guardian": 0.5,  # met by a guardian's appointment (PS-1's alert if not)
    "interpreter": 0.15,
}
SAFE_PLACE_OPEN = 0.5  # safe accommodation, where a current placement the child may leave meets it
NO_PLACE_OPEN = 0.01  # safe accommodation, where nothing meets it
NOT_NEEDED = 0.15  # of the steps closed: closed as not needed rather than done
PRECARIOUS_OPEN = 0.1  # of the ID-5 referrals of older screenings: not made yet


def _first_steps(seed: int, summary: Summary, log: Any) -> dict[str, int]:
    """Working languages of staff, the children's languages, and the first steps every screening
    asks for (ID-4, ID-5), as `identification.services` creates them; returns the ID-4, ID-5 and
    CC-10 (case worker's language) breaches the rules must find. It reads the rows already
    written, so that it depends on the seed and those rows alone.

    The steps of closed cases and of an earlier episode are done. On an open case, most steps of
    an older identification are done or closed as not needed; the steps other records meet (the
    case worker, the interpreter, safe accommodation, a guardian, the child's rights) are often
    left open, as practitioners leave them; a few steps nothing meets stay open past their due
    time (the breaches). A step due within a day of now is done, so that a sweep the same day
    finds what was counted here."""
    from django.conf import settings
    from django.utils import timezone

    from haven.accounts.models import Agency, Membership, User
    from haven.accounts.roles import Role
    from haven.cases.models import Case, CaseAssignment
    from haven.children.models import DEPRIVED_OF_PARENTAL_CARE, ChildLanguage
    from haven.identification.codes import Outcome
    from haven.identification.models import FirstStep, NotNeededReason, Screening
    from haven.identification.services import DEFAULT_DUE_HOURS, OWNED_BY_MEASURE
    from haven.placements.models import Liberty, Placement

    rng = random.Random(seed + 2)
    now = timezone.now()
    kind = FirstStep.Kind
    due_hours = {**DEFAULT_DUE_HOURS, **getattr(settings, "HAVEN_FIRST_STEP_DUE_HOURS", {})}
    expected = {"id4.first_step_overdue": 0, "id5.referral_overdue": 0}
    expected["cc10.case_worker_language"] = 0

    # Working languages: the agency's country's, and more for interpreters.
    local = {pk: COUNTRY_LANGUAGE[c] for pk, c in Agency.objects.values_list("pk", "country")}
    speaks: dict[int, tuple[str, ...]] = {}
    for user_id, agency_id, role in Membership.objects.order_by("pk").values_list(
        "user_id", "agency_id", "role"
    ):
        own = local[agency_id]
        others = [code for code in LANGUAGES if code != own]
        if role == Role.INTERPRETER:
            speaks[user_id] = (own, *rng.sample(others, 2))
        elif rng.random() < STAFF_LANGUAGES:
            speaks[user_id] = (own, rng.choice(others)) if rng.random() < 0.3 else (own,)
    by_languages: dict[tuple[str, ...], list[int]] = {}
    for user_id, codes in speaks.items():
        by_languages.setdefault(codes, []).append(user_id)
    for codes, ids in by_languages.items():
        for start in range(0, len(ids), BATCH):
            User.objects.filter(pk__in=ids[start : start + BATCH]).update(languages=list(codes))

    # The children's languages: the country's of the agency holding their latest case, or
    # another of the region's for a child from across a border.
    agency_of_child = dict(Case.objects.order_by("pk").values_list("child_id", "lead_agency_id"))
    child_speaks: dict[int, set[str]] = {}
    languages = []
    for child_id in sorted(agency_of_child):
        if rng.random() < CHILD_NO_LANGUAGE:
            continue
        own = local[agency_of_child[child_id]]
        first = (
            rng.choice([c for c in LANGUAGES if c != own]) if rng.random() < CROSS_BORDER else own
        )
        codes = [first]
        if rng.random() < SECOND_LANGUAGE:
            second = rng.choice(LANGUAGES)
            codes += [second] if second != first else []
        child_speaks[child_id] = set(codes)
        languages += [
            ChildLanguage(child_id=child_id, language=code, is_preferred=k == 0)
            for k, code in enumerate(codes)
        ]
    write(ChildLanguage, languages)

    # What meets a step: the current assignments and placements.
    current = CaseAssignment.objects.current().filter(role__in=("case_worker", "interpreter"))
    case_worker: dict[int, int] = {}
    interpreted: set[int] = set()
    for case_id, role, user_id in current.values_list("case_id", "role", "user_id"):
        if role == "case_worker":
            case_worker[case_id] = user_id
        else:
            interpreted.add(case_id)
    safe_place = set(
        Placement.objects.current().filter(liberty=Liberty.FREE).values_list("case_id", flat=True)
    )
    cases = {
        pk: rest
        for pk, *rest in Case.objects.values_list(
            "pk",
            "stage",
            "episode_started_at",
            "lead_agency__is_child_protection_authority",
            "child__parental_care",
            "child_id",
        )
    }

    steps: list[Any] = []  # written a chunk at a time: a million cases ask for about 5.8 million
    written = 0
    interpreter_done: set[int] = set()
    screenings = (
        Screening.objects.filter(outcome__in=(Outcome.PRESUMED_VICTIM, Outcome.PRECARIOUS))
        .order_by("pk")
        .values_list("pk", "case_id", "screened_at", "screened_by_id", "outcome")
    )
    for screening_id, case_id, at, by, outcome in screenings.iterator(chunk_size=CHUNK):
        stage, episode, authority, care, child_id = cases[case_id]
        # The steps of the case's current identification may be open; any earlier are done.
        live = stage != "closed" and (episode is None or at >= episode)
        fresh = at > now - timedelta(days=FRESH_DAYS)
        if outcome == Outcome.PRECARIOUS:
            kinds, measure = [kind.CP_REFERRAL], "ID-5"
        else:
            kinds, measure = (
                [kind.CP_REFERRAL, kind.SAFE_ACCOMMODATION, kind.URGENT_MEDICAL],
                "ID-4",
            )
            kinds += [kind.CASE_WORKER, kind.RIGHTS_INFORMATION]
            worker = case_worker.get(case_id)
            child = child_speaks.get(child_id, set())
            if child and not child & set(speaks.get(worker, ())):  # _needs_interpreter
                kinds.append(kind.INTERPRETER)
            if care in DEPRIVED_OF_PARENTAL_CARE:
                kinds.append(kind.GUARDIAN)
        for k in kinds:
            due = at + timedelta(hours=due_hours[k])
            draw, closing = rng.random(), rng.random()
            if not live or (k == kind.CP_REFERRAL and authority):
                left_open = False
            elif fresh:
                left_open = draw < FRESH_OPEN
            elif k == kind.SAFE_ACCOMMODATION:
                left_open = draw < (SAFE_PLACE_OPEN if case_id in safe_place else NO_PLACE_OPEN)
            elif measure == "ID-5":
                left_open = draw < PRECARIOUS_OPEN
            else:
                left_open = draw < LATER_OPEN[k]
            if left_open and abs(due - now) < timedelta(days=1):
                left_open = False  # no step falls due between this count and a sweep today
            step = FirstStep(
                case_id=case_id,
                screening_id=screening_id,
                kind=k,
                measure_id=measure,
                due_at=due,
                created_by_id=by,
                updated_by_id=by,
            )
            if not left_open:
                step.status = FirstStep.Status.DONE
                if closing < NOT_NEEDED and k != kind.CP_REFERRAL:
                    step.status = FirstStep.Status.NOT_NEEDED
                    step.not_needed_code = NotNeededReason.ALREADY_DONE
                step.closed_at = min(at + timedelta(hours=closing * due_hours[k]), now)
                step.closed_by_id = by
                if k == kind.INTERPRETER and step.status == FirstStep.Status.DONE:
                    interpreter_done.add(case_id)
            steps.append(step)
            if len(steps) == CHUNK:
                written += len(write(FirstStep, steps))
                steps = []
            met = {
                kind.CASE_WORKER: case_id in case_worker,
                kind.INTERPRETER: case_id in interpreted,
                kind.SAFE_ACCOMMODATION: case_id in safe_place,
            }.get(k, False)
            if left_open and due < now and k not in OWNED_BY_MEASURE and not met:
                expected[
                    "id5.referral_overdue" if measure == "ID-5" else "id4.first_step_overdue"
                ] += 1
    written += len(write(FirstStep, steps))

    # CC-10: an open case whose case worker speaks none of the child's languages (both recorded),
    # with no interpreter assigned and the interpreter step not done.
    for case_id, worker in case_worker.items():
        stage, _episode, _authority, _care, child_id = cases[case_id]
        child, staff = child_speaks.get(child_id, set()), set(speaks.get(worker, ()))
        if (
            stage != "closed"
            and child
            and staff
            and not child & staff
            and case_id not in interpreted
            and case_id not in interpreter_done
        ):
            expected["cc10.case_worker_language"] += 1

    summary.first_steps = written
    summary.child_languages = len(languages)
    summary.staff_with_languages = len(speaks)
    log(
        f"  first steps {written}, children's languages {len(languages)}, "
        f"staff with working languages {len(speaks)}"
    )
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="number of cases (20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument(
        "--chunk",
        type=int,
        default=CHUNK_CHILDREN,
        help=f"children written with all their records at a time ({CHUNK_CHILDREN})",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        # Without it, settings fall back to the development database next to manage.py.
        raise SystemExit("set DATABASE_URL to the (migrated, empty) database to fill")
    setup_django()
    summary = generate(args.cases, seed=args.seed, chunk=args.chunk)
    print(f"generated {summary.cases} cases in {summary.seconds:.1f} s: {summary.as_dict()}")


if __name__ == "__main__":
    main()

"""Fill a migrated database quickly with N fictional cases for the benchmarks.

This is benchmark data, not demo data. It writes with `bulk_create` straight into the tables and
so bypasses the services on purpose: no audit events, no access checks, no safeguard evaluation
(the benchmark measures that evaluation). It is still valid per the models' constraints (one
current case worker per case, no duplicate current assignment, interview durations above zero,
unique references, a documented birth date for every "known" age), and every name is fictional
("Bench Child 123"). Encrypted fields stay empty. The AuditChainHead row that migrations create
is checked, not replaced.

Shape of the data (per 100 cases, roughly):
- a few lead agencies of unequal size (40 %, 30 %, 20 %, 10 % of the cases);
- about 96 children: about 4 % of children have a second case, the earlier one closed
  (re-trafficking, RR-6);
- about 15 % of cases closed; about 2 % of the open cases have no current case worker (CC-9);
  about 20 % of the open cases had a handover; guardians and interpreters on some cases;
- 0-6 interviews per child; about 5 % of children have told their story more often than
  HAVEN_RETELLING_ALERT_THRESHOLD (CC-6).

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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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
    open_without_case_worker: int = 0
    children_above_threshold: int = 0
    # Alerts a first sweep over the open cases must raise, per rule code.
    expected_alerts: dict[str, int] = field(default_factory=dict)
    # The largest agency and one of its supervisors, for the "my cases" measurement.
    largest_agency_id: int = 0
    largest_agency_open_cases: int = 0
    supervisor_id: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def generate(n_cases: int = 20_000, *, seed: int = 1, log: Any = print) -> Summary:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from haven.accounts.models import Agency, Membership, OrganisationType, User
    from haven.accounts.roles import Role
    from haven.audit.models import AuditChainHead
    from haven.cases.models import Case, CaseAssignment, Interview
    from haven.children.models import AgeStatus, Child, ParentalCare, Sex

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
    summary = Summary(cases=n_cases)
    # One unusable password hash for every bench account: nobody signs in as them.
    unusable = make_password(None)

    with transaction.atomic():
        # Agencies and their staff.
        countries = ["TH", "KH", "ID", "PH", "VN", "MY"]
        types = [OrganisationType.GOVERNMENT, OrganisationType.NGO, OrganisationType.POLICE]
        agencies = Agency.objects.bulk_create(
            [
                Agency(
                    name=f"Bench Agency {i + 1}",
                    organisation_type=types[i % len(types)],
                    country=countries[i % len(countries)],
                    is_child_protection_authority=(i == 0),
                )
                for i in range(len(AGENCY_SHARES))
            ]
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
        users = User.objects.bulk_create(users, batch_size=BATCH)
        summary.users = len(users)
        by_role: dict[tuple[int, str], list[int]] = {}
        for user, (a, role) in zip(users, plan, strict=True):
            by_role.setdefault((a, role), []).append(user.pk)
        Membership.objects.bulk_create(
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
            batch_size=BATCH,
        )
        log(f"  agencies {len(agencies)}, users {len(users)}")

        # Children: most have one case; about 4 % have an earlier, closed case too.
        n_children = max(1, math.ceil(n_cases / (1 + RETRAFFICKED)))
        children = []
        for i in range(n_children):
            age_status = rng.choices(
                [AgeStatus.KNOWN, AgeStatus.ESTIMATED, AgeStatus.UNCERTAIN, AgeStatus.DISPUTED],
                weights=[40, 30, 20, 10],
            )[0]
            birth_date = None
            if age_status != AgeStatus.UNCERTAIN:
                birth_date = today - timedelta(days=rng.randint(6 * 365, 17 * 365 + 300))
                birth_date = min(birth_date, today)
            children.append(
                Child(
                    given_name=f"Bench Child {i + 1}",
                    family_name=f"Benchfamily {i % 997}",
                    sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.FEMALE, Sex.UNKNOWN]),
                    birth_date=birth_date,
                    age_status=age_status,
                    minority_indicators=rng.random() < 0.3,
                    parental_care=rng.choice(list(ParentalCare.values)),
                    has_disability=rng.random() < 0.05,
                )
            )
        children = Child.objects.bulk_create(children, batch_size=BATCH)
        summary.children = len(children)
        log(f"  children {len(children)}")

        # Cases. The first n_children cases give every child a case; the rest are second cases
        # of distinct children, and then the child's first case is the closed, older one.
        child_of_case = list(range(n_children))
        second = rng.sample(range(n_children), n_cases - n_children)
        child_of_case += second
        earlier_closed = set(second)  # the first case of these children is closed
        stages = list(STAGE_WEIGHTS)
        weights = list(STAGE_WEIGHTS.values())
        references = _references(rng, n_cases)
        three_years_ago = now - timedelta(days=3 * 365)
        cases = []
        for i in range(n_cases):
            c = child_of_case[i]
            if i < n_children and c in earlier_closed:
                stage = "closed"
                opened = _between(rng, three_years_ago, now - timedelta(days=400))
                changed = _between(rng, opened, now - timedelta(days=200))
            else:
                stage = rng.choices(stages, weights=weights)[0]
                start = now - timedelta(days=150) if i >= n_children else three_years_ago
                opened = _between(rng, start, now - timedelta(hours=1))
                changed = _between(rng, opened, now)
            status = rng.choices(
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
                    else rng.choice(list(Case.StatusDecidedBy.values)),
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=BATCH)
        log(f"  cases {len(cases)}")

        # Assignments: one current case worker per open case, except about 2 %.
        assignments = []
        open_without_worker: set[int] = set()
        for i, case in enumerate(cases):
            a = case_agency[i]
            workers = by_role[(a, Role.CASE_WORKER)]
            worker = rng.choice(workers)
            if case.stage == "closed":
                assignments.append(
                    CaseAssignment(
                        case_id=case.pk,
                        agency_id=agencies[a].pk,
                        user_id=worker,
                        role="case_worker",
                        started_at=case.opened_at,
                        ended_at=case.closed_at,
                    )
                )
                continue
            start = case.opened_at
            if rng.random() < HANDOVER:
                previous = rng.choice([w for w in workers if w != worker] or workers)
                start = _between(rng, case.opened_at, now)
                assignments.append(
                    CaseAssignment(
                        case_id=case.pk,
                        agency_id=agencies[a].pk,
                        user_id=previous,
                        role="case_worker",
                        started_at=case.opened_at,
                        ended_at=start,
                    )
                )
            if rng.random() < NO_CASE_WORKER:
                open_without_worker.add(case.pk)
            else:
                assignments.append(
                    CaseAssignment(
                        case_id=case.pk,
                        agency_id=agencies[a].pk,
                        user_id=worker,
                        role="case_worker",
                        started_at=start,
                    )
                )
            for role, share in (("guardian", 0.3), ("interpreter", 0.15)):
                if rng.random() < share:
                    assignments.append(
                        CaseAssignment(
                            case_id=case.pk,
                            agency_id=agencies[a].pk,
                            user_id=rng.choice(by_role[(a, role)]),
                            role=role,
                            started_at=_between(rng, case.opened_at, now),
                        )
                    )
        CaseAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        summary.assignments = len(assignments)
        summary.open_without_case_worker = len(open_without_worker)
        log(f"  assignments {len(assignments)}")

        # Interviews: 0-6 per child, on the child's latest case; about 5 % of children above
        # the retelling threshold.
        latest: dict[int, Case] = {}
        for i, case in enumerate(cases):
            latest[child_of_case[i]] = case  # later cases come later in the list
        kinds = list(Interview.Kind.values)
        interviews = []
        told_by_child: dict[int, int] = {}
        for c in range(n_children):
            if rng.random() < ABOVE_THRESHOLD:
                told = rng.randint(threshold + 1, max(MAX_INTERVIEWS, threshold + 1))
            else:
                told = rng.randint(0, min(threshold, MAX_INTERVIEWS))
            not_told = rng.randint(0, max(0, MAX_INTERVIEWS - told)) if rng.random() < 0.3 else 0
            told_by_child[c] = told
            case = latest[c]
            for k in range(told + not_told):
                interviews.append(
                    Interview(
                        case_id=case.pk,
                        kind=rng.choice(kinds),
                        conducted_at=_between(rng, case.opened_at, now),
                        interviewer=f"Bench Interviewer {rng.randint(1, 300)}",
                        interviewer_agency=rng.choice(["", "Bench Police", "Bench Clinic"]),
                        duration_minutes=rng.randint(15, 120),
                        child_told_story=k < told,
                    )
                )
        Interview.objects.bulk_create(interviews, batch_size=BATCH)
        summary.interviews = len(interviews)
        summary.children_above_threshold = sum(1 for n in told_by_child.values() if n > threshold)
        log(f"  interviews {len(interviews)}")

    # What the safeguard rules must find (computed here, independently of the rules).
    open_cases = [(i, case) for i, case in enumerate(cases) if case.stage != "closed"]
    summary.open_cases = len(open_cases)
    summary.expected_alerts = {
        "cc9.no_case_worker": len(open_without_worker),
        "cc6.too_many_retellings": sum(
            1 for i, _case in open_cases if told_by_child[child_of_case[i]] > threshold
        ),
    }
    largest = max(range(len(agencies)), key=lambda a: per_agency[a])
    summary.largest_agency_id = agencies[largest].pk
    summary.largest_agency_open_cases = sum(
        1 for i, _case in open_cases if case_agency[i] == largest
    )
    summary.supervisor_id = by_role[(largest, Role.SUPERVISOR)][0]
    summary.seconds = time.perf_counter() - started
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="number of cases (20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        # Without it, settings fall back to the development database next to manage.py.
        raise SystemExit("set DATABASE_URL to the (migrated, empty) database to fill")
    setup_django()
    summary = generate(args.cases, seed=args.seed)
    print(f"generated {summary.cases} cases in {summary.seconds:.1f} s: {summary.as_dict()}")


if __name__ == "__main__":
    main()

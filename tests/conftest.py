import re
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.roles import Role
from haven.cases.services import case_register
from tests.factories import AgencyFactory, child_fields, staff

# --- the suite's time budget (docs/testing.md) ---------------------------------------------------

# A test's call is expected to take under this; one that needs longer is marked slow with a
# reason. Browser journeys (e2e) have their own measure: the whole run's wall time.
BUDGET_SECONDS = 0.5
_over_budget: list[tuple[float, str]] = []


# The access matrices (DP-1, DP-2): each parametrized case is one (endpoint or page, caller)
# pair, checked against the answer expected of it. The summary says how many were checked, so
# the figure a probe gives can be compared with the suite's.
_MATRIX = re.compile(r"access_matrix|answers_exactly|answer_as_the_api")
_pairs: dict[str, int] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "[" in report.nodeid:
        test = report.nodeid.split("::")[-1].split("[")[0]
        if _MATRIX.search(test):
            _pairs[test] = _pairs.get(test, 0) + 1
    if (
        report.when == "call"
        and report.duration > BUDGET_SECONDS
        and "slow" not in report.keywords
        and "e2e" not in report.keywords
    ):
        _over_budget.append((report.duration, report.nodeid))


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _pairs:
        terminalreporter.section("access matrices")
        for test, n in sorted(_pairs.items()):
            terminalreporter.write_line(f"{n:5d}  {test}")
        terminalreporter.write_line(
            f"{sum(_pairs.values()):5d}  (endpoint or page, caller) pairs checked, pages included"
        )
    if _over_budget:
        terminalreporter.section(f"over the {BUDGET_SECONDS} s budget, not marked slow")
        for seconds, nodeid in sorted(_over_budget, reverse=True):
            terminalreporter.write_line(f"{seconds:5.2f} s  {nodeid}")


def signed_in(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    """Sign `user` in with both factors done, as the login pages would."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- the records most tests start from --------------------------------------------------------
# Each is a fixture for one test, and a function for a module that makes them once (`module_db`).


def new_agency():  # type: ignore[no-untyped-def]
    """The child-protection authority whose cases most tests are about."""
    return AgencyFactory(
        name="Fictional Child Protection Office", country="TH", is_child_protection_authority=True
    )


def new_other_agency():  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Fictional Shelter Network", country="KH")


def new_case(case_worker, agency):  # type: ignore[no-untyped-def]
    """A case opened by `case_worker`, who is therefore its case worker."""
    return case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(birth_date=timezone.localdate() - timedelta(days=14 * 365)),
        nationalities=["MM"],
        languages=["my"],
        summary="Fictional summary.",
    )


def new_assigned_interpreter(case, supervisor, other_agency):  # type: ignore[no-untyped-def]
    """An interpreter from another agency whom the supervisor assigned to `case`."""
    from haven.cases.services import case_assign

    user = staff(other_agency, Role.INTERPRETER, username="interp")
    case_assign(case=case, actor=supervisor, user=user, role="interpreter")
    return user


def new_case_and_people():  # type: ignore[no-untyped-def]
    """What the `case` fixture and those it rests on make, for a module that makes them once:
    (agency, other agency, case worker "cw", supervisor "sup", the case worker's case)."""
    agency, other_agency = new_agency(), new_other_agency()
    case_worker = staff(agency, Role.CASE_WORKER, username="cw")
    supervisor = staff(agency, Role.SUPERVISOR, username="sup")
    return agency, other_agency, case_worker, supervisor, new_case(case_worker, agency)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """For a module whose many tests all start from the same records and keep none (the access
    matrices): its module-scoped fixtures make them once, inside a transaction rolled back after
    the module's last test. Each test still runs in a savepoint within it (its `django_db` mark),
    so what one test writes is gone before the next. Making them for each test cost about 0.2 s
    a test, a minute of the suite."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def fresh[T](made: T) -> T:
    """A module's records (`module_db`) as a test begins: each model instance in the dataclass
    `made`, or in a dict of it, loaded again (one query a model). A service may change the
    instance it is handed (a case's stage); the next test must not meet that change, which its
    savepoint undid in the database only."""
    values = {f.name: getattr(made, f.name) for f in fields(made)}  # type: ignore[arg-type]
    instances = [
        item
        for value in values.values()
        for item in (value.values() if isinstance(value, dict) else [value])
        if isinstance(item, Model)
    ]
    pks: dict[type[Model], set[Any]] = {}
    for instance in instances:
        pks.setdefault(type(instance), set()).add(instance.pk)
    loaded = {model: model._default_manager.in_bulk(list(keys)) for model, keys in pks.items()}

    def again(value: Any) -> Any:
        if isinstance(value, Model):
            return loaded[type(value)][value.pk]
        if isinstance(value, dict):
            return {key: again(item) for key, item in value.items()}
        return value

    return replace(made, **{name: again(value) for name, value in values.items()})  # type: ignore[type-var]


@pytest.fixture
def agency(db):  # type: ignore[no-untyped-def]
    return new_agency()


@pytest.fixture
def other_agency(db):  # type: ignore[no-untyped-def]
    return new_other_agency()


@pytest.fixture
def case_worker(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.CASE_WORKER, username="cw")


@pytest.fixture
def supervisor(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.SUPERVISOR, username="sup")


@pytest.fixture
def case(case_worker, agency):  # type: ignore[no-untyped-def]
    """A case opened by `case_worker`, who is therefore its case worker."""
    return new_case(case_worker, agency)


@pytest.fixture
def statistician(agency):  # type: ignore[no-untyped-def]
    """A statistician of `agency`: sees aggregates only, never a case (DP-1)."""
    return staff(agency, Role.STATISTICIAN, username="stat")


@pytest.fixture
def outsider(other_agency):  # type: ignore[no-untyped-def]
    """A case worker of another agency: sees none of `agency`'s cases (DP-2)."""
    return staff(other_agency, Role.CASE_WORKER, username="outsider")


@pytest.fixture
def assigned_interpreter(case, supervisor, other_agency):  # type: ignore[no-untyped-def]
    """An interpreter from another agency whom the supervisor assigned to `case`: the
    assignment lets them see the case, but only its basic and identity fields (DP-1, DP-2)."""
    return new_assigned_interpreter(case, supervisor, other_agency)


@pytest.fixture
def admin(agency):  # type: ignore[no-untyped-def]
    """The administrator of `agency`: manages staff accounts, sees no case."""
    return staff(agency, Role.AGENCY_ADMIN, username="admin")


@pytest.fixture
def other_admin(other_agency):  # type: ignore[no-untyped-def]
    return staff(other_agency, Role.AGENCY_ADMIN, username="otheradmin")


def account_state(user) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a credential reset touches, to prove a refused one touched nothing."""
    from haven.audit.models import AuditEvent

    user.refresh_from_db()
    return (
        user.password,
        user.must_change_password,
        user.session_salt,
        user.get_session_auth_hash(),
        list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")),
        AuditEvent.objects.count(),
    )


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """A request in another language must not leave it active for the next test."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def cp_officer(agency):  # type: ignore[no-untyped-def]
    """A child-protection officer of `agency`: sees every case of the agency and may record the
    competent authority's decision on victim status."""
    return staff(agency, Role.CHILD_PROTECTION_OFFICER, username="cp_officer")


@pytest.fixture
def unassigned_case_worker(agency):  # type: ignore[no-untyped-def]
    """A case worker of `agency` who is not on `case`: sees none of it (DP-1)."""
    return staff(agency, Role.CASE_WORKER, username="unassigned_cw")


@pytest.fixture
def presumed_screening(case, case_worker):  # type: ignore[no-untyped-def]
    """A screening of `case` an hour ago that found an act and a purpose (ID-1), with a location
    and notes: its first steps (ID-4) are the referral, done because `agency` is the
    child-protection authority, the case worker, met by the assignment, and safe accommodation,
    urgent medical needs, rights information and (the child speaks Burmese) an interpreter."""
    from haven.identification.services import screening_record

    return screening_record(
        case=case,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        means=["none"],
        movement="none",
        location="Fictional market, stall 12",
        notes="Fictional: sells flowers at night for an adult who keeps the money.",
    )

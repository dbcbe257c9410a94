"""Retention and erasure (DP-8): each class of a child's data is erased when the schedule says it
has expired — counted from the closing of the child's last case, never while a case of theirs is
open — by an audited job that deletes no row and leaves the statistics as they were. A dry run
counts and changes nothing; a second run finds nothing to do."""

import json
import uuid
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.child_services import child_update
from haven.cases.models import Case, CaseNote, Erasure, Interview
from haven.cases.retention import (
    ERASED,
    KEPT,
    PLAIN_FIELDS,
    RetentionReport,
    _erase_batch,
    apply_retention,
    case_erasures,
    due,
    scoped_models,
    targets,
)
from haven.cases.services import case_change_stage, case_note_add, case_register
from haven.children.forms import ChildForm
from haven.children.models import Child, ChildAlias
from haven.core.checks import retention_schedule_is_complete
from haven.core.fields import EncryptedTextField
from haven.core.retention import problems
from haven.core.sensitivity import Sensitivity as S
from haven.reports.selectors import statistics
from tests.conftest import signed_in
from tests.factories import another_case_for, child_fields, close_case, interview

pytestmark = pytest.mark.django_db

SUMMARY = "Fictional: found at the harbour by an outreach worker."
NOTE = "Fictional note: the aunt in the village may take her in."
NOTES = "Fictional interview notes: she described the boat."
LOCATION = "Fictional interview room, second floor"
SPECIAL_NEEDS = "Fictional: hearing support."
ALIASES = ["Fictional Nickname", "Fictional Other Name"]
CONTENT = [SUMMARY, NOTE, NOTES, LOCATION, SPECIAL_NEEDS, "Mali", "Testchild", *ALIASES]


def _years_on(years: int, days: int = 0) -> date:
    """A day `years` (and `days`) after today, for running the schedule as on that day."""
    today = timezone.localdate()
    return today.replace(year=today.year + years) + timedelta(days=days)


def _close(case: Case, actor: Any) -> Case:
    return close_case(case, actor)


@pytest.fixture
def full_case(case_worker, agency):  # type: ignore[no-untyped-def]
    """A closed case of a 14-year-old with something in most classes: names and other names,
    a self-described gender, special needs, the summary, a note, an interview with its place."""
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            birth_date=timezone.localdate() - timedelta(days=14 * 365),
            gender="SelfDescribed",
            gender_self_described="Fictional words",
            has_disability=True,
            special_needs=SPECIAL_NEEDS,
        ),
        nationalities=["MM"],
        languages=["my"],
        aliases=ALIASES,
        summary=SUMMARY,
    )
    case_note_add(case=case, actor=case_worker, body=NOTE)
    interview(case, case_worker, notes=NOTES, location=LOCATION, interpreter="Fictional Ko")
    return _close(case, case_worker)


def _state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Haven table, decrypted: to prove that nothing changed."""
    return {
        m._meta.label: list(m._base_manager.order_by("pk").values())
        for m in apps.get_models()
        if m.__module__.startswith("haven.")
    }


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


# --- what expires, and when ---------------------------------------------------------------------


def test_dp8_expired_classes_are_erased_and_audited(full_case) -> None:
    child = full_case.child
    events = AuditEvent.objects.count()

    report = apply_retention(today=_years_on(30))

    full_case.refresh_from_db()
    child.refresh_from_db()
    note = CaseNote.objects.get(case=full_case)
    talk = Interview.objects.get(case=full_case)
    # every class expired: free text is empty, required names and people read "[erased]"
    assert (full_case.summary, note.body, talk.notes, talk.location) == ("", "", "", "")
    assert (talk.interviewer, talk.interpreter) == (ERASED, "")
    assert (child.given_name, child.family_name, child.special_needs) == (ERASED, "", "")
    assert child.gender_self_described == ERASED  # a self-described gender keeps its marker
    assert sorted(child.aliases.values_list("name", flat=True)) == ["[erased 2]", ERASED]
    # the coded facts the statistics count are kept; no row is deleted
    assert (child.sex, child.gender, child.has_disability) == ("female", "SelfDescribed", True)
    assert list(child.nationalities.values_list("country", flat=True)) == ["MM"]
    assert child.birth_date is not None
    assert Interview.objects.filter(case=full_case, child_told_story=True).count() == 1
    # one Erasure per class, one audit event for the case, the chain intact
    assert set(Erasure.objects.filter(case=full_case).values_list("sensitivity", flat=True)) == {
        str(s) for s in S if s != S.BASIC
    }
    assert set(report.classes) == {s for s in S if s != S.BASIC}
    [event] = AuditEvent.objects.filter(action="case.erase")
    assert AuditEvent.objects.count() == events + 1
    assert (event.case_id, event.actor_id, event.object_id) == (
        full_case.pk,
        None,
        str(full_case.public_id),
    )
    assert verify_chain() == []


def test_dp8_the_audit_event_holds_no_case_content(full_case) -> None:
    apply_retention(today=_years_on(30))

    event = AuditEvent.objects.get(action="case.erase")
    text = json.dumps(event.changes)
    assert not [c for c in CONTENT if c in text]
    assert sorted(event.changes["erased"][1]) == sorted(str(s) for s in S if s != S.BASIC)
    assert set(event.changes) == {"erased", "counted_from", "run"}


def test_dp8_before_expiry_only_whereabouts_go(full_case) -> None:
    # 5 years after closing: whereabouts (2 years) have expired, nothing else has
    apply_retention(today=_years_on(5))

    full_case.refresh_from_db()
    talk = Interview.objects.get(case=full_case)
    assert talk.location == ""
    assert (full_case.summary, talk.notes, full_case.child.given_name) == (SUMMARY, NOTES, "Mali")
    assert list(Erasure.objects.values_list("sensitivity", flat=True)) == ["location"]


def test_dp8_nothing_before_the_childs_25th_birthday(full_case) -> None:
    # 10 years and a day after closing the child is 24: only whereabouts have expired
    apply_retention(today=_years_on(10, days=1))
    full_case.refresh_from_db()
    assert full_case.summary == SUMMARY
    assert full_case.child.given_name == "Mali"

    # at 26 the rest goes too
    apply_retention(today=_years_on(12))
    full_case.refresh_from_db()
    assert full_case.summary == ""
    assert full_case.child.given_name == ERASED


def test_dp8_an_open_case_is_untouched(case) -> None:
    interview(case, case.assignments.get().user, notes=NOTES, location=LOCATION)
    before = _state()

    report = apply_retention(today=_years_on(40))

    assert report.classes == {}
    assert _state() == before


def test_dp8_a_child_with_another_open_case_keeps_everything(full_case, agency, case_worker):
    # the child came back (RR-6): the file stays whole while a case of theirs is open
    another_case_for(full_case.child, agency, case_worker)
    before = _state()

    report = apply_retention(today=_years_on(40))

    assert report.classes == {}
    assert _state() == before
    full_case.child.refresh_from_db()
    assert full_case.child.given_name == "Mali"


def test_dp8_a_case_reopened_and_closed_again_is_erased_again(full_case, case_worker) -> None:
    # whereabouts erased once, then the case is reopened: new whereabouts are recorded
    apply_retention(today=_years_on(3))
    case_change_stage(
        case=full_case,
        actor=case_worker,
        to_stage=Case.Stage.IDENTIFICATION,
        reason="Fictional: she came back.",
    )
    talk = interview(full_case, case_worker, location=LOCATION)
    _close(full_case, case_worker)

    # the schedule counts from the new closing: not yet expired, then expired
    assert apply_retention(today=_years_on(1)).classes == {}
    assert Interview.objects.get(pk=talk.pk).location == LOCATION
    apply_retention(today=_years_on(3))
    assert Interview.objects.get(pk=talk.pk).location == ""
    assert Erasure.objects.filter(case=full_case, sensitivity="location").count() == 2


def test_dp8_a_case_reopened_after_planning_is_left_alone(full_case, case_worker) -> None:
    today = _years_on(30)
    plan = due(today)
    case_change_stage(
        case=full_case,
        actor=case_worker,
        to_stage=Case.Stage.IDENTIFICATION,
        reason="Fictional: she came back.",
    )
    before = _state()

    report = RetentionReport(today=today, dry_run=False, run=uuid.uuid4())
    _erase_batch(plan, report)

    assert report.skipped == 1
    assert _state() == before


# --- the dry run, the second run, the database --------------------------------------------------


def test_dp8_dry_run_lists_counts_and_changes_nothing(full_case) -> None:
    before = _state()
    out = StringIO()

    call_command("retention_apply", "--dry-run", "--today", _years_on(30).isoformat(), stdout=out)

    assert _state() == before
    text = out.getvalue()
    assert full_case.reference in text
    assert "cases.Case.summary: 1 value(s) would be erased" in text
    assert "children.ChildAlias.name: 2 value(s) would be erased" in text
    assert not [c for c in CONTENT if c in text]


def test_dp8_a_real_run_refuses_a_day_in_the_future(full_case) -> None:
    with pytest.raises(CommandError):
        call_command("retention_apply", "--today", _years_on(30).isoformat(), stdout=StringIO())
    assert not Erasure.objects.exists()


def test_dp8_the_command_erases_what_has_expired(full_case) -> None:
    Case.objects.filter(pk=full_case.pk).update(closed_at=timezone.now() - timedelta(days=3 * 366))
    out = StringIO()

    call_command("retention_apply", stdout=out)

    assert Interview.objects.get(case=full_case).location == ""
    assert "cases.Interview: 1 row(s) erased" in out.getvalue()


def test_dp8_running_twice_changes_nothing_the_second_time(full_case) -> None:
    apply_retention(today=_years_on(30))
    before = _state()

    report = apply_retention(today=_years_on(30))

    assert report.classes == {}
    assert _state() == before


def test_dp8_encrypted_values_are_gone_from_the_database(full_case) -> None:
    note = CaseNote.objects.get(case=full_case)
    assert _raw("cases_case", "summary", full_case.pk).startswith("gAAAA")  # a Fernet token

    apply_retention(today=_years_on(30))

    assert _raw("cases_case", "summary", full_case.pk) == ""
    assert _raw("cases_casenote", "body", note.pk) == ""
    assert _raw("children_child", "special_needs", full_case.child_id) == ""
    assert _raw("children_child", "given_name", full_case.child_id) == ERASED


def test_dp8_statistics_are_unchanged(presumed_screening, case_worker) -> None:
    # a screened child (a form of exploitation, an age at identification, a foreign
    # nationality) whose case has closed
    case = _close(presumed_screening.case, case_worker)
    agencies = [case.lead_agency_id]
    before = statistics(agencies, None)

    apply_retention(today=_years_on(30))

    case.child.refresh_from_db()
    assert case.child.given_name == ERASED
    assert statistics(agencies, None) == before
    assert before["age_band"]["rows"]["12-14"] == 1


def test_dp8_queries_are_fixed_per_batch(agency, case_worker) -> None:
    """One UPDATE per model and class, whatever the number of cases (measured: the same count
    for 1 and for 20 expired cases)."""

    def closed_cases(n: int, first: int) -> None:
        closed = timezone.now() - timedelta(days=1)
        children = Child.objects.bulk_create(
            [
                Child(given_name=f"Fictional{i}", family_name="Child", birth_date=date(2010, 1, 1))
                for i in range(first, first + n)
            ]
        )
        ChildAlias.objects.bulk_create(
            [ChildAlias(child=child, name="Fictional Nickname") for child in children]
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=f"HV-Q{child.pk:06d}",
                    child=child,
                    lead_agency=agency,
                    stage=Case.Stage.CLOSED,
                    stage_changed_at=closed,
                    opened_at=closed - timedelta(days=30),
                    closed_at=closed,
                    summary=SUMMARY,
                )
                for child in children
            ]
        )
        Interview.objects.bulk_create(
            [
                Interview(
                    case=case,
                    kind="identification",
                    conducted_at=closed,
                    interviewer="Fictional Interviewer",
                    location=LOCATION,
                    notes=NOTES,
                    duration_minutes=30,
                )
                for case in cases
            ]
        )
        CaseNote.objects.bulk_create([CaseNote(case=case, body=NOTE) for case in cases])

    counts = []
    for n, first in ((1, 0), (20, 1)):
        closed_cases(n, first)
        with CaptureQueriesContext(connection) as queries:
            apply_retention(today=_years_on(30))
        counts.append(len(queries))
    assert Erasure.objects.filter(sensitivity="narrative").count() == 21
    print("retention queries for 1 and 20 cases:", counts)
    assert counts[0] == counts[1], counts


# --- the pages of an anonymised case --------------------------------------------------------


def test_dp8_an_anonymised_case_still_opens(full_case, supervisor) -> None:
    apply_retention(today=_years_on(30))
    client = signed_in(Client(), supervisor)
    case_page = client.get(f"/cases/{full_case.public_id}/")
    assert case_page.status_code == 200
    assert SUMMARY not in case_page.content.decode()
    for url in (
        f"/cases/{full_case.public_id}/child/",
        f"/api/v1/cases/{full_case.public_id}/",
        f"/api/v1/children/{full_case.child.public_id}/",
    ):
        assert client.get(url).status_code == 200, url


def test_dp8_an_anonymised_childs_record_still_validates(full_case, supervisor) -> None:
    # the child's form takes the record back as it is, and the service saves it
    apply_retention(today=_years_on(30))
    child = Child.objects.get(pk=full_case.child_id)
    data = MultiValueDict()
    for name, value in ChildForm.initial_for(child).items():
        if isinstance(value, list):
            data.setlist(name, value)
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value.isoformat() if isinstance(value, date) else value
    form = ChildForm(data=data)
    assert form.is_valid(), form.errors
    child_update(
        case=full_case,
        actor=supervisor,
        nationalities=form.nationality_list(),
        languages=form.language_list(),
        aliases=form.alias_list(),
        **form.child_fields(),
    )


def test_dp8_the_case_page_says_what_was_erased_and_when(full_case) -> None:
    apply_retention(today=_years_on(5))

    [erasure] = case_erasures(full_case)

    assert erasure == {"on": timezone.localdate(), "kinds": str(S.LOCATION.label)}


# --- the schedule ---------------------------------------------------------------------------------


def test_dp8_the_default_schedule_is_complete() -> None:
    assert retention_schedule_is_complete(None) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"basic": {"years": 1}}, "'basic'"),
        ({"location": None}, "no schedule for 'location'"),
        ({"narrative": {"years": 0}}, "['years'] must be"),
        ({"health": {"years": 5, "until_age": 12}}, "['until_age'] must be"),
        ({"legal": {"years": 40}}, "longer than 'identity'"),
    ],
)
def test_dp8_a_wrong_schedule_stops_haven_at_start(settings, change, complaint) -> None:
    schedule = {**settings.HAVEN_RETENTION, **change}
    schedule = {k: v for k, v in schedule.items() if v is not None}
    assert any(complaint in p for p in problems(schedule)), problems(schedule)
    with override_settings(HAVEN_RETENTION=schedule):
        assert {m.id for m in retention_schedule_is_complete(None)} == {"haven.E002"}


def test_dp8_every_text_field_of_a_childs_records_is_classified() -> None:
    """A new free-text field on a case's or child's record must say whether it is erased (and
    with which class) or kept as a code: the job cannot guess (DP-14)."""
    from django.db import models

    seen: set[str] = set()
    unclassified = []
    for model in scoped_models():
        for f in model._meta.concrete_fields:
            label = f"{model._meta.label}.{f.name}"
            seen.add(label)
            text = isinstance(f, models.CharField | models.TextField | models.JSONField)
            plain = text and not f.choices and not isinstance(f, EncryptedTextField)
            if plain and label not in PLAIN_FIELDS and label not in KEPT:
                unclassified.append(label)
    assert unclassified == []
    assert (set(PLAIN_FIELDS) | KEPT) - seen == set()  # no stale entry
    for target in targets():
        for fields in target.fields.values():
            for f in fields:
                assert not f.unique, f
                if getattr(f, "max_length", None) and not f.blank:
                    assert f.max_length >= len("[erased 99]"), f

"""The audit trail (DP-3): every change is chained, tampering is detected and named, reads are
logged, and audit rows never hold case content."""

import hashlib
import io
from datetime import UTC, date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from haven.accounts.access import memberships
from haven.accounts.models import Agency, Membership
from haven.accounts.roles import Role
from haven.audit import context
from haven.audit.models import AccessLog, AuditChainHead, AuditEvent
from haven.audit.services import REDACTED, head_mac, log_read, record_event
from haven.audit.verify import verify_chain
from haven.cases.child_services import child_update
from haven.cases.services import case_change_stage, case_note_add
from tests.factories import interview, staff

TABLE = connection.ops.quote_name(AuditEvent._meta.db_table)


def _sql(statement: str, params: list | None = None) -> None:
    """Tamper with the table behind the application's back, as someone with database access."""
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{table}", TABLE), params or [])


def _kinds(problems) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(p.seq, p.kind) for p in problems]


def _assert_command_fails() -> None:
    with pytest.raises(CommandError, match=r"^audit chain broken: \d+ problem\(s\)$"):
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def chain(case, case_worker):  # type: ignore[no-untyped-def]
    """A chain of several events from ordinary work on a case; returns the last seq."""
    interview(case, case_worker)
    case_note_add(case=case, actor=case_worker, body="Fictional note.")
    case_change_stage(case=case, actor=case_worker, to_stage="protection")
    last = AuditEvent.objects.order_by("seq").last()
    assert last is not None and last.seq >= 6
    return last.seq


def test_dp3_normal_chain_verifies_and_links_each_row_to_the_previous_one(chain):
    # given ordinary work on a case
    events = list(AuditEvent.objects.order_by("seq"))

    # then the sequence has no gaps, each row carries the previous row's digest, and the head
    # points at the last row
    assert [e.seq for e in events] == list(range(1, chain + 1))
    assert [e.prev_digest for e in events] == [""] + [e.digest for e in events[:-1]]
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_digest) == (chain, events[-1].digest)
    assert verify_chain() == []
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue() == f"audit chain intact: {chain} events\n"


def test_dp3_verify_reads_the_chain_in_batches_smaller_than_the_chain(chain):
    assert verify_chain(batch_size=2) == []


def test_dp3_editing_a_rows_changes_is_reported_as_edited(chain):
    # given a stage change recorded in the chain
    seq = AuditEvent.objects.get(action="case.stage").seq

    # when someone rewrites what it says changed
    _sql(
        "UPDATE {table} SET changes = %s WHERE seq = %s",
        ['{"stage": ["identification", "closed"]}', seq],
    )

    # then that row, and only that row, is reported as edited
    assert _kinds(verify_chain()) == [(seq, "edited")]
    _assert_command_fails()


def test_dp3_editing_a_rows_action_is_reported_as_edited(chain):
    seq = AuditEvent.objects.get(action="note.add").seq

    _sql("UPDATE {table} SET action = %s WHERE seq = %s", ["case.open", seq])

    assert _kinds(verify_chain()) == [(seq, "edited")]
    _assert_command_fails()


def test_dp3_deleting_a_middle_row_is_reported_as_missing(chain):
    # given a chain of several rows
    middle = chain // 2

    # when a row in the middle is deleted
    _sql("DELETE FROM {table} WHERE seq = %s", [middle])

    # then the gap is reported, and the next row no longer follows its predecessor
    problems = verify_chain()
    assert _kinds(problems) == [(middle, "missing"), (middle + 1, "missing")]
    assert problems[0].detail == f"rows {middle}..{middle} are gone"
    _assert_command_fails()


def test_dp3_deleting_the_last_row_is_reported_as_truncated(chain):
    _sql("DELETE FROM {table} WHERE seq = %s", [chain])

    problems = verify_chain()
    assert _kinds(problems) == [(chain - 1, "truncated")]
    assert problems[0].detail == f"the chain should end at row {chain}"
    _assert_command_fails()


def test_dp3_a_forged_row_appended_after_the_last_one_is_reported_as_inserted(chain):
    # given a forger who copies the last row, gives it the next seq, links it to the last
    # row's digest and invents a digest of the right shape (they do not have the audit key)
    forged_digest = hashlib.sha256(b"forged").hexdigest()
    columns = (
        "occurred_at, actor_id, actor_role, actor_agency_id, action, object_type, object_id, "
        "case_id, changes, ip_address, channel"
    )
    _sql(
        f"INSERT INTO {{table}} (seq, {columns}, prev_digest, digest) "  # noqa: S608
        f"SELECT seq + 1, {columns}, digest, %s FROM {{table}} WHERE seq = %s",
        [forged_digest, chain],
    )
    assert AuditEvent.objects.filter(seq=chain + 1).count() == 1

    # then the forged row is reported as inserted, and nothing else is wrong
    assert _kinds(verify_chain()) == [(chain + 1, "inserted")]
    _assert_command_fails()


def test_dp3_audit_verify_names_each_problem_on_stderr(chain):
    _sql("UPDATE {table} SET action = %s WHERE seq = %s", ["case.close", 2])
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^audit chain broken: 1 problem\(s\)$"):
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == "row 2: edited: content does not match its digest\n"


def test_dp3_record_event_outside_a_transaction_raises():
    # No database fixture: outside the test's transaction there is no atomic block, and the
    # call must refuse before it touches the database.
    with pytest.raises(RuntimeError, match="must run inside the transaction"):
        record_event(actor=None, action="agency.create", obj=Agency(name="Fictional"))


def test_dp3_an_event_records_who_in_which_role_and_agency_when_in_utc_and_from_where(
    case, case_worker, agency
):
    token = context.set_current(context.RequestContext(ip_address="192.0.2.10", channel="web"))
    try:
        case_note_add(case=case, actor=case_worker, body="Fictional note.")
    finally:
        context.reset(token)

    event = AuditEvent.objects.get(action="note.add")
    assert (event.actor, event.actor_role, event.actor_agency_id) == (
        case_worker,
        Role.CASE_WORKER,
        agency.pk,
    )
    assert (event.case_id, event.ip_address, event.channel) == (case.pk, "192.0.2.10", "web")
    assert event.occurred_at.utcoffset() is not None
    assert event.occurred_at.utcoffset().total_seconds() == 0
    assert event.changes == {}
    assert verify_chain() == []


def test_dp3_a_non_canonical_ipv6_address_does_not_break_the_chain(case, case_worker):
    # The database stores IPv6 addresses in canonical form; the digest must be over that form.
    token = context.set_current(
        context.RequestContext(ip_address="2001:0DB8:0:0:0:0:0:0001", channel="api")
    )
    try:
        case_note_add(case=case, actor=case_worker, body="Fictional note.")
    finally:
        context.reset(token)

    assert AuditEvent.objects.get(action="note.add").ip_address == "2001:db8::1"
    assert verify_chain() == []


def test_dp3_child_update_audit_never_contains_names_or_special_needs(case, case_worker):
    # given a child's record with names and special needs
    old_values = ["Mali", "Testchild"]
    new_values = [
        "Fictionalgiven",
        "Fictionalfamily",
        "Fictional Romanised",
        "Fictional own words",
        "Fictional hearing support need",
        "Fictional alias",
    ]

    # when the names, special needs, gender in the child's words and aliases change
    child_update(
        case=case,
        actor=case_worker,
        given_name=new_values[0],
        family_name=new_values[1],
        name_romanised=new_values[2],
        gender="SelfDescribed",
        gender_self_described=new_values[3],
        special_needs=new_values[4],
        has_disability=True,
        birth_date=date(2012, 4, 1),
        aliases=[new_values[5]],
    )

    # then the audit row says they changed and nothing more
    event = AuditEvent.objects.get(action="child.update")
    assert event.changes == {
        "aliases": [REDACTED, REDACTED],
        "birth_date": [REDACTED, REDACTED],
        "family_name": [REDACTED, REDACTED],
        "gender": [REDACTED, REDACTED],
        "gender_self_described": [REDACTED, REDACTED],
        "given_name": [REDACTED, REDACTED],
        "has_disability": [REDACTED, REDACTED],
        "name_romanised": [REDACTED, REDACTED],
        "special_needs": [REDACTED, REDACTED],
    }
    every_row = " ".join(
        str(values) for values in AuditEvent.objects.values_list("action", "object_id", "changes")
    )
    for text in old_values + new_values:
        assert text not in every_row
    assert verify_chain() == []


def test_dp3_a_read_is_logged_with_the_roles_read_for_the_request_in_one_insert(
    case, case_worker, agency, other_agency, django_assert_num_queries
):
    Membership.objects.create(user=case_worker, agency=other_agency, role=Role.INTERPRETER)
    reader = type(case_worker).objects.get(pk=case_worker.pk)
    memberships(reader)  # as access reads them for the request

    with django_assert_num_queries(1):  # the insert: the memberships are not read again
        log_read(user=reader, what="case.view", case=case)

    row = AccessLog.objects.get()
    assert (row.roles, row.agency_id) == ("case_worker,interpreter", agency.pk)


def test_dp3_log_read_writes_an_access_log_row_and_no_audit_event(
    case, case_worker, agency, other_agency
):
    # given a case worker who also works for a second agency
    Membership.objects.create(user=case_worker, agency=other_agency, role=Role.INTERPRETER)
    events_before = AuditEvent.objects.count()
    # (as a request loads them: the roles access was decided on are the roles logged)
    reader = type(case_worker).objects.get(pk=case_worker.pk)

    # when they read the child's record from the web
    token = context.set_current(context.RequestContext(ip_address="198.51.100.7", channel="web"))
    try:
        log_read(user=reader, what="child.view", case=case)
    finally:
        context.reset(token)

    # then one access-log row names who, in which roles, for the case's agency, what and where
    row = AccessLog.objects.get()
    assert (row.user, row.roles, row.agency_id, row.what) == (
        case_worker,
        "case_worker,interpreter",
        agency.pk,
        "child.view",
    )
    assert (row.case_id, row.child_id, row.ip_address, row.channel) == (
        case.pk,
        case.child_id,
        "198.51.100.7",
        "web",
    )
    assert row.occurred_at.tzinfo is not None
    assert row.occurred_at.astimezone(UTC).utcoffset().total_seconds() == 0
    assert AuditEvent.objects.count() == events_before


def test_dp3_log_read_of_a_child_without_a_case(case, case_worker):
    log_read(user=case_worker, what="child.search_result", child=case.child)

    row = AccessLog.objects.get()
    assert (row.case_id, row.child_id, row.what, row.channel, row.ip_address) == (
        None,
        case.child_id,
        "child.search_result",
        "system",
        None,
    )


def test_dp3_audit_actor_with_no_active_membership_is_recorded_without_role(agency):
    user = staff(agency)
    user.memberships.update(is_active=False)

    with transaction.atomic():
        event = record_event(actor=user, action="user.logout_everywhere", obj=user)

    assert (event.actor_role, event.actor_agency_id, event.object_id) == (
        "",
        None,
        str(user.public_id),
    )
    assert verify_chain() == []


# --- the head cannot be rewritten, removed or wiped with the chain (issue 14, fault 2) -------

HEAD = connection.ops.quote_name(AuditChainHead._meta.db_table)


def _head_sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{head}", HEAD), params or [])


def test_dp3_deleting_the_last_rows_and_rewriting_the_head_is_detected(chain):
    # given someone with database access deletes the last three rows and moves the head back
    # to the row before them, as it was stored when that row was the last
    keep = chain - 3
    kept_digest = AuditEvent.objects.get(seq=keep).digest
    _sql("DELETE FROM {table} WHERE seq > %s", [keep])
    _head_sql("UPDATE {head} SET last_seq = %s, last_digest = %s WHERE id = 1", [keep, kept_digest])

    problems = verify_chain()

    assert _kinds(problems) == [(keep, "head")]
    assert problems[0].detail == "the chain head was rewritten outside Haven"
    _assert_command_fails()


def test_dp3_deleting_the_head_row_is_detected(chain):
    _head_sql("DELETE FROM {head}")

    problems = verify_chain()

    assert _kinds(problems) == [(0, "head")]
    assert problems[0].detail == "the chain head is missing"
    _assert_command_fails()


def test_dp3_deleting_every_event_is_detected_even_with_a_head_as_at_installation(chain):
    # given the whole chain deleted and the head put back as it was at installation (its
    # authenticator copied from a fresh install, where it was the same)
    _sql("DELETE FROM {table}")
    _head_sql("UPDATE {head} SET last_seq = 0, last_digest = '' WHERE id = 1")
    _head_sql("UPDATE {head} SET mac = %s WHERE id = 1", [head_mac(0, "")])

    problems = verify_chain()

    assert _kinds(problems) == [(0, "truncated")]
    assert problems[0].detail == "the chain is empty but 1 case(s) are recorded"
    _assert_command_fails()


def test_dp3_a_fresh_installation_with_no_case_and_no_event_verifies(db):
    AuditEvent.objects.all().delete()
    assert verify_chain() == []


def test_dp3_the_head_printed_earlier_is_compared_outside_the_database(chain):
    printed = io.StringIO()
    call_command("audit_verify", "--print-head", stdout=printed)
    anchor = printed.getvalue().strip()
    assert anchor == f"{chain}:{AuditEvent.objects.get(seq=chain).digest}"

    # the chain grows: the recorded head is still in it
    out = io.StringIO()
    call_command("audit_verify", "--expect-head", anchor, stdout=out)
    assert out.getvalue().startswith("audit chain intact")

    # cut back before the recorded head, with the head restored consistently
    _sql("DELETE FROM {table} WHERE seq >= %s", [chain])
    previous = AuditEvent.objects.get(seq=chain - 1)
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=previous.seq,
        last_digest=previous.digest,
        mac=head_mac(previous.seq, previous.digest),
    )
    assert verify_chain() == []  # only the anchor held outside can tell
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--expect-head", anchor, stdout=io.StringIO(), stderr=err)
    assert f"row {chain}: truncated: the chain no longer reaches row {chain}" in err.getvalue()

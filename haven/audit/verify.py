"""Checking the audit chain (DP-3). Streams the rows in sequence order, so memory stays flat."""

import hmac
from dataclasses import dataclass

from django.apps import apps

from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.services import compute_digest, head_mac


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "edited", "missing", "inserted", "truncated", "head"
    detail: str


def _head_problems(head: AuditChainHead | None) -> list[Problem]:
    """The head is created by the first migration and moved only with the audit key."""
    if head is None:
        return [Problem(0, "head", "the chain head is missing")]
    if not hmac.compare_digest(head.mac, head_mac(head.last_seq, head.last_digest)):
        return [Problem(head.last_seq, "head", "the chain head was rewritten outside Haven")]
    return []


def _history_without_chain() -> list[Problem]:
    """An empty chain where cases were recorded: every case's opening is an audit event, so
    its rows were deleted (the head with them, or put back as at installation)."""
    if AuditEvent.objects.exists() or not apps.is_installed("haven.cases"):
        return []
    cases = apps.get_model("cases", "Case").objects.count()
    if not cases:
        return []
    return [Problem(0, "truncated", f"the chain is empty but {cases} case(s) are recorded")]


def head_anchor() -> str:
    """The head as `SEQ:DIGEST`, to record outside the database (`audit_verify --print-head`)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return f"{head.last_seq}:{head.last_digest}" if head else "0:"


def anchor_problems(anchor: str) -> list[Problem]:
    """The chain must still hold the row an anchor recorded earlier, with the same digest: a
    chain cut back before it, with a forged or restored head, fails here."""
    seq_text, _, digest = anchor.partition(":")
    if not seq_text.isdigit():
        return [Problem(0, "head", f"the expected head “{anchor}” is not SEQ:DIGEST")]
    seq = int(seq_text)
    if seq == 0:
        return []
    row = AuditEvent.objects.filter(seq=seq).values_list("digest", flat=True).first()
    if row is None:
        return [Problem(seq, "truncated", f"the chain no longer reaches row {seq}")]
    if not hmac.compare_digest(row, digest):
        return [Problem(seq, "edited", f"row {seq} is not the row recorded as the head")]
    return []


def verify_chain(batch_size: int = 2000) -> list[Problem]:
    problems: list[Problem] = []
    expected_seq = 1
    prev_digest = ""
    # The head is updated in the same transaction as every append, so a row after it that does
    # not carry a valid digest was inserted behind the application's back. Reading the head
    # first means rows appended while we verify are checked like any other, not misreported.
    head = AuditChainHead.objects.filter(pk=1).first()
    problems += _head_problems(head)
    problems += _history_without_chain()
    head_digest_seen = ""
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        after_head = head is not None and event.seq > head.last_seq
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                problems.append(
                    Problem(
                        expected_seq, "missing", f"rows {expected_seq}..{event.seq - 1} are gone"
                    )
                )
            else:
                problems.append(Problem(event.seq, "inserted", "sequence number out of order"))
        if event.prev_digest != prev_digest:
            problems.append(
                Problem(
                    event.seq,
                    "inserted" if event.seq == expected_seq else "missing",
                    "does not follow the previous row",
                )
            )
        if compute_digest(event) != event.digest:
            if after_head:
                problems.append(Problem(event.seq, "inserted", "after the last appended row"))
            else:
                problems.append(Problem(event.seq, "edited", "content does not match its digest"))
        if head is not None and event.seq == head.last_seq:
            head_digest_seen = event.digest
        expected_seq = event.seq + 1
        prev_digest = event.digest
    if head is not None and (
        expected_seq - 1 < head.last_seq or head.last_digest != head_digest_seen
    ):
        problems.append(
            Problem(expected_seq - 1, "truncated", f"the chain should end at row {head.last_seq}")
        )
    return problems

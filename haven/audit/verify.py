"""Checking the audit chain (DP-3). Streams the rows in sequence order, so memory stays flat."""

from dataclasses import dataclass

from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.services import compute_digest


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "edited", "missing", "inserted", "truncated"
    detail: str


def verify_chain(batch_size: int = 2000) -> list[Problem]:
    problems: list[Problem] = []
    expected_seq = 1
    prev_digest = ""
    # The head is updated in the same transaction as every append, so a row after it that does
    # not carry a valid digest was inserted behind the application's back. Reading the head
    # first means rows appended while we verify are checked like any other, not misreported.
    head = AuditChainHead.objects.filter(pk=1).first()
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

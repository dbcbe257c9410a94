"""Writing the audit trail. Every service calls `record_event` inside its own transaction, so a
change and its audit row commit or roll back together (DP-3)."""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from haven.audit import context
from haven.audit.models import AccessLog, AuditChainHead, AuditEvent

REDACTED = "[changed]"


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, for diffing before and after a change."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = jsonable(getattr(instance, getattr(field, "attname", name)))
    return values


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], *, content_fields: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}. Fields that hold case content are recorded as
    changed without their values (DP-3: audit entries never contain case content)."""
    hidden = set(content_fields)
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [REDACTED, REDACTED] if name in hidden else [old, new]
    return changes


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "actor_agency": event.actor_agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case": event.case_id,
        "changes": event.changes,
        "ip": event.ip_address,
        "channel": event.channel,
        "prev": event.prev_digest,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_digest(event: AuditEvent) -> str:
    key = settings.HAVEN_AUDIT_KEY.encode()
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def head_mac(last_seq: int, last_digest: str) -> str:
    """The chain head's authenticator: only the holder of the audit key can move the head."""
    key = settings.HAVEN_AUDIT_KEY.encode()
    return hmac.new(key, f"head:{last_seq}:{last_digest}".encode(), hashlib.sha256).hexdigest()


def _active_memberships(user: Any) -> list[Any]:
    """The user's active memberships: the list haven.accounts.access.memberships keeps on the
    user object for the request when it has read them (every request that reaches a case has),
    else read here. Audit lies below accounts and cannot call it; reading them again cost every
    logged read and every recorded change one query."""
    kept = getattr(user, "_haven_memberships", None)
    if kept is not None:
        return list(kept)
    return sorted((m for m in user.memberships.all() if m.is_active), key=lambda m: m.pk)


def _actor_role_and_agency(actor: Any, agency_id: int | None) -> tuple[str, int | None]:
    if actor is None:
        return "", None
    memberships = _active_memberships(actor)
    chosen = next((m for m in memberships if m.agency_id == agency_id), None) or (
        memberships[0] if memberships else None
    )
    return (chosen.role, chosen.agency_id) if chosen else ("", None)


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    case: Any = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    event = _chained(head, actor=actor, action=action, obj=obj, case=case, changes=changes)
    event.save(force_insert=True)
    _advance(head, event)
    return event


def record_events(
    *,
    actor: Any,
    action: str,
    entries: Sequence[tuple[models.Model, Any, Mapping[str, Any] | None]],
) -> list[AuditEvent]:
    """Append one event of `action` per (obj, case, changes) entry under a single lock of the
    chain head: a fixed number of queries however many entries (a batch job's event per case).
    Must run inside the caller's transaction, like `record_event`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change it records")
    if not entries:
        return []
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    events = []
    for obj, case, changes in entries:
        event = _chained(head, actor=actor, action=action, obj=obj, case=case, changes=changes)
        head.last_seq, head.last_digest = event.seq, event.digest
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    _advance(head, events[-1])
    return events


def _chained(
    head: AuditChainHead,
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    case: Any,
    changes: Mapping[str, Any] | None,
) -> AuditEvent:
    """The event that follows `head` in the chain, with its digest (not saved)."""
    ctx = context.current()
    role, agency_id = _actor_role_and_agency(actor, getattr(case, "lead_agency_id", None))
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor=actor,
        actor_role=role,
        actor_agency_id=agency_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "public_id", obj.pk)),
        case_id=getattr(case, "pk", None),
        changes={k: [jsonable(v) for v in pair] for k, pair in (changes or {}).items()},
        # The digest must cover the address as the database will return it (IPv6 canonical form).
        ip_address=AuditEvent._meta.get_field("ip_address").get_prep_value(ctx.ip_address),
        channel=ctx.channel,
        prev_digest=head.last_digest,
    )
    event.digest = compute_digest(event)
    return event


def _advance(head: AuditChainHead, last: AuditEvent) -> None:
    head.last_seq, head.last_digest = last.seq, last.digest
    head.mac = head_mac(last.seq, last.digest)
    head.save(update_fields=["last_seq", "last_digest", "mac"])


def log_read(*, user: Any, what: str, case: Any = None, child: Any = None) -> None:
    """Record that `user` read a child's record (DP-3, CC-7)."""
    ctx = context.current()
    memberships = _active_memberships(user)
    agency_id = getattr(case, "lead_agency_id", None)
    AccessLog.objects.create(
        occurred_at=timezone.now(),
        user=user,
        roles=",".join(sorted({m.role for m in memberships})),
        agency_id=next((m.agency_id for m in memberships if m.agency_id == agency_id), None)
        or (memberships[0].agency_id if memberships else None),
        what=what,
        case_id=getattr(case, "pk", None),
        child_id=getattr(child, "pk", None) or getattr(case, "child_id", None),
        ip_address=ctx.ip_address,
        channel=ctx.channel,
    )

"""The audit trail (DESIGN idea 4; DP-3, DP-15).

AuditEvent records every change: who, in which role and agency, what (an action code such as
`case.open` and the object's public ID), when (UTC), from where, and which fields changed with
their before/after values — except fields that hold case content (names, narratives, notes),
which are recorded as changed without their values. Rows are chained: each row's `digest` is an
HMAC over its own content and the previous row's digest, and `seq` has no gaps, so
`manage.py audit_verify` detects an edited, deleted or inserted row.

AccessLog records every read of a child's record. It is append-only but not chained: it is
written on every page view, and a chain would serialise reads.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.audit.labels import detail, label


class AuditChainHead(models.Model):
    """One row holding the last sequence number and digest. Locking it serialises appends. Its
    `mac` (an HMAC with the audit key) authenticates it: a head rewritten with plain SQL to hide
    deleted rows at the end of the chain no longer verifies."""

    last_seq = models.BigIntegerField(default=0)
    last_digest = models.CharField(max_length=64, default="")
    mac = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit chain at {self.last_seq}"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=30, blank=True)
    actor_agency_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    case_id = models.BigIntegerField(null=True, db_index=True)
    changes = models.JSONField(default=dict)
    ip_address = models.GenericIPAddressField(null=True)
    channel = models.CharField(max_length=10, default="system")
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def label(self) -> str:
        return label(self.action)

    @property
    def detail(self) -> str:
        return detail(self.action, self.changes)


class AccessLog(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    roles = models.CharField(max_length=200, blank=True)
    agency_id = models.BigIntegerField(null=True)
    what = models.CharField(max_length=60)
    case_id = models.BigIntegerField(null=True, db_index=True)
    child_id = models.BigIntegerField(null=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    channel = models.CharField(max_length=10, default="system")

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.what} by {self.user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.safeguards.registry import Severity, get_rule


class Alert(HavenModel):
    """A breach of a safeguard rule on a case. At most one open alert per (case, rule, subject);
    it clears itself when the condition goes, otherwise it is resolved with a written reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLEARED = "cleared", _("Cleared (condition no longer holds)")
        RESOLVED = "resolved", _("Resolved with a reason")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="alerts")
    rule_code = models.CharField(max_length=60)
    measure_id = models.CharField(max_length=10)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    subject = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_reason = EncryptedTextField(_("reason"))
    # A resolved alert is not raised again while its condition keeps holding; once the condition
    # goes, this is set, and a new breach raises a new alert.
    condition_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule_code", "subject"],
                condition=models.Q(status="open"),
                name="alert_one_open_per_case_rule_subject",
            )
        ]
        indexes = [models.Index(fields=["rule_code", "status"], name="alert_rule_status_idx")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.rule_code}"

    @property
    def rule(self):  # type: ignore[no-untyped-def]
        return get_rule(self.rule_code)

    @property
    def message(self):  # type: ignore[no-untyped-def]
        return self.rule.message

    @property
    def title(self):  # type: ignore[no-untyped-def]
        return self.rule.title

    @property
    def subject_label(self) -> str:
        """What the alert is about, in words, where its rule names its subjects: "Arrange safe
        accommodation" for an overdue first step. Empty otherwise."""
        label = getattr(self.rule, "subject_label", None)
        return str(label(self.subject)) if label and self.subject else ""


class Notification(models.Model):
    """A critical alert escalated to a person's inbox (ND-2): the case worker's supervisor and
    the child-protection authority's officers. It says which case and which measure, never the
    child's name or what happened."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "alert"], name="notification_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.alert_id}"

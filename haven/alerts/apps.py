from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alerts as practitioners meet them: the lists, resolving with a reason, the Urgent inbox,
    the escalation of critical alerts and the periodic sweep. Above cases (it needs who may see
    which case); the engine and the registry below it know no area."""

    name = "haven.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from haven.alerts import labels  # noqa: F401  (registers the audit labels)
        from haven.alerts.escalation import escalate
        from haven.safeguards.engine import on_critical

        on_critical(escalate)

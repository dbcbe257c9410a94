from django.db import migrations


def fill(apps, schema_editor):
    """Existing assignments: a case worker holds the case through the lead agency, anyone else
    through their first active agency."""
    CaseAssignment = apps.get_model("cases", "CaseAssignment")
    Membership = apps.get_model("accounts", "Membership")
    for assignment in CaseAssignment.objects.filter(agency__isnull=True).select_related("case"):
        if assignment.role == "case_worker":
            agency_id = assignment.case.lead_agency_id
        else:
            membership = (
                Membership.objects.filter(user_id=assignment.user_id, is_active=True)
                .order_by("pk")
                .first()
            )
            agency_id = membership.agency_id if membership else assignment.case.lead_agency_id
        CaseAssignment.objects.filter(pk=assignment.pk).update(agency_id=agency_id)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_caseassignment_agency"), ("accounts", "0004_agency_time_zone")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

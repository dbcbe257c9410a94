from django.urls import path

from haven.justice import views as jv

app_name = "justice"

_PART = "<uuid:public_id>/justice/<uuid:part_id>"

urlpatterns = [
    path("<uuid:public_id>/justice/", jv.justice, name="justice"),
    path("<uuid:public_id>/justice/new/", jv.proceeding_new, name="proceeding_new"),
    path("<uuid:public_id>/justice/join/", jv.proceeding_join, name="proceeding_join"),
    path(f"{_PART}/", jv.proceeding_edit, name="proceeding_edit"),
    path(f"{_PART}/hearings/new/", jv.hearing_new, name="hearing_new"),
    path(f"{_PART}/hearings/<uuid:hearing_id>/", jv.attendance, name="attendance"),
    path(f"{_PART}/events/new/", jv.event_new, name="event_new"),
    path(f"{_PART}/participation/new/", jv.participation_new, name="participation_new"),
    path(f"{_PART}/statements/new/", jv.statement_new, name="statement_new"),
    path(f"{_PART}/updates/new/", jv.update_new, name="update_new"),
    path(f"{_PART}/risk/new/", jv.risk_new, name="risk_new"),
    path(f"{_PART}/compensation/new/", jv.compensation_new, name="compensation_new"),
    path(
        f"{_PART}/compensation/<uuid:claim_id>/",
        jv.compensation_update,
        name="compensation_update",
    ),
]

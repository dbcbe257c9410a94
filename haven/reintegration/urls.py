from django.urls import path

from haven.reintegration import views as rv

app_name = "reintegration"

_CASE = "<uuid:public_id>/recovery"
_PLAN = f"{_CASE}/plans/<uuid:plan_id>"

urlpatterns = [
    path(f"{_CASE}/", rv.recovery, name="recovery"),
    path(f"{_CASE}/family/new/", rv.member_new, name="member_new"),
    path(f"{_CASE}/family/<uuid:member_id>/", rv.member_edit, name="member_edit"),
    path(f"{_CASE}/family/assessments/new/", rv.assessment_new, name="assessment_new"),
    path(f"{_CASE}/pathways/new/", rv.pathway_new, name="pathway_new"),
    path(
        f"{_CASE}/pathways/<uuid:pathway_id>/carried-out/",
        rv.pathway_carried_out,
        name="pathway_carried_out",
    ),
    path(f"{_CASE}/safety-plan/new/", rv.safety_plan_new, name="safety_plan_new"),
    path(f"{_CASE}/plans/new/", rv.plan_new, name="plan_new"),
    path(f"{_PLAN}/services/new/", rv.plan_service_new, name="plan_service_new"),
    path(f"{_PLAN}/reviews/new/", rv.plan_review_new, name="plan_review_new"),
    path(f"{_PLAN}/visits/new/", rv.visit_new, name="visit_new"),
    path(f"{_CASE}/retrafficking/new/", rv.retrafficking_new, name="retrafficking_new"),
    path(f"{_CASE}/contact-attempts/new/", rv.attempt_new, name="attempt_new"),
]

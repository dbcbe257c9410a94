from django.urls import path

from haven.consent import views as consent_views
from haven.protection import views

app_name = "protection"
urlpatterns = [
    path("guardians/", views.guardians, name="guardians"),
    path("<uuid:public_id>/protection/", views.overview, name="overview"),
    path("<uuid:public_id>/consents/new/", consent_views.consent_new, name="consent_new"),
    path(
        "<uuid:public_id>/consents/<uuid:consent_id>/withdraw/",
        consent_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<uuid:public_id>/consents/<uuid:consent_id>/override/",
        consent_views.consent_override,
        name="consent_override",
    ),
    path(
        "<uuid:public_id>/information/new/", consent_views.information_new, name="information_new"
    ),
    path(
        "<uuid:public_id>/information/<uuid:session_id>/sheet/",
        consent_views.information_sheet,
        name="information_sheet",
    ),
    path("<uuid:public_id>/decisions/new/", views.decision_new, name="decision_new"),
    path("<uuid:public_id>/decisions/<uuid:decision_id>/", views.decision_detail, name="decision"),
    path("<uuid:public_id>/guardian/appoint/", views.guardian_appoint, name="guardian_appoint"),
    path(
        "<uuid:public_id>/guardian/<uuid:appointment_id>/end/",
        views.guardian_end,
        name="guardian_end",
    ),
    path("<uuid:public_id>/needs/new/", views.needs_new, name="needs_new"),
    path("<uuid:public_id>/services/new/", views.service_new, name="service_new"),
    path(
        "<uuid:public_id>/services/<uuid:service_id>/",
        views.service_update,
        name="service_update",
    ),
]

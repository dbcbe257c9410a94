from django.urls import path

from haven.consent import views as consent_views
from haven.protection import placement_views as pv
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
    path("<uuid:public_id>/placement/", pv.placements, name="placements"),
    path("<uuid:public_id>/placement/new/", pv.placement_new, name="placement_new"),
    path(
        "<uuid:public_id>/placement/<uuid:item_id>/review/",
        pv.placement_review,
        name="placement_review",
    ),
    path(
        "<uuid:public_id>/placement/<uuid:item_id>/end/",
        pv.placement_end,
        name="placement_end",
    ),
    path(
        "<uuid:public_id>/placement/<uuid:item_id>/decision/",
        pv.placement_decision,
        name="placement_decision",
    ),
    path(
        "<uuid:public_id>/placement/<uuid:item_id>/challenge/",
        pv.challenge_new,
        name="challenge_new",
    ),
    path(
        "<uuid:public_id>/challenges/<uuid:item_id>/decision/",
        pv.challenge_decide,
        name="challenge_decide",
    ),
    path("<uuid:public_id>/restrictions/new/", pv.restriction_new, name="restriction_new"),
    path(
        "<uuid:public_id>/restrictions/<uuid:item_id>/review/",
        pv.restriction_review,
        name="restriction_review",
    ),
    path("<uuid:public_id>/family-contact/new/", pv.family_contact_new, name="family_contact_new"),
    path("<uuid:public_id>/charges/new/", pv.charge_new, name="charge_new"),
    path("<uuid:public_id>/charges/<uuid:item_id>/", pv.charge_update, name="charge_update"),
]

from django.urls import path

from haven.placements import views as pv

app_name = "placements"
urlpatterns = [
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

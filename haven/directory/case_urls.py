"""A case's referrals, under /cases/<id>/ like the protection pages."""

from django.urls import path

from haven.directory import views

app_name = "referrals"
urlpatterns = [
    path("<uuid:public_id>/referrals/", views.case_referrals, name="list"),
    path("<uuid:public_id>/referrals/new/", views.referral_new, name="new"),
    path(
        "<uuid:public_id>/referrals/<uuid:referral_id>/withdraw/", views.withdraw, name="withdraw"
    ),
    path("<uuid:public_id>/referrals/<uuid:referral_id>/close/", views.close, name="close"),
    path("<uuid:public_id>/transfers/", views.case_transfers, name="transfers"),
    path(
        "<uuid:public_id>/transfers/<uuid:transfer_id>/withdraw/",
        views.transfer_withdraw,
        name="transfer_withdraw",
    ),
]

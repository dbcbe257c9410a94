from django.urls import path

from haven.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.offer_new, name="offer_new"),
    path("manage/<uuid:offer_id>/", views.offer_edit, name="offer_edit"),
    path("manage/<uuid:offer_id>/deactivate/", views.offer_deactivate, name="offer_deactivate"),
    path("assessments/", views.assessments, name="assessments"),
    path("referrals/incoming/", views.incoming, name="incoming"),
    path("referrals/<uuid:referral_id>/accept/", views.accept, name="accept"),
    path("referrals/<uuid:referral_id>/decline/", views.decline, name="decline"),
    path("transfers/<uuid:transfer_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<uuid:transfer_id>/decline/", views.transfer_decline, name="transfer_decline"),
]

from django.urls import path

from haven.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("password/", views.password_change, name="password_change"),
    path("me/", views.account, name="account"),
    path("members/", views.members, name="members"),
    path("languages/", views.languages, name="languages"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<uuid:public_id>/", views.agency_edit, name="agency_edit"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/<uuid:public_id>/reset/", views.member_reset, name="member_reset"),
    path(
        "members/<uuid:public_id>/reset-second-step/",
        views.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
]

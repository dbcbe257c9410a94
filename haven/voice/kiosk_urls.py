from django.urls import path, re_path

from haven.voice import kiosk_views as views

app_name = "kiosk"
urlpatterns = [
    path("", views.kiosk_home, name="home"),
    path("start/", views.kiosk_start, name="start"),
    path("close/", views.kiosk_close, name="close"),
    path("thanks/", views.kiosk_thanks, name="thanks"),
    path("<uuid:public_id>/close/", views.kiosk_close_remote, name="close_remote"),
    re_path(r"^(?P<lang>[a-z]{2,3})/$", views.kiosk_form, name="form"),
]

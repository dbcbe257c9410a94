from django.urls import path

from haven.voice import views

app_name = "voice"
urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("record/", views.feedback_record, name="record"),
    path("<uuid:public_id>/", views.feedback_detail, name="detail"),
    path("<uuid:public_id>/acknowledge/", views.feedback_acknowledge, name="acknowledge"),
    path("<uuid:public_id>/resolve/", views.feedback_resolve, name="resolve"),
]

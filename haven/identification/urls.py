from django.urls import path

from haven.identification import views

app_name = "identification"
urlpatterns = [
    path("find/", views.find_child, name="find_child"),
    path("<uuid:public_id>/screenings/new/", views.screening_new, name="screening_new"),
    path(
        "<uuid:public_id>/screenings/<uuid:screening_id>/",
        views.screening_detail,
        name="screening",
    ),
    path("<uuid:public_id>/first-steps/<uuid:step_id>/done/", views.step_done, name="step_done"),
    path(
        "<uuid:public_id>/first-steps/<uuid:step_id>/not-needed/",
        views.step_not_needed,
        name="step_not_needed",
    ),
    path("<uuid:public_id>/status/", views.status_decide, name="status"),
]

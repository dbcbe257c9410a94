from django.urls import path

from haven.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.my_alerts, name="my_alerts"),
    path("<uuid:public_id>/resolve/", views.resolve, name="resolve"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]

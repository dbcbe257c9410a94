from django.urls import path

from haven.safeguards import views

app_name = "safeguards"
urlpatterns = [
    path("", views.my_alerts, name="my_alerts"),
    path("<uuid:public_id>/resolve/", views.resolve, name="resolve"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]

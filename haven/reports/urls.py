from django.urls import path

from haven.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:who>/", views.caseloads, name="caseloads"),
    path("statistics/", views.statistics, name="statistics"),
    path("releases/", views.releases, name="releases"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<uuid:public_id>/", views.release_detail, name="release"),
    path("releases/<uuid:public_id>/authorise/", views.release_authorise, name="authorise"),
    path("releases/<uuid:public_id>/download/", views.release_download, name="download"),
]

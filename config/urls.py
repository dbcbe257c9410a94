from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from haven.web import summary as web_summary
from haven.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("haven.accounts.urls")),
    path("cases/", include("haven.cases.urls")),
    path("cases/", include("haven.identification.urls")),
    path("cases/", include("haven.protection.urls")),
    path("cases/", include("haven.placements.urls")),
    path("cases/", include("haven.justice.urls")),
    path("cases/", include("haven.reintegration.urls")),
    path("cases/", include("haven.directory.case_urls")),
    path("cases/", include("haven.documents.urls")),
    path("cases/<uuid:public_id>/summary.pdf", web_summary.case_summary, name="case_summary"),
    path("directory/", include("haven.directory.urls")),
    path("alerts/", include("haven.alerts.urls")),
    path("voice/", include("haven.voice.urls")),
    path("kiosk/", include("haven.voice.kiosk_urls")),
    path("reports/", include("haven.reports.urls")),
    path("api/", include("haven.api.urls")),
    path("system-admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

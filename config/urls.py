from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from haven.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("haven.accounts.urls")),
    path("cases/", include("haven.cases.urls")),
    path("cases/", include("haven.identification.urls")),
    path("cases/", include("haven.protection.urls")),
    path("cases/", include("haven.directory.case_urls")),
    path("directory/", include("haven.directory.urls")),
    path("alerts/", include("haven.safeguards.urls")),
    path("voice/", include("haven.voice.urls")),
    path("kiosk/", include("haven.voice.kiosk_urls")),
    path("reports/", include("haven.reports.urls")),
    path("api/", include("haven.api.urls")),
    path("system-admin/", admin.site.urls),
]

handler400 = "haven.core.views.bad_request"
handler403 = "haven.core.views.permission_denied"
handler404 = "haven.core.views.page_not_found"
handler500 = "haven.core.views.server_error"

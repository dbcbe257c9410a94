from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from haven.api import protection as views_protection
from haven.api import views

# SimpleRouter: no format-suffix twins of every route, no browsable root; JSON only.
router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("cases", views.CaseViewSet, basename="case")
# Consent, information, best interests, guardianship, needs and services: detail routes of a case.
router.register("cases", views_protection.ProtectionViewSet, basename="case-protection")
router.register("children", views.ChildViewSet, basename="child")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("indicators", views.IndicatorViewSet, basename="indicator")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

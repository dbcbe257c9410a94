from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from haven.api import agencies as views_agencies
from haven.api import directory as views_directory
from haven.api import documents as views_documents
from haven.api import emergency as views_emergency
from haven.api import justice as views_justice
from haven.api import placements as views_placements
from haven.api import protection as views_protection
from haven.api import reintegration as views_reintegration
from haven.api import reports as views_reports
from haven.api import transfers as views_transfers
from haven.api import views
from haven.api import voice as views_voice

# SimpleRouter: no format-suffix twins of every route, no browsable root; JSON only.
router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("cases", views.CaseViewSet, basename="case")
# Consent, information, best interests, guardianship, needs and services: detail routes of a case.
router.register("cases", views_protection.ProtectionViewSet, basename="case-protection")
# Where the child lives: placements, restrictions, family contact, charges (ND-1 … ND-5).
router.register("cases", views_placements.PlacementViewSet, basename="case-placement")
# The child as a victim-witness: proceedings, participation, hearings, statements (VW-1 … VW-8).
router.register("cases", views_justice.JusticeViewSet, basename="case-justice")
router.register("cases", views_reintegration.ReintegrationViewSet, basename="case-reintegration")
router.register("cases", views_directory.CaseReferralViewSet, basename="case-referral")
# Documents and photos, stored encrypted, each download logged (DP-13).
router.register("cases", views_documents.DocumentViewSet, basename="case-document")
router.register("directory", views_directory.DirectoryViewSet, basename="directory")
# Handing a case over to another agency (RR-7): the sender's routes and the receiver's inbox.
router.register("cases", views_transfers.CaseTransferViewSet, basename="case-transfer")
router.register("directory", views_transfers.IncomingTransferViewSet, basename="transfer")
router.register("children", views.ChildViewSet, basename="child")
router.register("alerts", views.AlertViewSet, basename="alert")
# Emergency access to a case, and its review (DP-4).
router.register(
    "emergency-access", views_emergency.EmergencyAccessViewSet, basename="emergency-access"
)
router.register("feedback", views_voice.FeedbackViewSet, basename="feedback")  # CC-12, CC-13
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("reports", views_reports.ReportsViewSet, basename="reports")  # CC-16, DP-12
router.register("agencies", views_agencies.AgencyViewSet, basename="agency")
router.register("due", views.DueViewSet, basename="due")  # CC-9: what is due

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

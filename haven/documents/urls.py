from django.urls import path

from haven.documents import views

app_name = "documents"
urlpatterns = [
    path("<uuid:public_id>/documents/", views.documents, name="list"),
    path("<uuid:public_id>/documents/<uuid:document_id>/file/", views.download, name="download"),
    path("<uuid:public_id>/documents/<uuid:document_id>/preview/", views.preview, name="preview"),
    path("<uuid:public_id>/documents/<uuid:document_id>/remove/", views.remove, name="remove"),
]

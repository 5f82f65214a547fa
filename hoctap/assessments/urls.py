"""URLs of the assessments app."""

from django.urls import path

from hoctap.assessments import views

app_name = "assessments"

urlpatterns = [
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]

"""URLs of the recognition pages (signed-in users)."""

from django.urls import path

from hoctap.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.decision_list, name="decision_list"),
    path("new/", views.decision_new, name="decision_new"),
    path("<int:pk>/", views.decision_detail, name="decision_detail"),
    path("<int:pk>/decision.docx", views.decision_docx, name="decision_docx"),
    path("<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<int:pk>/signed/", views.decision_signed_upload, name="decision_signed_upload"),
    path("<int:pk>/signed/download/", views.decision_signed, name="decision_signed"),
    path("<int:pk>/print/", views.batch_request, name="batch_request"),
    path("batches/<int:pk>/", views.batch_status, name="batch_status"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("certificates/<str:serial>/", views.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<str:serial>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"
    ),
    path(
        "certificates/<str:serial>/credential.json",
        views.certificate_credential,
        name="certificate_credential",
    ),
    path("certificates/<str:serial>/revoke/", views.certificate_revoke, name="certificate_revoke"),
]

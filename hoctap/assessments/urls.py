"""URLs of the assessments app."""

from django.urls import path

from hoctap.assessments import config_views, dossier_views, self_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.work_list, name="work_list"),
    path("register/", views.register, name="register"),
    path("register/hamlet/", views.bulk_register, name="bulk_register"),
    path("bulk/", views.bulk, name="bulk"),
    path("mine/", self_views.mine, name="mine"),
    path("mine/register/", self_views.mine_register, name="mine_register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/scores/", views.scores_save, name="scores_save"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/step/", views.transition, name="transition"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/dossier/report.docx", dossier_views.dossier_report_docx, name="dossier_report"),
    path(
        "<int:pk>/dossier/summary.docx", dossier_views.dossier_summary_docx, name="dossier_summary"
    ),
    path(
        "<int:pk>/dossier/summary.xlsx",
        dossier_views.dossier_summary_xlsx,
        name="dossier_summary_xlsx",
    ),
    path("config/rules/", config_views.rules_page, name="config_rules"),
    path(
        "config/rules/<str:title>/<str:action>/",
        config_views.rule_edit,
        name="config_rule_edit",
    ),
    path("config/deadlines/", config_views.deadlines_page, name="config_deadlines"),
    path("config/deadlines/remove/", config_views.deadline_remove, name="config_deadline_remove"),
]

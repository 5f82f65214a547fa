from django.urls import path

from hoctap.reports import plan_views, views

app_name = "reports"

urlpatterns = [
    # The work list: reports the user fills, periods they own, plans.
    path("", views.work_list, name="index"),
    path("periods/new/", views.period_new, name="period_new"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("periods/<int:pk>/compiled.docx", views.compiled_docx, name="compiled_docx"),
    path("periods/<int:pk>/compiled.xlsx", views.compiled_xlsx, name="compiled_xlsx"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/versions/", views.report_versions, name="report_versions"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/tasks/new/", plan_views.task_new, name="task_new"),
    path("tasks/<int:pk>/progress/", plan_views.task_progress, name="task_progress"),
    path("tasks/evidence/<int:pk>/", plan_views.task_evidence, name="task_evidence"),
]

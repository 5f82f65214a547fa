"""URLs of the dashboards and targets (signed-in users); mounted at /dashboard/."""

from django.urls import path

from hoctap.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.dashboard_home, name="country_dashboard"),
    path("export.xlsx", views.country_export, name="country_export"),
    path("targets/", views.country_targets, name="country_targets"),
    path("<str:key>/", views.dashboard_unit, name="dashboard"),
    path("<str:key>/export.xlsx", views.dashboard_export, name="export"),
    path("<str:key>/targets/", views.unit_targets, name="targets"),
]

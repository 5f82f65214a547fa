from django.urls import path

from hoctap.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.person_list, name="people"),
    path("people/export.xlsx", views.person_export, {"fmt": "xlsx"}, name="people_export_xlsx"),
    path("people/export.csv", views.person_export, {"fmt": "csv"}, name="people_export_csv"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:pk>/members/new/",
        views.household_member_add,
        name="household_member_add",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_form, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_form, name="organisation_edit"),
    path("clans/", views.clan_list, name="clan_list"),
    path("clans/new/", views.clan_form, name="clan_create"),
    path("clans/<int:pk>/edit/", views.clan_form, name="clan_edit"),
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<str:key>/", views.centre_detail, name="centre_detail"),
    path("centres/<str:key>/activities/", views.centre_activity, name="centre_activity"),
    path("statistics/", views.statistic_list, name="statistic_list"),
    path("statistics/new/", views.statistic_form, name="statistic_create"),
    path("statistics/<int:pk>/edit/", views.statistic_form, name="statistic_edit"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/template/", views.import_template, name="import_template"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
]

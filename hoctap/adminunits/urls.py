from django.urls import path

from hoctap.adminunits import views

app_name = "adminunits"

urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<str:key>/", views.unit_detail, name="detail"),
    path("<str:key>/hamlets/new/", views.hamlet_create, name="hamlet_create"),
    path("<str:key>/edit/", views.hamlet_edit, name="hamlet_edit"),
]

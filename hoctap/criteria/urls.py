from django.urls import path

from hoctap.criteria import views

app_name = "criteria"

urlpatterns = [
    path("", views.criteria_set_list, name="list"),
    path("upload/", views.criteria_set_upload, name="upload"),
    path("<slug:code>/", views.criteria_set_detail, name="detail"),
]

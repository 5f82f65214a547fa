from django.urls import path

from hoctap.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("healthz", views.healthz, name="healthz"),
]

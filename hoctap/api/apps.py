from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hoctap.api"
    label = "api"
    verbose_name = "API"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminUnitsConfig(AppConfig):
    name = "hoctap.adminunits"
    label = "adminunits"
    verbose_name = _("Administrative units")

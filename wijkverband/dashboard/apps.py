from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "wijkverband.dashboard"
    label = "dashboard"
    verbose_name = _("Region dashboard")

    def ready(self):
        from wijkverband.dashboard.panels import register

        register()

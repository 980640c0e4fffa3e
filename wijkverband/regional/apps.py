from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionalConfig(AppConfig):
    name = "wijkverband.regional"
    label = "regional"
    verbose_name = _("Regional work")

    def ready(self):
        from wijkverband.regional import panels

        # A panel on the region home, one on the team home (the region's offers) and one on each
        # linked bottleneck's page: the pages below this app learn of it only through the registry.
        panels.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookupConfig(AppConfig):
    name = "wijkverband.lookup"
    label = "lookup"
    verbose_name = _("Public postcode lookup")

    def ready(self):
        from wijkverband.lookup import panels

        panels.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "wijkverband.signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from wijkverband.signals.panels import register

        register()

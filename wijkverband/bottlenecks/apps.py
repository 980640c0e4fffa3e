from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BottlenecksConfig(AppConfig):
    name = "wijkverband.bottlenecks"
    label = "bottlenecks"
    verbose_name = _("Bottlenecks")

    def ready(self):
        from wijkverband.bottlenecks import panels

        panels.register()

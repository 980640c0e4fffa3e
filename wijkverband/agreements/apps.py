from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "wijkverband.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from wijkverband.agreements.panels import register

        register()

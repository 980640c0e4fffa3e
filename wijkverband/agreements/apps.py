from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "wijkverband.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from wijkverband.agreements import notices
        from wijkverband.agreements.panels import register
        from wijkverband.work.services.reminders import register_time_check

        register()
        # The hourly job asks this app what waits: endorsements, review dates (docs/work.md).
        register_time_check("agreements", notices.time_check)

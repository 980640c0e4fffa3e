from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WijkCardConfig(AppConfig):
    name = "wijkverband.wijkcard"
    label = "wijkcard"
    verbose_name = _("Neighbourhood card")

    def ready(self):
        from wijkverband.wijkcard import notices, panels
        from wijkverband.work.services.reminders import register_time_check

        panels.register()
        # The hourly job asks which entries are due to be confirmed again (docs/wijkcard.md).
        register_time_check("wijkcard", notices.time_check)
        # Who no longer answers for an entry (a coordinator made member) is no longer asked to.
        from wijkverband.core.registry import register_rights_narrowed

        register_rights_narrowed("wijkcard", notices.rights_narrowed)

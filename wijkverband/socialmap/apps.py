from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialMapConfig(AppConfig):
    name = "wijkverband.socialmap"
    label = "socialmap"
    verbose_name = _("Social map")

    def ready(self):
        from wijkverband.socialmap import notices, panels
        from wijkverband.work.services.reminders import register_time_check

        panels.register()
        # The daily question: which entries are due to be confirmed again (docs/socialmap.md).
        register_time_check("socialmap", notices.time_check)

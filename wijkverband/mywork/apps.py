from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyWorkConfig(AppConfig):
    name = "wijkverband.mywork"
    label = "mywork"
    verbose_name = _("My work")

    def ready(self):
        from wijkverband.mywork.panels import register

        register()

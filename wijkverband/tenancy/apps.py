from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "wijkverband.tenancy"
    label = "tenancy"
    verbose_name = _("Teams and regions")

    def ready(self):
        from wijkverband.realtime.hooks import register_connect_check
        from wijkverband.tenancy.second_factor import socket_refusal

        # The socket demands what the pages demand: a second factor where the role needs one.
        register_connect_check(socket_refusal)

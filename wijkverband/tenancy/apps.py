from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "wijkverband.tenancy"
    label = "tenancy"
    verbose_name = _("Teams and regions")

    def ready(self):
        from wijkverband.core.registry import NavItem, register_team_nav
        from wijkverband.realtime.hooks import register_connect_check
        from wijkverband.tenancy.second_factor import socket_refusal

        # The socket demands what the pages demand: a second factor where the role needs one.
        register_connect_check(socket_refusal)
        # Who takes part, and managing them: a tab of its own, so the team home shows the work.
        register_team_nav(NavItem(key="members", label=_("Members"), url_name="team_members", order=90))

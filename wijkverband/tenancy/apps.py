from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "wijkverband.tenancy"
    label = "tenancy"
    verbose_name = _("Teams and regions")

    def ready(self):
        from wijkverband.accounts.sessions import register_person_fact
        from wijkverband.core.header import HeaderRead, register_header_read
        from wijkverband.core.registry import NavItem, register_team_nav
        from wijkverband.realtime.hooks import register_connect_check
        from wijkverband.tenancy.second_factor import (
            FACT_PROFESSIONAL,
            FACT_SECOND_FACTOR,
            professional_fact,
            second_factor_fact,
            socket_refusal,
        )
        from wijkverband.tenancy.selectors import switcher_places_from, switcher_statement

        # The socket demands what the pages demand: a second factor where the role needs one.
        register_connect_check(socket_refusal)
        # Both ask it of what the session's read read with the person (one trip, not two).
        register_person_fact(FACT_PROFESSIONAL, professional_fact)
        register_person_fact(FACT_SECOND_FACTOR, second_factor_fact)
        # The header's team switcher, read with the header's other reads (core.header).
        register_header_read(
            "switcher", HeaderRead(statement=lambda user: switcher_statement(user=user), result=switcher_places_from)
        )
        # Who takes part, and managing them: a tab of its own, so the team home shows the work.
        register_team_nav(NavItem(key="members", label=_("Members"), url_name="team_members", order=90))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "wijkverband.referrals"
    label = "referrals"
    verbose_name = _("Welzijn op Recept")

    def ready(self):
        from wijkverband.core.registry import NavItem, register_team_nav
        from wijkverband.referrals import sources

        register_team_nav(
            NavItem(key="referrals", label=_("Welzijn op Recept"), url_name="referral_overview", order=50)
        )
        # Agreements' indicators can be fed from these figures (core/registry.py, docs/referrals.md).
        sources.register()

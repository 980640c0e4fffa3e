"""The indicator sources this app offers to agreements (core/registry.py IndicatorSource).

Values are the team's, all referring organisations together, per month of referral. The feedback
rate is feedback returned ÷ referrals: every referral deserves word back to the referrer, also
when the client never came to the intake ("niet gestart"); ÷ intakes would hide exactly those.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from wijkverband.core.registry import IndicatorSource, register_indicator_source


def _values(pick):
    def values(*, team, months=None) -> dict:
        from wijkverband.referrals.selectors import team_totals

        return {month: pick(figures) for month, figures in team_totals(team=team, months=months).items()}

    return values


def register() -> None:
    register_indicator_source(
        IndicatorSource(
            key="referrals.feedback_rate",
            label=_("Welzijn op Recept: share of referrals with feedback to the referrer"),
            unit="%",
            values=_values(lambda figures: figures.feedback_rate),
        )
    )
    register_indicator_source(
        IndicatorSource(
            key="referrals.intake_rate",
            label=_("Welzijn op Recept: share of referrals with an intake"),
            unit="%",
            values=_values(lambda figures: figures.intake_rate),
        )
    )
    register_indicator_source(
        IndicatorSource(
            key="referrals.referrals",
            label=_("Welzijn op Recept: number of referrals"),
            unit=_("referrals"),
            values=_values(lambda figures: Decimal(figures.referrals)),
        )
    )

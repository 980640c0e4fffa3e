from datetime import date

import pytest
from django.utils import translation

from wijkverband.referrals import services
from wijkverband.referrals.months import add_months, this_month


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the msgids); pages are read in Dutch, as users do."""
    with translation.override("en"):
        yield


def last_month() -> date:
    return add_months(this_month(), -1)


def months_ago(n: int) -> date:
    return add_months(this_month(), -n)


def counts(world, month=None, referrer=None, referrals=10, intakes=8, feedback=6, actor=None, version=0):
    return services.counts_set(
        actor=actor or world.carla,
        team=world.team_a,
        month=month or last_month(),
        referrer=referrer or world.gp_a,
        referrals=referrals,
        intakes=intakes,
        feedback=feedback,
        version=version,
    )


def record(world, day=None, referrer=None, offer="Wandelgroep", status="referred", feedback_on=None, actor=None):
    return services.referral_record(
        actor=actor or world.sofie,
        team=world.team_a,
        referred_on=day or last_month().replace(day=10),
        referrer=referrer or world.gp_a,
        offer=offer,
        status=status,
        feedback_on=feedback_on,
    )

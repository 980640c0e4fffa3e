"""Two people entering the same month at the same moment, in separate threads and database connections."""

import pytest
from django.db import connection

from tests.agreements.test_concurrency import _race
from tests.referrals.conftest import counts, last_month, record
from wijkverband.core.errors import ActionRefused
from wijkverband.referrals.models import Kind, Referral, ReferralMonth

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock"),
]


def test_counts_and_a_record_for_the_same_new_month_at_once_never_both_count(world):
    results = _race(lambda: counts(world, referrals=5, intakes=2, feedback=1), lambda: record(world))
    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refused) == 1, results
    row = ReferralMonth.objects.get(team=world.team_a, month=last_month(), referrer=world.gp_a)
    if row.kind == Kind.COUNTS:
        assert row.referrals == 5 and not Referral.objects.exists()
    else:
        assert row.referrals == 1 == Referral.objects.count()


def test_records_added_at_once_are_all_counted(world):
    results = _race(*[lambda: record(world, status="intake_held") for _ in range(4)])
    assert all(isinstance(r, Referral) for r in results), results
    row = ReferralMonth.objects.get(team=world.team_a, month=last_month(), referrer=world.gp_a)
    assert (row.referrals, row.intakes) == (4, 4)

"""A signal triaged while what it is triaged into changes, in separate connections."""

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from tests.bottlenecks.helpers import report
from tests.postgres import second_waits_for_first
from tests.signals.conftest import file_signal
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.signals import services
from wijkverband.signals.models import Signal


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_signal_answered_while_a_colleague_reports_a_bottleneck_does_not_deadlock(world):
    """Carla answers a signal while Maarten reports a bottleneck in the same team. The answer locked
    the signal and, joined to it, the team's row; Maarten's report, holding the audit chain, waited
    at its commit for the team's row (its new rows point to it), and the answer waited for the
    audit chain: a deadlock, a server error for one of them. The answer now locks the signal alone."""
    signal = file_signal(world)

    def report_one():
        with scopes_disabled():
            return report(world, title="Avondbereikbaarheid apotheek")

    def answer():
        with scopes_disabled():
            return services.signal_answer(actor=world.carla, signal=signal, answer="We bellen de apotheek.")

    results = second_waits_for_first(report_one, answer)
    assert isinstance(results["first"], Bottleneck), results
    assert isinstance(results["second"], Signal), results
    assert not Signal.objects.get(pk=signal.pk).is_open

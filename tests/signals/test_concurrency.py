"""A signal triaged while what it is triaged into changes, in separate connections."""

import pytest
from django.db import connection

from tests.bottlenecks.helpers import report
from tests.postgres import second_waits_for_first
from tests.signals.conftest import file_signal
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Agreement
from wijkverband.agreements.models import Status as AgreementStatus
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.core.errors import ActionRefused
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
        return report(world, title="Avondbereikbaarheid apotheek")

    def answer():
        return services.signal_answer(actor=world.carla, signal=signal, answer="We bellen de apotheek.")

    results = second_waits_for_first(report_one, answer)
    assert isinstance(results["first"], Bottleneck), results
    assert isinstance(results["second"], Signal), results
    assert not Signal.objects.get(pk=signal.pk).is_open


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_signal_taken_into_the_review_of_an_agreement_ended_meanwhile_is_refused(world):
    """Maarten ends his agreement while Carla, on the signal's page opened before, takes a signal
    into its review. The signal checked the agreement as the page had read it (proposed) and was
    saved after the end had committed: the representatives were told their signal goes into the
    review of an agreement that had ended and will have none. The triage now waits for the end and
    is refused; the signal stays open."""
    signal = file_signal(world)
    agreement = agreement_services.agreement_create(
        actor=world.maarten,
        team=world.team_a,
        data={"title": "Avondzorg", "body": "Wie belt wie na 17 uur.", "owner": world.maarten},
    )
    agreement_services.party_add_organisation(actor=world.maarten, agreement=agreement, organisation=world.gp_a)
    agreement_services.agreement_propose(actor=world.maarten, agreement=agreement)
    page = Agreement.objects.get(pk=agreement.pk)  # as Carla's page read it: proposed

    def end():
        return agreement_services.agreement_end(actor=world.maarten, agreement=page, reason="Niet meer nodig.")

    def to_review():
        return services.signal_to_review(actor=world.carla, signal=signal, agreement=page, answer="Mee.")

    results = second_waits_for_first(end, to_review)
    assert isinstance(results["first"], Agreement), results
    assert isinstance(results["second"], ActionRefused), results
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.ENDED
    signal = Signal.objects.get(pk=signal.pk)
    assert signal.is_open and signal.agreement_id is None

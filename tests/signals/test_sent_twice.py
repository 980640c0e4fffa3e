"""A signal sent twice (a double tap without JavaScript) is filed once, and the second send lands on
it as the first did (core.once)."""

from tests.sent_twice import assert_second_lands_where_the_first_went, send_twice
from wijkverband.signals.models import Signal


def test_a_signal_sent_twice_is_filed_once_and_both_sends_land_on_it(world, client_for):
    data = {"title": "Tweemaal verstuurd", "text": "Cliënten wachten lang op een terugbelverzoek."}
    first, again = send_twice(client_for("rosa"), "/t/oost/signals/new/", data)
    assert Signal.objects.filter(title="Tweemaal verstuurd").count() == 1
    assert_second_lands_where_the_first_went(first, again)

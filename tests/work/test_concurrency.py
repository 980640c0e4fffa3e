"""A person's notice preferences changed twice at the same moment, in separate connections."""

import pytest
from django.db import connection

from tests.postgres import second_waits_for_first
from wijkverband.work.models import NoticePreference
from wijkverband.work.services import notice_preferences_set


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_two_unsubscribes_at_once_both_stay_off(world):
    """Olga follows the one-click "stop these e-mails" link of a mention mail and, at the same
    moment, that of an escalation mail. Each saved every preference as it had read them: the second
    waited for the first and wrote its e-mails about mentions back on, and Olga kept getting the
    mails she had stopped. Each now changes only what it was asked to."""
    notice_preferences_set(actor=world.olga, digest="weekly")

    results = second_waits_for_first(
        lambda: notice_preferences_set(actor=world.olga, email_mentions=False),
        lambda: notice_preferences_set(actor=world.olga, email_escalations=False),
    )
    assert isinstance(results["first"], NoticePreference), results
    assert isinstance(results["second"], NoticePreference), results
    preference = NoticePreference.objects.get(user=world.olga)
    assert (preference.email_mentions, preference.email_escalations) == (False, False)
    assert preference.digest == "weekly" and preference.email_ownership

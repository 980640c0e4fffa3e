"""The e-mail unsubscribe link climbed by every key persona: the signed token is the credential."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from wijkverband.work.models import NoticePreference
from wijkverband.work.services.mail import unsubscribe_token

EVERYONE = ["anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga"]


def _maarten_link(world):
    return f"/unsubscribe/{unsubscribe_token(user_id=world.maarten.pk, category='email_mentions')}/"


def _turned_off(world, persona, status):
    assert NoticePreference.objects.filter(user=world.maarten, email_mentions=False).exists()


def _tampered(world):
    token = unsubscribe_token(user_id=world.maarten.pk, category="email_mentions")
    return f"/unsubscribe/{token[:-2]}xx/"


LADDER = [
    # Whoever opens the link (the mail may be read on any device, signed in or not) sees what it
    # turns off; posting it turns that off for the person it was sent to, and only that.
    Rung("notice_unsubscribe", _maarten_link, {p: 200 for p in EVERYONE}),
    Rung("notice_unsubscribe", _maarten_link, {p: 200 for p in EVERYONE}, method="POST", after=_turned_off),
    Rung("notice_unsubscribe", _tampered, {p: 404 for p in EVERYONE}),
    Rung("notice_unsubscribe", _tampered, {p: 404 for p in EVERYONE}, method="POST"),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)

"""A form that makes something is saved once, however often it is sent (core.once): a double tap
without JavaScript made a second bottleneck, agreement, referral record or
thread, and the person saw only the second."""

import threading
import time

import pytest
from django.core.cache import cache

from tests.bottlenecks.helpers import category
from tests.sent_twice import SAVED_ONCE, token
from wijkverband.agreements.models import Agreement
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.core import once, same_name
from wijkverband.referrals.models import Referral
from wijkverband.threads.models import Thread


def _bottleneck(world):
    return {"title": "Geen avondbereikbaarheid", "category": category("bereikbaarheid").pk, "impact": 3}


def _agreement(world):
    return {"title": "Valpreventie", "body": "De fysiotherapeut doet de valrisicotest.", "owner": world.carla.pk}


def _referral(world):
    from tests.referrals.test_ladder import _record_data

    return _record_data(world)


def _thread(world):
    return {"title": "Avonddiensten"}


FORMS = [
    ("/t/oost/bottlenecks/new/", _bottleneck, lambda: Bottleneck.objects.filter(title="Geen avondbereikbaarheid")),
    ("/t/oost/agreements/new/", _agreement, lambda: Agreement.objects.filter(current_version__title="Valpreventie")),
    ("/t/oost/welzijn-op-recept/records/new/", _referral, lambda: Referral.objects.filter(offer="Taalcafé")),
    ("/t/oost/threads/", _thread, lambda: Thread.objects.filter(title="Avonddiensten")),
]


@pytest.mark.parametrize(("url", "data", "made"), FORMS)
def test_a_form_sent_twice_makes_one_thing_and_both_sends_land_on_it(world, client_for, url, data, made):
    client = client_for("carla")
    sent = {**data(world), once.FIELD: token(client.get(url).content.decode())}
    first = client.post(url, sent)
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, sent, follow=True)
    assert made().count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    assert SAVED_ONCE in again.content.decode()
    # A new page is a new form: what it sends is made anew (a second of that title once the
    # person says so: core.same_name).
    again_data = {**data(world), same_name.FIELD: data(world).get("title", "")}
    client.post(url, {**again_data, once.FIELD: token(client.get(url).content.decode())})
    assert made().count() == 2


def test_a_refused_send_frees_its_token_for_the_corrected_form(world, client_for):
    client = client_for("carla")
    url = "/t/oost/bottlenecks/new/"
    form_token = token(client.get(url).content.decode())
    refused = client.post(url, {**_bottleneck(world), "title": "", once.FIELD: form_token})
    assert refused.status_code == 400
    assert client.post(url, {**_bottleneck(world), once.FIELD: form_token}).status_code == 302
    assert Bottleneck.objects.filter(title="Geen avondbereikbaarheid").count() == 1


def test_a_token_is_one_persons(world, client_for):
    """Another person's send with the same token (a form's page shared) is a send of its own."""
    url = "/t/oost/bottlenecks/new/"
    form_token = token(client_for("carla").get(url).content.decode())
    assert client_for("carla").post(url, {**_bottleneck(world), once.FIELD: form_token}).status_code == 302
    # (A second of that title once the person says so: core.same_name.)
    theirs = {**_bottleneck(world), once.FIELD: form_token, same_name.FIELD: "Geen avondbereikbaarheid"}
    assert client_for("maarten").post(url, theirs).status_code == 302
    assert Bottleneck.objects.filter(title="Geen avondbereikbaarheid").count() == 2


def test_a_second_send_waits_for_the_first_still_running(settings):
    """A double tap's second send arrives while the first runs: it waits for where the first went
    (a browser shows the answer to the last send), and does not run a second time."""
    key = "sent-once:test"
    cache.set(key, once._RUNNING, 60)
    threading.Timer(0.2, lambda: cache.set(key, "/t/oost/bottlenecks/7/", 60)).start()
    started = time.monotonic()
    assert once._first_send(key) == "/t/oost/bottlenecks/7/"
    assert time.monotonic() - started >= 0.15
    cache.delete(key)
    assert once._first_send(key) is None  # the first was refused: this one runs

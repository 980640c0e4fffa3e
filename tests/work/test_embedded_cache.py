"""make run without Redis: the task worker is a process of its own beside the web server
(docs/work.md). What the web server writes to the cache, who has a page open, the worker reads."""

import pytest
from django.core import mail

from tests.embedded import in_another_process, make_run_cache, sqlite_only  # noqa: F401 - the fixture, used below
from tests.threads.helpers import post, topic
from wijkverband.realtime import presence
from wijkverband.work.models import Notice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("make_run_cache"), sqlite_only]


def test_who_is_online_in_one_process_is_online_in_another(world):
    """Pieter's page is open on the web server, which marks him online and names him among the
    thread's viewers: this process (the task worker) reads both, and a third process too."""
    pieter = world.pieter.pk
    in_another_process(
        "from wijkverband.realtime import presence\n"
        f"presence.users_mark_online([{pieter}])\n"
        f"presence.thread_viewers_write({{7: [[{pieter}, 'Pieter', False]]}}, worker='web-1')\n"
    )
    assert presence.user_online(pieter)
    assert not presence.user_online(world.maarten.pk)
    assert [user["name"] for user in presence.thread_viewers([7])[7]["users"]] == ["Pieter"]

    presence.users_mark_online([world.maarten.pk])
    seen = in_another_process(
        "from wijkverband.realtime import presence\n"
        f"print(presence.user_online({world.maarten.pk}), presence.user_online({world.olga.pk}))\n"
    )
    assert seen == "True False"


def test_a_mention_is_not_mailed_to_someone_reading_the_thread(world):
    """Carla mentions Maarten and Pieter. Pieter reads the discussion at that moment (his socket is
    on the web server); Maarten is away. The worker mailed both: it never saw Pieter online. Now
    only Maarten gets a mail; Pieter sees the mention in the app, as with Redis."""
    thread = topic(world, title="Medicatieoverdracht")
    in_another_process(f"from wijkverband.realtime import presence\npresence.users_mark_online([{world.pieter.pk}])\n")
    post(thread, world.carla, "@maarten @pieter: kijk je even mee?")
    assert [m.to for m in mail.outbox] == [["maarten@example.nl"]]
    assert Notice.objects.filter(user=world.pieter, kind="mention", emailed_at__isnull=True).exists()

"""The header counts a person's unread notifications; reading the thread reads its mentions."""

import re

from django.test import TestCase

from tests.threads.helpers import post, topic
from wijkverband.threads import services
from wijkverband.work.models import Notice

COUNT = re.compile(r"data-unread-notifications(?P<hidden> hidden)?><span data-count>(?P<n>\d+)</span>")


def header_count(client) -> int:
    page = client.get("/").content.decode()
    found = COUNT.search(page)
    assert found, "the header has no notification count"
    return 0 if found["hidden"] else int(found["n"])


def test_the_header_shows_my_unread_notifications_and_reading_the_thread_reads_its_mentions(world, client_for):
    thread = topic(world)
    post(thread, world.carla, "Kun jij dit oppakken @maarten?")
    other = services.thread_create(actor=world.carla, team=world.team_a, title="Ander gesprek")
    post(other, world.carla, "En dit, @maarten?")
    maarten = client_for("maarten")
    assert header_count(maarten) == 2
    assert '2</span> <span class="wv-count__word">nieuw</span>' in maarten.get("/").content.decode()

    maarten.get(f"/t/oost/threads/{thread.pk}/")  # seeing the thread is reading it
    assert header_count(maarten) == 1
    assert Notice.objects.get(user=world.maarten, subject_kind="thread", subject_id=other.pk).read_at is None

    maarten.post("/notifications/")  # mark all as read
    assert header_count(maarten) == 0


def test_a_confirmation_request_stays_unread_until_confirmed(world, client_for):
    thread = topic(world)
    result = post(thread, world.carla, "Graag bevestigen", asks_ack=True)
    maarten = client_for("maarten")
    assert header_count(maarten) == 1
    maarten.get(f"/t/oost/threads/{thread.pk}/")
    assert header_count(maarten) == 1, "reading is not confirming"
    services.message_acknowledge(actor=world.maarten, message=result.message)
    assert header_count(maarten) == 0


def test_confirming_a_message_from_mijn_werk_reads_its_mention_of_me_too(world, client_for):
    """Confirming says "I have read this": a message that asked maarten to confirm it and named
    him kept its mention unread (in the header's count, the notifications and the digest) after he
    confirmed it from Mijn werk, without opening the thread. His other notices stay as they were."""
    thread = topic(world)
    asked = post(thread, world.carla, "@maarten graag bevestigen dat je dit gelezen hebt", asks_ack=True)
    post(thread, world.carla, "En dit ook, @maarten?")
    maarten = client_for("maarten")
    assert header_count(maarten) == 2  # a mention asks him to confirm too (post_notices), and one more
    assert maarten.post(f"/t/oost/my-work/confirm/{thread.pk}/{asked.message.pk}/").status_code == 302
    assert header_count(maarten) == 1
    unread = Notice.objects.filter(user=world.maarten, read_at__isnull=True)
    assert [n.key for n in unread] == [f"mention:message:{asked.message.pk + 1}"]


def test_the_count_is_my_own(world, client_for):
    thread = topic(world)
    post(thread, world.carla, "Kun jij dit oppakken @maarten?")
    assert header_count(client_for("maarten")) == 1
    assert header_count(client_for("carla")) == 0
    # Someone of another team sees none of it.
    assert header_count(client_for("bram")) == 0


def test_signed_out_pages_have_no_count(client):
    assert "data-unread-notifications" not in client.get("/accounts/login/").content.decode()


def test_a_deleted_message_asks_nobody_to_confirm_it_any_more(world, client_for):
    """Found by a walk of what waits on people: Mijn werk dropped a deleted message's "Bevestigen",
    but its notice stayed unread (the header counted it, the digest named it) and could never be
    confirmed ("This message has already been deleted")."""
    thread = topic(world)
    result = post(thread, world.carla, "Graag bevestigen", asks_ack=True)
    maarten = client_for("maarten")
    assert header_count(maarten) == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.message_delete(actor=world.carla, message=result.message)
    assert header_count(maarten) == 0
    assert "Er wordt nu niets van je gevraagd." in maarten.get("/my-work/").content.decode()

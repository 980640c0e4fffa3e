"""Every thread URL climbed by every key persona (see tests/ladder.py)."""

import pytest

from tests.ladder import Rung, climb, ladder_params
from tests.threads.helpers import post, topic
from wijkverband.threads.models import Acknowledgement, Message, ReadMarker, Thread
from wijkverband.work.models import NoticePreference

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
# A thread closed to representatives: for them it does not exist.
READ_CLOSED = {"anonymous": 302, **OUTSIDERS, "rosa": 404, "rik": 404, "maarten": 200, "carla": 200, "olga": 200}


def _closed(world) -> Thread:
    if not hasattr(world, "closed_thread"):
        world.closed_thread = topic(world, title="Medicatieoverdracht")
    return world.closed_thread


def _opened(world) -> Thread:
    if not hasattr(world, "opened_thread"):
        world.opened_thread = topic(world, title="Open", open_to_representatives=True)
    return world.opened_thread


def _url(world, thread, suffix=""):
    return f"/t/oost/threads/{thread.pk}/{suffix}"


def _maarten_message(world) -> Message:
    if not hasattr(world, "maarten_message"):
        world.maarten_message = post(_closed(world), world.maarten, "Van Maarten").message
    return world.maarten_message


def _ack_message(world) -> Message:
    if not hasattr(world, "ack_message"):
        world.ack_message = post(_closed(world), world.carla, "Graag bevestigen", asks_ack=True).message
    return world.ack_message


def _message_url(world, message, action):
    return f"/t/oost/threads/{message.thread_id}/messages/{message.pk}/{action}/"


def _ok(persona, status):
    return persona != "anonymous" and status == 302


def _thread_created(world, persona, status):
    assert Thread.objects.filter(title="Nieuw onderwerp").exists() == _ok(persona, status)


def _posted(world, persona, status):
    assert Message.objects.filter(body="Hallo team").exists() == _ok(persona, status)


def _read(world, persona, status):
    user = world.persona(persona)
    marker = ReadMarker.objects.filter(user=user).first() if user else None
    assert (marker is not None and marker.seq == 1) == _ok(persona, status)


def _opened_now(world, persona, status):
    assert Thread.objects.get(pk=world.closed_thread.pk).open_to_representatives == _ok(persona, status)


def _edited(world, persona, status):
    assert Message.objects.get(pk=world.maarten_message.pk).body == (
        "Aangepast" if _ok(persona, status) else "Van Maarten"
    )


def _redacted(world, persona, status):
    message = Message.objects.get(pk=world.maarten_message.pk)
    assert (message.body == "Zonder gegevens" and message.redacted_at is not None) == _ok(persona, status)


def _not_deleted(world, persona, status):
    assert Message.objects.get(pk=world.maarten_message.pk).deleted_at is None


def _deleted(world, persona, status):
    assert (Message.objects.get(pk=world.maarten_message.pk).deleted_at is not None) == _ok(persona, status)


def _acked(world, persona, status):
    user = world.persona(persona)
    done = user is not None and Acknowledgement.objects.filter(message=world.ack_message, user=user).exists()
    # Carla wrote it: her confirmation is refused with a message, nothing changes.
    assert done == (_ok(persona, status) and persona != "carla")


def _preferences(world, persona, status):
    user = world.persona(persona)
    # Saved: the digest as posted ("weekly", not the default). The mails a person is offered
    # depend on their roles (an overseer is never mentioned): those not offered stay as they were.
    saved = user is not None and NoticePreference.objects.filter(user=user, digest="weekly").exists()
    assert saved == _ok(persona, status)


EVERYONE_SIGNED_IN = {p: 200 for p in ["bram", "otto", "rosa", "maarten", "carla", "olga"]}

LADDER = [
    Rung(
        "thread_list",
        lambda w: "/t/oost/threads/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 200, "rik": 200, "maarten": 200, "carla": 200, "olga": 200},
    ),
    Rung(
        "thread_list",
        lambda w: "/t/oost/threads/",
        {"anonymous": 302, **OUTSIDERS, "rosa": 403, "rik": 403, "olga": 403, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: {"title": "Nieuw onderwerp"},
        after=_thread_created,
    ),
    Rung("thread_detail", lambda w: _url(w, _closed(w)), READ_CLOSED),
    Rung(
        "thread_detail",
        lambda w: _url(w, _opened(w)),
        {"anonymous": 302, **OUTSIDERS, "rosa": 200, "rik": 200, "maarten": 200, "carla": 200, "olga": 200},
    ),
    Rung(
        "thread_post",
        lambda w: _url(w, _closed(w), "post/"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: {"body": "Hallo team", "client_id": "6f1c3c1e-8a51-4d7e-9d57-2f1a0c7b1a11"},
        after=_posted,
    ),
    Rung(
        "thread_post",
        lambda w: _url(w, _opened(w), "post/"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 403, "rik": 403, "olga": 403, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: {"body": "Hallo team", "client_id": "6f1c3c1e-8a51-4d7e-9d57-2f1a0c7b1a12"},
        after=_posted,
    ),
    Rung("thread_events", lambda w: _url(w, _closed(w), "events/?after=0"), READ_CLOSED),
    Rung(
        "thread_read",
        lambda w: _url(w, _maarten_message(w) and _closed(w), "read/"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "maarten": 302, "carla": 302, "olga": 302},
        method="POST",
        data=lambda w: {"seq": "1"},
        after=_read,
    ),
    Rung(
        "thread_settings",
        lambda w: _url(w, _closed(w), "settings/"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "maarten": 403, "olga": 403, "carla": 302},
        method="POST",
        data=lambda w: {"open_to_representatives": "on"},
        after=_opened_now,
    ),
    Rung(
        "message_edit",
        lambda w: _message_url(w, _maarten_message(w), "edit"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "carla": 403, "olga": 403, "maarten": 200},
    ),
    Rung(
        "message_edit",
        lambda w: _message_url(w, _maarten_message(w), "edit"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "carla": 403, "olga": 403, "pieter": 403, "maarten": 302},
        method="POST",
        data=lambda w: {"body": "Aangepast"},
        after=_edited,
    ),
    Rung(
        "message_redact",
        lambda w: _message_url(w, _maarten_message(w), "redact"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "pieter": 403, "maarten": 200, "carla": 200},
    ),
    Rung(
        "message_redact",
        lambda w: _message_url(w, _maarten_message(w), "redact"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "pieter": 403, "maarten": 302, "carla": 302},
        method="POST",
        data=lambda w: {"body": "Zonder gegevens", "reason": "Er stond een BSN in"},
        after=_redacted,
    ),
    Rung(  # the question first: showing it never deletes
        "message_delete",
        lambda w: _message_url(w, _maarten_message(w), "delete"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "pieter": 403, "maarten": 200, "carla": 200},
        after=_not_deleted,
    ),
    Rung(
        "message_delete",
        lambda w: _message_url(w, _maarten_message(w), "delete"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "pieter": 403, "maarten": 302, "carla": 302},
        method="POST",
        after=_deleted,
    ),
    Rung(
        "message_ack",
        lambda w: _message_url(w, _ack_message(w), "ack"),
        {"anonymous": 302, **OUTSIDERS, "rosa": 404, "olga": 403, "maarten": 302, "pieter": 302, "carla": 302},
        method="POST",
        after=_acked,
    ),
    Rung("message_history", lambda w: _message_url(w, _maarten_message(w), "history"), READ_CLOSED),
    Rung("notification_list", lambda w: "/notifications/", {"anonymous": 302, **EVERYONE_SIGNED_IN}),
    Rung(
        "notification_list",
        lambda w: "/notifications/",
        {"anonymous": 302, **{p: 302 for p in EVERYONE_SIGNED_IN}},
        method="POST",
    ),
    Rung(
        "notification_preferences",
        lambda w: "/notifications/preferences/",
        {"anonymous": 302, **{p: 302 for p in EVERYONE_SIGNED_IN}},
        method="POST",
        data=lambda w: {"digest": "weekly"},
        after=_preferences,
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)

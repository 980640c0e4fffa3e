"""A notice is read in the reader's language of the moment, also one whose title is a phrase of ours.

Noticed: the notices of someone leaving ("3 open knelpunten hebben een nieuwe eigenaar nodig") were
stored as words in the recipient's language when they were made; after the language switch the
notifications page, the digest and the live frame mixed Dutch and English. They store the phrase
and its values now (Notice.params) and are written as they are read (work.serialise)."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.test import TestCase
from django.utils import translation

from tests.agreements.conftest import version_data
from tests.bottlenecks.helpers import report
from tests.signals.conftest import file_signal
from tests.work.conftest import amsterdam
from wijkverband.agreements import services as agreements
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.realtime import publish
from wijkverband.work.models import Notice, NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create
from wijkverband.work.services.digests import digests_send_due
from wijkverband.work.services.mail import notice_line

DUTCH = re.compile(r"wijkverband verlaten|knelpunt|eigenaar|afspra|je vraag|vervalt|gehaald")
ENGLISH = re.compile(r"left the team|bottleneck|owner|agreement|your request|lapses|removed")


def _lines(client) -> list[str]:
    """The notices on the notifications page, as text."""
    page = client.get("/notifications/").content.decode()
    items = re.findall(r'<li class="[^"]*"[^>]*>(.*?)</li>', page, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def _switch(client, language: str) -> None:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})


def _leaving_line(client) -> str:
    [line] = [line for line in _lines(client) if "Pieter Apotheker" in line]
    return line


def _own(world, title, owner):
    b = report(world, title=title)
    return bottlenecks.bottleneck_ask_owner(actor=owner, bottleneck=b, version=b.version, candidate=owner)


def _pieter_leaves(client_for):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")


@pytest.mark.parametrize(("made_in", "read_in"), [("nl", "en"), ("en", "nl")])
def test_a_leaving_notice_made_in_one_language_reads_wholly_in_the_language_switched_to(
    world, client_for, made_in, read_in
):
    carla = client_for("carla")
    _switch(carla, made_in)
    for n in range(3):
        _own(world, f"Van Pieter {n}", world.pieter)
    _pieter_leaves(client_for)
    expected = {
        "nl": "Pieter Apotheker heeft het wijkverband verlaten: 3 open knelpunten hebben een nieuwe eigenaar nodig",
        "en": "Pieter Apotheker left the team: 3 open bottlenecks need a new owner",
    }
    assert expected[made_in] in _leaving_line(carla)

    _switch(carla, read_in)
    line = _leaving_line(carla)
    assert expected[read_in] in line
    other = DUTCH if read_in == "en" else ENGLISH
    assert not other.search(line.replace("Utrecht Oost", "")), line


def test_the_request_that_lapses_and_its_plural_follow_the_switch(world, client_for):
    """Maarten asked Pieter to own one bottleneck, then two; each leaving says so in his language."""
    maarten = client_for("maarten")
    _switch(maarten, "nl")
    asked = report(world, title="Gevraagd aan Pieter")
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=asked, version=asked.version, candidate=world.pieter
    )
    _pieter_leaves(client_for)
    _switch(maarten, "en")
    assert "Pieter Apotheker left the team: your request that Pieter Apotheker own 1 bottleneck lapses" in (
        _leaving_line(maarten)
    )
    _switch(maarten, "nl")
    assert (
        "Pieter Apotheker heeft het wijkverband verlaten: je vraag aan Pieter Apotheker om eigenaar te worden"
        " van 1 knelpunt vervalt" in _leaving_line(maarten)
    )


def test_the_agreements_now_owned_follow_the_switch_one_and_several(world, client_for):
    carla = client_for("carla")
    _switch(carla, "nl")
    agreements.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, owner=world.pieter))
    _pieter_leaves(client_for)
    _switch(carla, "en")
    assert "Pieter Apotheker left the team: you are the owner of 1 agreement now" in _leaving_line(carla)
    notice = Notice.objects.get(user=world.carla, kind=NoticeKind.MEMBER_LEFT)
    assert notice.params == {"phrase": "agreements.owner_now", "count": 1}
    for count, words in ((2, "you are the owner of 2 agreements now"), (1, "you are the owner of 1 agreement now")):
        Notice.objects.filter(pk=notice.pk).update(params={"phrase": "agreements.owner_now", "count": count})
        assert words in _leaving_line(carla)
    _switch(carla, "nl")
    assert "je bent nu eigenaar van 1 afspraak" in _leaving_line(carla)
    Notice.objects.filter(pk=notice.pk).update(params={"phrase": "agreements.owner_now", "count": 2})
    assert "je bent nu eigenaar van 2 afspraken" in _leaving_line(carla)


def test_one_open_bottleneck_is_singular_in_both_languages(world, client_for):
    carla = client_for("carla")
    _own(world, "Van Pieter", world.pieter)
    _pieter_leaves(client_for)
    assert "1 open knelpunt heeft een nieuwe eigenaar nodig" in _leaving_line(carla)
    _switch(carla, "en")
    assert "1 open bottleneck needs a new owner" in _leaving_line(carla)


def test_the_digest_is_written_in_the_language_the_person_has_when_it_is_sent(world, client_for, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    carla = client_for("carla")
    _switch(carla, "nl")
    _own(world, "Van Pieter", world.pieter)
    _pieter_leaves(client_for)
    _switch(carla, "en")
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    digests_send_due()
    from django.core import mail

    [digest] = [m for m in mail.outbox if m.to == [world.carla.email]]
    assert (
        "== Utrecht Oost ==\n\n- Pieter Apotheker left the team: 1 open bottleneck needs a new owner\n" in digest.body
    )
    assert "knelpunt" not in digest.body


def test_the_english_digest_says_notification_as_the_notifications_page_does(world, client_for, clock):
    """Found by an exploratory test: the English digest said "1 new notice for you" and "All your
    notices", under a menu and a page that say "Notifications"."""
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    _switch(client_for("carla"), "en")
    _switch(client_for("pieter"), "nl")
    for who in (world.carla, world.pieter):
        b = report(world, actor=world.maarten, title=f"Voor {who.name}")
        bottlenecks.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=who)
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    digests_send_due()
    from django.core import mail

    [english] = [m for m in mail.outbox if m.to == [world.carla.email]]
    assert "1 new notification for you" in english.subject
    assert "All your notifications (you will be asked to sign in):" in english.body
    assert "notice" not in (english.subject + english.body).lower()
    [dutch] = [m for m in mail.outbox if m.to == [world.pieter.email]]
    assert "1 nieuwe melding voor je" in dutch.subject and "Al je meldingen" in dutch.body


def test_the_live_frame_is_in_the_recipients_language_not_the_one_of_whoever_acted(world, client_for, monkeypatch):
    """The frame goes to the person's open pages: in their language (accounts.User.language), where
    the one who left (or the coordinator who removed them) read Dutch."""
    pushed = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: pushed.append((user_id, json.loads(frame))))
    _switch(client_for("carla"), "en")
    _own(world, "Van Pieter", world.pieter)
    with translation.override("nl"):
        _pieter_leaves(client_for)
    [frame] = [f for user_id, f in pushed if user_id == world.carla.pk and f["type"] == "notification"]
    assert frame["title"] == "1 open bottleneck needs a new owner"
    assert frame["actor"] == "Pieter Apotheker" and frame["kind"] == NoticeKind.MEMBER_LEFT


def test_a_signals_live_frame_names_it_in_the_recipients_language(world, client_for, monkeypatch):
    pushed = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: pushed.append((user_id, json.loads(frame))))
    _switch(client_for("carla"), "en")
    with translation.override("nl"), TestCase.captureOnCommitCallbacks(execute=True):
        signal = file_signal(world)
    [frame] = [f for user_id, f in pushed if user_id == world.carla.pk and f["type"] == "notification"]
    assert frame["title"] == f"Signal #{signal.pk}"


def _old_row(world, user, title) -> Notice:
    """A notice of a leaving as it was stored before: its words, no phrase."""
    return Notice.objects.create(
        team=world.team_a,
        user=user,
        kind=NoticeKind.MEMBER_LEFT,
        actor=world.pieter,
        subject_kind=SubjectKind.TEAM,
        subject_id=world.team_a.pk,
        title=title,
        path="/my-work/?team=oost",
        key=f"old:{title}",
    )


def test_an_old_row_whose_words_are_not_recognised_still_shows_them(world, client_for):
    _old_row(world, world.carla, "2 open knelpunten zoeken een eigenaar")
    line = _leaving_line(client_for("carla"))
    assert "Pieter Apotheker heeft het wijkverband verlaten: 2 open knelpunten zoeken een eigenaar" in line
    # Values that no longer fit their phrase show the stored words too.
    Notice.objects.filter(user=world.carla).update(params={"phrase": "bottlenecks.need_owner"})
    assert "2 open knelpunten zoeken een eigenaar" in _leaving_line(client_for("carla"))


def test_the_migration_turns_the_stored_words_of_old_rows_into_phrases(world, client_for):
    migration = importlib.import_module("wijkverband.work.migrations.0013_notice_params")
    rows = {
        "3 open knelpunten hebben een nieuwe eigenaar nodig": {"phrase": "bottlenecks.need_owner", "count": 3},
        "1 open bottleneck needs a new owner": {"phrase": "bottlenecks.need_owner", "count": 1},
        "je vraag aan Pieter Apotheker om eigenaar te worden van 2 knelpunten vervalt": {
            "phrase": "bottlenecks.request_lapses",
            "count": 2,
            "name": "Pieter Apotheker",
        },
        "your request that Pieter Apotheker own 1 bottleneck lapses": {
            "phrase": "bottlenecks.request_lapses",
            "count": 1,
            "name": "Pieter Apotheker",
        },
        "je bent nu eigenaar van 1 afspraak": {"phrase": "agreements.owner_now", "count": 1},
        "you are the owner of 4 agreements now": {"phrase": "agreements.owner_now", "count": 4},
        "iets anders": {},
    }
    made = {title: _old_row(world, world.carla, title) for title in rows}
    migration.leaving_titles_to_phrases(apps, None)
    for title, params in rows.items():
        assert Notice.objects.get(pk=made[title].pk).params == params, title
    carla = client_for("carla")
    _switch(carla, "en")
    lines = _lines(carla)
    assert any("Pieter Apotheker left the team: 3 open bottlenecks need a new owner" in line for line in lines)
    assert any("your request that Pieter Apotheker own 2 bottlenecks lapses" in line for line in lines)
    assert any("you are the owner of 1 agreement now" in line for line in lines)
    assert any("Pieter Apotheker left the team: iets anders" in line for line in lines)


def test_a_notice_names_the_one_who_left_as_they_are_called_when_it_is_read(world):
    notice = _old_row(world, world.carla, "")
    Notice.objects.filter(pk=notice.pk).update(
        params={"phrase": "bottlenecks.request_lapses", "count": 1, "name": "Pieter"}
    )
    world.pieter.name = "Pieter de Apotheker"
    world.pieter.save(update_fields=["name"])
    notice = Notice.objects.select_related("actor", "team").get(pk=notice.pk)
    with translation.override("en"):
        assert notice_line(notice) == (
            "Pieter de Apotheker left the team: your request that Pieter de Apotheker own 1 bottleneck lapses"
            " (Utrecht Oost)"
        )


def test_a_phrase_nobody_registered_is_refused(world):
    subject = Subject(team=world.team_a, kind=SubjectKind.TEAM, id=world.team_a.pk, title="x", path="/")
    with pytest.raises(ValueError):
        notices_create(
            kind=NoticeKind.MEMBER_LEFT,
            subject=subject,
            recipients=[world.carla.pk],
            actor=world.pieter,
            key="k",
            params={"phrase": "nobody.registered"},
        )

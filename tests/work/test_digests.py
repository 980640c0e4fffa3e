"""The digest: built and sent at a controlled time (time-machine), only when something is new, once
per period, as each person chose, and never with message text."""

import re
import uuid

import pytest
from django.core import mail
from django.test import TestCase

from tests.work.conftest import amsterdam
from wijkverband.threads import services as threads
from wijkverband.work.models import Mail, Notice, NoticeKind, NoticePreference, SubjectKind
from wijkverband.work.services import Subject, notice_preferences_set, notices_create
from wijkverband.work.services.digests import digests_send_due, period_start
from wijkverband.work.services.mail import unsubscribe_read


def notice(world, user, *, kind=NoticeKind.AGREEMENT_ENDORSED, title="Medicatieoverdracht", n=1, actor=None):
    subject = Subject(team=world.team_a, kind=SubjectKind.AGREEMENT, id=n, title=title, path=f"/t/oost/agreements/{n}/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        notices_create(kind=kind, subject=subject, recipients=[user.pk], actor=actor or world.pieter, key=f"test:{n}")


def digests_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email]]


def test_the_daily_digest_goes_out_at_half_past_seven_with_what_is_new(world, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))  # Tuesday afternoon
    notice(world, world.maarten, title="Medicatieoverdracht", n=1)
    notice(world, world.maarten, title="Huisbezoeken", n=2)
    clock.to(amsterdam(2027, 9, 8, 7, 15))
    assert digests_send_due() == 0
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 1
    [digest] = digests_to("maarten@example.nl")
    assert "2" in digest.subject
    assert digest.body.startswith("Wat sinds gisteren nieuw is voor je, ")
    assert "Medicatieoverdracht" in digest.body and "Huisbezoeken" in digest.body
    assert "Utrecht Oost" in digest.body and "Pieter" in digest.body
    assert "http://127.0.0.1:8000/t/oost/agreements/1/" in digest.body  # absolute links
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Every notice in it is marked: none comes twice.
    assert not Notice.objects.filter(user=world.maarten, digested_at__isnull=True).exists()


def test_one_digest_per_period_however_often_the_job_runs(world, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, n=1)
    for minute in (30, 45):
        clock.to(amsterdam(2027, 9, 8, 7, minute))
        digests_send_due()
    # Something new after this morning's digest waits for tomorrow's.
    clock.to(amsterdam(2027, 9, 8, 10, 0))
    notice(world, world.maarten, title="Nieuwe afspraak", n=2)
    assert digests_send_due() == 0
    assert len(digests_to("maarten@example.nl")) == 1
    clock.to(amsterdam(2027, 9, 9, 7, 30))
    assert digests_send_due() == 1
    first, second = digests_to("maarten@example.nl")
    assert "Nieuwe afspraak" in second.body and "Medicatieoverdracht" not in second.body
    assert Mail.objects.filter(key__startswith=f"digest:{world.maarten.pk}:").count() == 2


def test_no_digest_when_nothing_is_new(world, clock):
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 0
    assert mail.outbox == []


def test_what_was_read_or_mailed_at_once_is_not_in_the_digest(world, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, title="Gelezen", n=1)
    Notice.objects.filter(user=world.maarten).update(read_at=amsterdam(2027, 9, 7, 16, 0))
    notice(world, world.maarten, kind=NoticeKind.OWNERSHIP_ASKED, title="Al gemaild", n=2)  # mailed at once
    mail.outbox.clear()
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 0


def test_the_weekly_digest_goes_out_on_monday(world, clock):
    notice_preferences_set(actor=world.maarten, digest="weekly")
    clock.to(amsterdam(2027, 9, 7, 15, 0))  # Tuesday
    notice(world, world.maarten, n=1)
    clock.to(amsterdam(2027, 9, 8, 7, 30))  # Wednesday: not a daily digest
    assert digests_send_due() == 0
    clock.to(amsterdam(2027, 9, 13, 7, 15))
    assert digests_send_due() == 0
    clock.to(amsterdam(2027, 9, 13, 7, 30))  # Monday
    assert digests_send_due() == 1
    [digest] = digests_to("maarten@example.nl")
    # What came in the week before this Monday morning ("deze week" read as the week just begun).
    assert digest.body.startswith("Wat er de afgelopen week nieuw is voor je, ")


def test_a_digest_turned_off_sends_nothing(world, clock):
    notice_preferences_set(actor=world.maarten, digest="off")
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, n=1)
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 0


def test_each_person_gets_their_own_digest_and_only_their_notices(world, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, title="Voor Maarten", n=1)
    notice(world, world.sofie, title="Voor Sofie", n=2)
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 2
    [maarten] = digests_to("maarten@example.nl")
    [sofie] = digests_to("sofie@example.nl")
    assert "Voor Sofie" not in maarten.body and "Voor Maarten" not in sofie.body


def test_the_digest_never_carries_message_text(world, clock):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    thread = threads.thread_create(actor=world.carla, team=world.team_a, title="Overleg")
    # maarten is online (no mail at once): the mention waits for the digest.
    from wijkverband.realtime import presence

    presence_online = presence.user_online
    presence.user_online = lambda user_id: True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            threads.message_post(
                actor=world.carla,
                thread=thread,
                body="@maarten geheime inhoud zeer specifiek",
                client_id=str(uuid.uuid4()),
            )
    finally:
        presence.user_online = presence_online
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 1
    [digest] = digests_to("maarten@example.nl")
    assert "Overleg" in digest.body and "Carla" in digest.body
    assert "geheime" not in digest.body and "specifiek" not in digest.body


def test_the_digests_unsubscribe_link_is_signed_and_turns_the_digest_off(world, clock, client):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, n=1)
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    digests_send_due()
    [digest] = digests_to("maarten@example.nl")
    link = re.search(r"http://127\.0\.0\.1:8000(/unsubscribe/[^/\s]+/)", digest.body).group(1)
    token = link.split("/")[2]
    assert unsubscribe_read(token) == (world.maarten.pk, "digest")
    tampered = link.replace(token, token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
    assert client.post(tampered).status_code == 404
    assert NoticePreference.objects.get(user=world.maarten).digest == "daily"
    assert client.post(link).status_code == 200
    assert NoticePreference.objects.get(user=world.maarten).digest == "off"


@pytest.mark.parametrize(
    ("now", "frequency", "start"),
    [
        (amsterdam(2027, 9, 8, 7, 29), "daily", amsterdam(2027, 9, 7, 7, 30)),
        (amsterdam(2027, 9, 8, 7, 30), "daily", amsterdam(2027, 9, 8, 7, 30)),
        (amsterdam(2027, 9, 13, 7, 0), "weekly", amsterdam(2027, 9, 6, 7, 30)),
        (amsterdam(2027, 9, 15, 22, 0), "weekly", amsterdam(2027, 9, 13, 7, 30)),
        # Summer time ends on 31 October 2027: still 07:30 on the clock in Amsterdam.
        (amsterdam(2027, 11, 1, 8, 0), "daily", amsterdam(2027, 11, 1, 7, 30)),
    ],
)
def test_the_period_starts_at_half_past_seven_amsterdam_time(now, frequency, start):
    assert period_start(now, frequency) == start


def test_a_kind_mailed_at_once_but_turned_off_comes_in_the_digest(world, clock):
    notice_preferences_set(actor=world.maarten, email_ownership=False)
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    notice(world, world.maarten, kind=NoticeKind.OWNERSHIP_ASKED, title="Wie pakt dit op", n=1)
    assert mail.outbox == []
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 1
    assert "Wie pakt dit op" in digests_to("maarten@example.nl")[0].body


def test_what_nobody_did_is_not_signed_by_the_team(world, clock, client_for):
    """Found by an exploratory test: a target passed read "Wijkverband · Over de termijn · …" (now "Te laat"),
    as if the team (a wijkverband) had done it. It names nobody, on the page and in the digest."""
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    subject = Subject(team=world.team_a, kind=SubjectKind.BOTTLENECK, id=9, title="Wachtlijst", path="/t/oost/b/9/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        notices_create(kind=NoticeKind.OVERDUE, subject=subject, recipients=[world.maarten.pk], key="overdue:test")
    page = client_for("maarten").get("/notifications/").content.decode()
    item = re.search(r'<li class="[^"]*wv-notification--unread"[^>]*>(.*?)</li>', page, re.S).group(1)
    assert "Te laat" in item and "Wachtlijst" in item
    assert "Wijkverband" not in item
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 1
    [digest] = digests_to("maarten@example.nl")
    assert "== Utrecht Oost ==\n\n- Te laat · “Wachtlijst”\n" in digest.body
    assert "Wijkverband ·" not in digest.body


def test_a_digest_names_each_team_once_above_its_lines(world, clock):
    """Found by a tester in the pharmacist's digest: every line under "== Utrecht Oost ==" ended with
    "(Utrecht Oost)" or "in Utrecht Oost" again. The heading names the team; its lines do not, in a
    sentence, with someone named or with nobody."""
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    for n, (team, slug) in enumerate(((world.team_a, "oost"), (world.team_b, "zuid")), start=1):
        for kind, subject_kind, actor, title in (
            (NoticeKind.ACK_REQUEST, SubjectKind.THREAD, world.carla, f"Weekendrooster {slug}"),
            (NoticeKind.AGREEMENT_ENDORSED, SubjectKind.AGREEMENT, world.carla, f"Medicatieoverdracht {slug}"),
            (NoticeKind.REVIEW_SOON, SubjectKind.AGREEMENT, None, f"Huisbezoeken {slug}"),
        ):
            subject = Subject(team=team, kind=subject_kind, id=n, title=title, path=f"/t/{slug}/{subject_kind}/{n}/")
            with TestCase.captureOnCommitCallbacks(execute=True):
                notices_create(
                    kind=kind, subject=subject, recipients=[world.pieter.pk], actor=actor, key=f"test:{kind}:{n}"
                )
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    assert digests_send_due() == 1
    [digest] = digests_to("pieter@example.nl")
    assert not getattr(digest, "alternatives", [])  # text only: no HTML part to check as well
    body = digest.body
    for name in ("Utrecht Oost", "Utrecht Zuid"):
        assert body.count(name) == 1 and f"== {name} ==" in body, body
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert lines[:3] == [
        "- Carla Coördinator vraagt je een bericht te bevestigen in “Weekendrooster oost”",
        "- Carla Coördinator · Ingestemd · “Medicatieoverdracht oost”",
        "- Evaluatiedatum binnen 30 dagen · “Huisbezoeken oost”",
    ], lines
    assert len(lines) == 6 and all(line.endswith(" zuid”") for line in lines[3:]), lines

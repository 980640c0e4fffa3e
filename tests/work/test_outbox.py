"""Mail is never lost and never sent twice: a mail server that fails is tried again later (with
growing waits, never given up), a worker or sender that dies mid-job leaves its work to the next,
and a job run twice writes one mail per notice."""

from datetime import timedelta

from django.core import mail
from django.test import TestCase
from django_q.brokers import get_broker
from django_q.conf import Conf

from tests.work.conftest import FailingBackend, amsterdam
from tests.work.helpers import queued_tasks, run_queued_tasks
from wijkverband.work.models import Mail, NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create
from wijkverband.work.services import mail as outbox
from wijkverband.work.services.mail import LEASE, RETRY_DELAYS, mail_send, mails_send_due, notices_mail

START = amsterdam(2027, 9, 7, 10, 0)


def ask(world, *, n=1):
    """Carla asks Pieter to own an item: mailed at once (in the worker)."""
    subject = Subject(team=world.team_a, kind=SubjectKind.BOTTLENECK, id=n, title="Knelpunt", path=f"/t/oost/b/{n}/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        notices_create(
            kind=NoticeKind.OWNERSHIP_ASKED,
            subject=subject,
            recipients=[world.pieter.pk],
            actor=world.carla,
            key=f"k{n}",
        )


def to_pieter() -> int:
    return sum(1 for m in mail.outbox if m.to == ["pieter@example.nl"])


def test_a_failing_mail_server_is_tried_again_later_and_the_mail_goes_out_once(world, clock, failing_mail):
    clock.to(START)
    failing_mail(2)
    ask(world)
    stored = Mail.objects.get()
    assert stored.sent_at is None and stored.attempts == 1 and stored.last_error == "SMTPServerDisconnected"
    assert stored.send_after == START + RETRY_DELAYS[0]
    # Not due yet: the sweep leaves it.
    assert mails_send_due() == 0
    clock.to(START + RETRY_DELAYS[0] + timedelta(seconds=1))
    assert mails_send_due() == 0  # fails again: the wait grows
    stored.refresh_from_db()
    assert stored.attempts == 2 and stored.send_after > START + RETRY_DELAYS[0] + RETRY_DELAYS[1]
    clock.to(START + timedelta(hours=1))
    assert mails_send_due() == 1
    assert to_pieter() == 1
    # Sent: the error of the attempts before no longer shows (a sent mail read "ConnectionRefusedError").
    stored.refresh_from_db()
    assert stored.sent_at is not None and stored.attempts == 3 and stored.last_error == ""
    # Every later sweep, and the job run again, sends nothing more.
    clock.to(START + timedelta(hours=2))
    assert mails_send_due() == 0
    notices_mail(f"k{1}", [world.pieter.pk])
    assert mail_send(stored.pk) is False
    assert to_pieter() == 1 and Mail.objects.count() == 1
    assert FailingBackend.attempts == 3


def test_mail_is_never_given_up(world, clock, failing_mail):
    clock.to(START)
    failing_mail(12)
    ask(world)
    for hour in range(1, 12):  # the first attempt and eleven sweeps, an hour apart
        clock.to(START + timedelta(hours=hour))
        mails_send_due()
    stored = Mail.objects.get()
    assert stored.sent_at is None and stored.attempts == 12  # still waiting, still there
    clock.to(START + timedelta(hours=14))
    assert mails_send_due() == 1 and to_pieter() == 1


def test_a_sender_that_dies_while_holding_a_mail_lets_go_after_its_lease(world, clock, monkeypatch):
    clock.to(START)

    def claim_and_die(mail_id):
        assert outbox._claim(mail_id) is not None  # holds the mail ...
        raise SystemExit  # ... and the process is gone before the mail server answered

    monkeypatch.setattr(outbox, "mail_send", claim_and_die)
    try:
        ask(world)
    except SystemExit:
        pass
    monkeypatch.undo()
    assert Mail.objects.get().claimed_until is not None and to_pieter() == 0
    assert mails_send_due() == 0  # another sender leaves a held mail alone
    clock.to(START + LEASE + timedelta(seconds=1))
    assert mails_send_due() == 1 and to_pieter() == 1
    assert mails_send_due() == 0 and to_pieter() == 1


def test_a_worker_that_dies_mid_job_loses_nothing_and_doubles_nothing(world, clock):
    clock.to(START)
    with queued_tasks():
        ask(world)
        assert Mail.objects.count() == 0  # the post only queued the job
        clock.to(START + timedelta(seconds=1))
        broker = get_broker()
        assert len(broker.dequeue()) == 1  # a worker takes it, and dies before acknowledging
        # The job is held for the worker while it might still be running ...
        clock.to(START + timedelta(seconds=Conf.RETRY - 5))
        assert broker.queue_size() == 0
        # ... and handed out again once it cannot be.
        clock.to(START + timedelta(seconds=Conf.RETRY + 5))
        assert run_queued_tasks() == 1
    assert to_pieter() == 1 and Mail.objects.get().sent_at is not None
    # Had the dead worker done part of it (or the job run twice), the outbox key keeps one mail.
    notices_mail("k1", [world.pieter.pk])
    assert Mail.objects.count() == 1 and to_pieter() == 1


def test_two_notices_make_two_mails_with_their_own_message_ids(world, clock):
    clock.to(START)
    ask(world, n=1)
    ask(world, n=2)
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert to_pieter() == 2 and len(ids) == 2


def test_a_mail_server_that_never_answers_counts_as_a_failed_attempt(world, settings):
    """Found by an exploratory test: a server that accepted the connection and never answered held
    the task worker until its job was killed, and the mail never counted as an attempt. With
    EMAIL_TIMEOUT (20 s by default; 1 s here) it fails, is counted, and is tried again later."""
    import socket
    import time

    assert settings.EMAIL_TIMEOUT == 20  # the default every deployment gets
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts, never says a word
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1
        started = time.monotonic()
        ask(world)
        assert time.monotonic() - started < 10
    finally:
        silent.close()
    stored = Mail.objects.get()
    assert stored.sent_at is None and stored.attempts == 1 and stored.last_error  # tried again later


def test_mail_is_written_in_the_language_the_person_chose(world, client_for):
    """Found by an exploratory test: every notice mail and digest was Dutch, also for someone who
    works in English. The language switch now remembers the choice on the account."""
    pieter = client_for("pieter")
    response = pieter.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.pieter.refresh_from_db()
    assert world.pieter.language == "en"
    ask(world, n=1)
    (english,) = [m for m in mail.outbox if m.to == ["pieter@example.nl"]]
    assert english.subject == "[Wijkverband] Asks you to own it: “Knelpunt” (Utrecht Oost)"
    assert "Open it here" in english.body and "Open het hier" not in english.body
    pieter.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    mail.outbox.clear()
    ask(world, n=2)
    (dutch,) = [m for m in mail.outbox if m.to == ["pieter@example.nl"]]
    assert "Open it here" not in dutch.body and dutch.subject.startswith("[Wijkverband] Vraagt je eigenaar")


def test_the_language_switch_works_signed_out_and_remembers_nothing(world, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert client.post("/i18n/setlang/", {"language": "xx", "next": "/"}).status_code == 302


def test_operators_read_the_outbox_in_the_admin_and_a_sent_mail_shows_no_old_error(world, client, clock, failing_mail):
    """docs/work.md sends operators to the admin's outbox (Work → e-mails); it was not there."""
    from tests.personas import make_user

    clock.to(START)
    failing_mail(1)
    ask(world)
    clock.to(START + timedelta(hours=1))
    assert mails_send_due() == 1
    root = make_user("root", "Beheer")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    page = client.get("/admin/work/mail/").content.decode()
    assert "notice:" in page and "SMTPServerDisconnected" not in page
    stored = Mail.objects.get()
    detail = client.get(f"/admin/work/mail/{stored.pk}/change/")
    # Sent: its body (with links that work) is gone; who, what about and when stay.
    assert stored.body == "" and stored.subject and stored.to and stored.sent_at
    assert detail.status_code == 200 and "/unsubscribe/" not in detail.content.decode()
    # Read-only: the worker sends and retries, nobody edits or deletes a mail by hand.
    assert client.post(f"/admin/work/mail/{stored.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Mail.objects.filter(pk=stored.pk).exists()

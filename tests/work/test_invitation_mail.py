"""An invitation is mailed by the task worker from the outbox, never inside the request that made
it; a mail that does not go out is told to the coordinator afterwards (docs/tenancy.md).

Found in a review of the house rule "background work runs on the task system": the invitation mail
was sent in the request (after its commit), and a mail server that was down withdrew the invitation
and failed the request."""

import re
import smtplib
from datetime import timedelta

from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client, TestCase

from tests.work.conftest import amsterdam
from tests.work.helpers import queued_tasks, run_queued_tasks
from wijkverband.tenancy.models import Invitation
from wijkverband.work.models import Mail, Notice, NoticeKind, SubjectKind
from wijkverband.work.services.mail import mails_send_due

START = amsterdam(2027, 9, 7, 10, 0)
FORM = {"email": "nieuw@example.nl", "role": "member"}


def _invite(client, world, email="nieuw@example.nl"):
    """The coordinator's form, committed as a page's request is: its task is queued on the commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/t/oost/members/invite/", {**FORM, "email": email, "organisation": world.social_a.pk}, follow=True
        )


class RefusingBackend(locmem.EmailBackend):
    """A mail server that answers 550 (no such mailbox) for every recipient: refused for good."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"5.1.1 no such user") for m in messages})


def test_making_an_invitation_writes_its_mail_to_the_outbox_and_the_worker_sends_it(world, client_for):
    client = client_for("carla")
    with queued_tasks():
        page = _invite(client, world).content.decode()
        # Nothing was sent in the request, and the page does not say it was.
        assert mail.outbox == []
        assert "De uitnodiging voor nieuw@example.nl staat klaar en wordt zo gemaild." in page
        assert "verstuurd naar" not in page
        invitation = Invitation.objects.for_team(world.team_a).get(email="nieuw@example.nl")
        stored = Mail.objects.get(key=f"invitation:{invitation.pk}")
        assert stored.to == "nieuw@example.nl" and stored.user_id is None  # no account yet
        assert stored.sent_at is None and "/invitations/" in stored.body
        # The worker: the task queued on the commit sends it.
        assert run_queued_tasks() == 1
    (message,) = mail.outbox
    assert message.to == ["nieuw@example.nl"] and message.subject == stored.subject
    link = re.search(r"https?://\S+(/invitations/\S+/)", message.body).group(1)
    # Sent: the outbox keeps who, what about and when; not the link, which works once only.
    stored.refresh_from_db()
    assert stored.sent_at is not None and stored.body == "" and stored.to == "nieuw@example.nl"
    assert stored.subject == message.subject
    assert link.strip("/").split("/")[-1] not in str(Mail.objects.values_list())
    assert Client().get(link).status_code == 200


def test_an_invitation_to_someone_with_an_account_is_their_mail_in_their_language(world, client_for):
    world.chris.language = "en"  # a coordinator in another region, invited here too
    world.chris.save(update_fields=["language"])
    with queued_tasks():
        _invite(client_for("carla"), world, email=world.chris.email)  # Carla's page is in Dutch
    (stored,) = Mail.objects.filter(key__startswith="invitation:")
    assert stored.user_id == world.chris.pk and stored.to == world.chris.email
    assert stored.body.startswith(f"{world.carla.name} invites you to join {world.team_a.name}"), stored.body


def test_a_refused_invitation_mail_is_marked_and_told_to_the_coordinator_who_invited(world, client_for, settings):
    settings.EMAIL_BACKEND = "tests.work.test_invitation_mail.RefusingBackend"
    client = client_for("carla")
    _invite(client, world, email="bestaat.niet@example.nl")  # the worker's task runs at once (tests)
    invitation = Invitation.objects.for_team(world.team_a).get(email="bestaat.niet@example.nl")
    stored = Mail.objects.get(key=f"invitation:{invitation.pk}")
    assert stored.refused_at is not None and stored.sent_at is None and stored.body == ""
    assert stored.last_error == "SMTPRecipientsRefused"
    # Refused for good: no sweep tries it again.
    assert mails_send_due() == 0
    stored.refresh_from_db()
    assert stored.attempts == 1
    # The invitation stays (the coordinator decides); the members page says what happened.
    invitation.refresh_from_db()
    assert invitation.is_pending
    page = client.get("/t/oost/members/").content.decode()
    assert "Kon niet worden bezorgd" in page and "de mailserver weigert dit adres" in page
    # The coordinator who invited, and nobody else, gets a notice with the address and nothing more.
    (notice,) = Notice.objects.for_team(world.team_a).filter(kind=NoticeKind.INVITATION_UNDELIVERED)
    assert notice.user_id == world.carla.pk and notice.actor_id is None
    assert notice.subject_kind == SubjectKind.INVITATION and notice.subject_id == invitation.pk
    assert notice.title == "bestaat.niet@example.nl" and notice.path == "/t/oost/members/"
    assert "Uitnodiging kon niet worden bezorgd" in client.get("/notifications/").content.decode()
    # Asked again at once (the address checked), it is a new invitation with a new mail.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _invite(client, world, email="bestaat.niet@example.nl")
    pending = [i for i in Invitation.objects.for_team(world.team_a).filter(email="bestaat.niet@example.nl")]
    assert len(pending) == 2 and [m.to for m in mail.outbox] == [["bestaat.niet@example.nl"]]


def test_an_invitation_mail_that_waits_says_when_it_is_tried_again_and_is_told_after_a_while(
    world, client_for, clock, failing_mail
):
    clock.to(START)
    failing_mail(4)
    client = client_for("carla")
    _invite(client, world)
    invitation = Invitation.objects.for_team(world.team_a).get(email="nieuw@example.nl")
    page = client.get("/t/oost/members/").content.decode()
    assert "Nog niet verstuurd, nieuwe poging om 10:01" in page  # Amsterdam time
    assert invitation.is_pending and mail.outbox == []
    # A few quick failures: nobody is bothered yet.
    for minutes in (2, 7):
        clock.to(START + timedelta(minutes=minutes))
        assert mails_send_due() == 0
    assert not Notice.objects.for_team(world.team_a).filter(subject_kind=SubjectKind.INVITATION).exists()
    # Still not out a quarter of an hour later: the coordinator is told, once.
    clock.to(START + timedelta(minutes=25))
    assert mails_send_due() == 0
    (notice,) = Notice.objects.for_team(world.team_a).filter(kind=NoticeKind.INVITATION_NOT_SENT)
    assert notice.user_id == world.carla.pk and notice.title == "nieuw@example.nl" and notice.read_at is None
    invitation.refresh_from_db()
    assert invitation.is_pending  # while it waits, it is a valid invitation
    # It goes out after all: the notice is done, the page says nothing more, the link works.
    clock.to(START + timedelta(hours=2))
    assert mails_send_due() == 1
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert Notice.objects.for_team(world.team_a).filter(subject_kind=SubjectKind.INVITATION).count() == 1
    assert "Nog niet verstuurd" not in client.get("/t/oost/members/").content.decode()
    link = re.search(r"https?://\S+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert Client().get(link).status_code == 200


def test_a_withdrawn_invitation_whose_mail_fails_asks_nobody_anything(world, client_for, clock, failing_mail):
    clock.to(START)
    failing_mail(10)
    client = client_for("carla")
    _invite(client, world)
    invitation = Invitation.objects.for_team(world.team_a).get(email="nieuw@example.nl")
    client.post(f"/t/oost/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    clock.to(START + timedelta(hours=1))
    mails_send_due()
    assert not Notice.objects.for_team(world.team_a).filter(subject_kind=SubjectKind.INVITATION).exists()


def test_an_invitation_withdrawn_or_replaced_while_its_mail_waited_is_not_mailed(
    world, client_for, clock, failing_mail
):
    """Found in review: with the mail server down, a coordinator withdrew an invitation (or invited
    the address again with another role); when the server came back, the old mail still went out,
    with a link that only said "ingetrokken", beside the new one. Now it is dropped, its link
    emptied, and the coordinator's "not mailed yet" notice is done."""
    clock.to(START)
    failing_mail(3)  # the first attempt, the one 20 minutes later, the new invitation's
    client = client_for("carla")
    _invite(client, world)
    first = Invitation.objects.for_team(world.team_a).get(email="nieuw@example.nl")
    clock.to(START + timedelta(minutes=20))
    mails_send_due()  # fails again: 20 minutes late, so Carla is told it is not mailed yet
    waiting = Notice.objects.for_team(world.team_a).get(subject_kind=SubjectKind.INVITATION, subject_id=first.pk)
    assert waiting.kind == NoticeKind.INVITATION_NOT_SENT and waiting.read_at is None
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/t/oost/members/invite/", {**FORM, "role": "coordinator", "organisation": world.social_a.pk}, follow=True
        )
    second = Invitation.objects.for_team(world.team_a).exclude(pk=first.pk).get(email="nieuw@example.nl")
    clock.to(START + timedelta(hours=2))
    mails_send_due()  # the server is back
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    assert f"invitation:{second.pk}" == Mail.objects.get(sent_at__isnull=False).key
    dropped = Mail.objects.get(key=f"invitation:{first.pk}")
    assert dropped.sent_at is None and dropped.refused_at is not None and dropped.body == ""
    waiting.refresh_from_db()
    assert waiting.read_at is not None
    mails_send_due()
    assert len(mail.outbox) == 1  # not tried again


def test_withdrawing_an_invitation_whose_mail_waits_empties_it_and_reads_the_notice_at_once(
    world, client_for, clock, failing_mail
):
    """Found by an exploratory test: withdrawn, the invitation's "not mailed yet" notice stayed
    unread, linking to a members page without it, and the link stayed in the outbox, until the next
    attempt (up to an hour later). Also: the notice came about 21 minutes after the invitation (at
    a failed attempt: 0, 1, 6, 21 minutes), not after the 15 the docs promise."""
    clock.to(START)
    failing_mail(10)
    client = client_for("carla")
    _invite(client, world)
    invitation = Invitation.objects.for_team(world.team_a).get(email="nieuw@example.nl")
    for minutes in (2, 7, 16):  # the minute's sweep; the attempts fail at 0, 1 and 6 minutes
        clock.to(START + timedelta(minutes=minutes))
        mails_send_due()
    waiting = Notice.objects.for_team(world.team_a).get(kind=NoticeKind.INVITATION_NOT_SENT)
    assert waiting.read_at is None
    clock.to(START + timedelta(minutes=17))
    mails_send_due()  # once
    assert Notice.objects.for_team(world.team_a).filter(kind=NoticeKind.INVITATION_NOT_SENT).count() == 1
    client.post(f"/t/oost/invitations/{invitation.pk}/revoke/")
    waiting.refresh_from_db()
    assert waiting.read_at is not None
    stored = Mail.objects.get(key=f"invitation:{invitation.pk}")
    assert stored.body == "" and stored.refused_at is not None and stored.last_error == "Withdrawn"
    clock.to(START + timedelta(hours=3))
    failing_mail(0)
    mails_send_due()
    assert mail.outbox == []


# --- who invited is no longer a coordinator ------------------------------------------------------------


def _make(world, user, role):
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    membership = Membership.objects.get(team=world.team_a, user=user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.membership_change_role(actor=world.ada, membership=membership, role=role)


def test_a_coordinator_made_member_no_longer_has_the_notice_of_an_invitation_not_mailed(
    world, client_for, clock, failing_mail
):
    """Carla invited someone and was told the mail is not out yet. Made member, she can no longer
    invite or withdraw (the members page shows her no invitations): the notice asked what she can no
    longer do, and goes from her list and count."""
    clock.to(START)
    failing_mail(10)
    client = client_for("carla")
    _invite(client, world)
    clock.to(START + timedelta(minutes=25))
    mails_send_due()
    assert "Uitnodiging nog niet gemaild" in client.get("/notifications/").content.decode()
    _make(world, world.sofie, "coordinator")

    _make(world, world.carla, "member")

    assert "Uitnodiging nog niet gemaild" not in client.get("/notifications/").content.decode()
    assert "nieuw@example.nl" not in client.get("/t/oost/members/").content.decode()
    assert not Notice.objects.filter(user=world.carla, subject_kind=SubjectKind.INVITATION).exists()


def test_an_invitation_not_mailed_after_its_coordinator_was_made_member_is_told_to_the_coordinators(
    world, client_for, clock, failing_mail
):
    """Carla invited someone and was made member before the mail was late: the coordinators, who can
    act on it, are told, not Carla."""
    clock.to(START)
    failing_mail(10)
    _invite(client_for("carla"), world)
    _make(world, world.sofie, "coordinator")
    _make(world, world.carla, "member")

    clock.to(START + timedelta(minutes=25))
    mails_send_due()

    (notice,) = Notice.objects.for_team(world.team_a).filter(kind=NoticeKind.INVITATION_NOT_SENT)
    assert notice.user_id == world.sofie.pk and notice.title == "nieuw@example.nl"
    assert "Uitnodiging nog niet gemaild" in client_for("sofie").get("/notifications/").content.decode()


# --- who invited is no longer the region's administrator ----------------------------------------------


def _ada_invited_and_was_told(client_for, world, clock, failing_mail):
    clock.to(START)
    failing_mail(10)
    client = client_for("ada")
    _invite(client, world)
    clock.to(START + timedelta(minutes=25))
    mails_send_due()
    assert "Uitnodiging nog niet gemaild" in client.get("/notifications/").content.decode()
    return client


def _region_role(world, user, role):
    from wijkverband.tenancy import services as tenancy

    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.region_role_assign(actor=None, region=world.region, user=user, role=role)


def test_a_region_administrator_made_overseer_no_longer_has_the_notice_of_an_invitation_not_mailed(
    world, client_for, clock, failing_mail
):
    """Found in a review: Ada, the region's administrator, invited someone to Oost and was told the
    mail is not out yet. Made overseer, she may no longer invite or withdraw (Oost's members page
    shows her no invitations), and yet kept "Uitnodiging nog niet gemaild" in her list and count, as
    a coordinator made member did until last session. The region role's change takes it away."""
    client = _ada_invited_and_was_told(client_for, world, clock, failing_mail)

    _region_role(world, world.ada, "overseer")

    assert "Uitnodiging nog niet gemaild" not in client.get("/notifications/").content.decode()
    assert "nieuw@example.nl" not in client.get("/t/oost/members/").content.decode()
    assert not Notice.objects.filter(user=world.ada, subject_kind=SubjectKind.INVITATION).exists()


def test_a_region_administrator_who_stays_one_keeps_the_notice(world, client_for, clock, failing_mail):
    client = _ada_invited_and_was_told(client_for, world, clock, failing_mail)
    _region_role(world, world.ada, "admin")
    assert "Uitnodiging nog niet gemaild" in client.get("/notifications/").content.decode()


def test_a_region_administrator_who_coordinates_the_team_too_keeps_the_notice(world, client_for, clock, failing_mail):
    """Made overseer of the region, she still manages Oost's members as its coordinator."""
    from wijkverband.tenancy import services as tenancy

    tenancy.membership_create(
        actor=None, team=world.team_a, user=world.ada, role="coordinator", organisation=world.social_a
    )
    client = _ada_invited_and_was_told(client_for, world, clock, failing_mail)
    _region_role(world, world.ada, "overseer")
    assert "Uitnodiging nog niet gemaild" in client.get("/notifications/").content.decode()


def test_an_invitation_not_mailed_after_its_administrator_was_made_overseer_is_told_to_the_coordinators(
    world, client_for, clock, failing_mail
):
    clock.to(START)
    failing_mail(10)
    _invite(client_for("ada"), world)
    _region_role(world, world.ada, "overseer")

    clock.to(START + timedelta(minutes=25))
    mails_send_due()

    (notice,) = Notice.objects.for_team(world.team_a).filter(kind=NoticeKind.INVITATION_NOT_SENT)
    assert notice.user_id == world.carla.pk and notice.title == "nieuw@example.nl"

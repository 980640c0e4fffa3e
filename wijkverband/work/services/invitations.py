"""The coordinator who invited someone hears when the invitation's mail did not go out.

An invitation is mailed by the worker from the outbox (tenancy.services.invitation_create writes
it, key "invitation:<id>"), after the request that made it answered "it will be mailed in a
moment". When the mail server refuses the address for good, or the mail has not gone out a while
after the invitation was made, the coordinator who invited gets a notice naming the address (a
professional's, as the members page shows it; nothing else), and the members page says how the
mail stands. One who no longer manages the team's members (made member, a region administrator
made overseer) can do nothing about it: the team's coordinators get it instead, and one made so
loses those they had (work.services.rights_narrowed). Meanwhile the invitation stays valid: a mail that goes out later
still works.
"""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from wijkverband.tenancy.models import Invitation
from wijkverband.tenancy.services import member_managers_held
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done

#: An invitation mail not gone out this long after it was made: its coordinator is told.
LATE_AFTER = timedelta(minutes=15)


def _invitation(invitation_id: int) -> Invitation | None:
    return (
        Invitation.objects.across_teams()
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("team")
        .first()
    )


def invitation_open(*, invitation_id: int) -> bool:
    """Still to be accepted: not withdrawn, replaced, accepted or past its time."""
    invitation = _invitation(invitation_id)
    return invitation is not None and invitation.is_pending


def _subject(invitation: Invitation) -> Subject:
    return Subject(
        team=invitation.team,
        kind=SubjectKind.INVITATION,
        id=invitation.pk,
        title=invitation.email,
        path=reverse("team_members", kwargs={"team_slug": invitation.team.slug}),
        internal=True,
    )


@transaction.atomic
def invitation_mail_trouble(*, invitation_id: int, refused: bool, waited: timedelta) -> int:
    """An attempt to mail the invitation failed (in the sender's transaction). Tell its coordinator
    once that it could not be delivered (refused), or once that it is not mailed yet (waited long).
    An invitation withdrawn, replaced or accepted meanwhile asks nobody anything."""
    if not refused and waited < LATE_AFTER:
        return 0
    invitation = _invitation(invitation_id)
    if invitation is None or invitation.invited_by_id is None:
        return 0
    kind = NoticeKind.INVITATION_UNDELIVERED if refused else NoticeKind.INVITATION_NOT_SENT
    # Who invited may no longer manage the team's members (a coordinator made member meanwhile): they
    # could do nothing about it, the team's coordinators can. Read with their memberships held, until
    # the notice commits: a role change under way is waited for and read as it committed, one after
    # waits for the notice and takes it away (tenancy.services.member_managers_held).
    recipients = member_managers_held(team=invitation.team, user_ids=[invitation.invited_by_id])
    if not recipients:
        recipients = member_managers_held(team=invitation.team)
    return notices_create(
        kind=kind,
        subject=_subject(invitation),
        recipients=recipients,
        key=f"{kind}:{invitation.pk}",
    )


def invitation_mail_sent(*, invitation_id: int) -> int:
    """It went out after all, or will not go (the invitation closed): a "not mailed yet" notice is
    done."""
    invitation = Invitation.objects.across_teams().filter(pk=invitation_id).only("pk", "team_id").first()
    if invitation is None:
        return 0
    return notices_done(
        team=invitation.team_id,
        subject_kind=SubjectKind.INVITATION,
        subject_id=invitation.pk,
        kinds=[NoticeKind.INVITATION_NOT_SENT],
    )

"""The notices signals make (wijkverband.work), never with the signal's text: a notice names the
signal by its number ("Signaal #12"), the team and who acted.

- SIGNAL_FILED: a representative filed a signal, to the team's coordinators; the triage settles it.
- SIGNAL_ANSWERED: the coordinator triaged it (a bottleneck, a review, or an answer), to its author.
"""

from django.urls import reverse
from django.utils.translation import gettext

from wijkverband.signals.models import Signal
from wijkverband.tenancy.selectors import team_coordinator_ids
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done, notices_settle


def signal_name(signal_id: int) -> str:
    """How notices name a signal, in the language of the moment (work.serialise.register_subject_title)."""
    return gettext("Signal #%(number)s") % {"number": signal_id}


def subject(signal: Signal) -> Subject:
    # The title is the signal's number, not its words: a notice and its e-mail carry no text of it.
    return Subject(
        team=signal.team,
        kind=SubjectKind.SIGNAL,
        id=signal.pk,
        title=signal_name(signal.pk),
        path=reverse("signal_detail", kwargs={"team_slug": signal.team.slug, "signal_id": signal.pk}),
    )


def filed(signal: Signal, *, actor) -> int:
    return notices_create(
        kind=NoticeKind.SIGNAL_FILED,
        subject=subject(signal),
        recipients=team_coordinator_ids(team=signal.team),
        actor=actor,
        key=f"{NoticeKind.SIGNAL_FILED}:{signal.pk}",
    )


def answered(signal: Signal, *, actor) -> int:
    notices_done(
        team=signal.team_id, subject_kind=SubjectKind.SIGNAL, subject_id=signal.pk, kinds=[NoticeKind.SIGNAL_FILED]
    )
    return notices_create(
        kind=NoticeKind.SIGNAL_ANSWERED,
        subject=subject(signal),
        recipients=[signal.author_id],
        actor=actor,
        key=f"{NoticeKind.SIGNAL_ANSWERED}:{signal.pk}",
    )


def answer_read(signal: Signal, *, reader) -> int:
    """The author read the answer on the signal's page: its notice is read too (it stayed "Nieuw",
    and the next digest told them of an answer they had read)."""
    return notices_settle(
        user=reader,
        subject_kind=SubjectKind.SIGNAL,
        subject_id=signal.pk,
        kinds=[NoticeKind.SIGNAL_ANSWERED],
    )

"""Writes for signals. Each service is one transaction, with its notices and one audit row, last.

Refusals raise ActionRefused (a message for the person; nothing changed). A triage locks the
signal and reads it again, so two coordinators acting at once are serialised: the second is told
the signal was triaged already. The text passes the client-data guard when it is saved.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.agreements.models import Agreement
from wijkverband.agreements.models import Status as AgreementStatus
from wijkverband.audit.services import audit_record
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.core.errors import ActionRefused
from wijkverband.signals import notices, policy
from wijkverband.signals.models import Signal, Status
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.policy import team_rights

MAX_TITLE = 200
MAX_TEXT = 5000


def _text(value, *, required: str, max_length: int, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionRefused(required, field=field)
    if len(value) > max_length:
        raise ActionRefused(_("At most %(count)d characters.") % {"count": max_length}, field=field)
    return value


@transaction.atomic
def signal_file(*, actor, team: Team, title: str, text: str) -> Signal:
    """A client representative (of the team or its region) files a signal."""
    if not policy.may_file(team_rights(user=actor, team=team)):
        raise PermissionDenied
    title = _text(title, required=_("Say in a few words what it is about."), max_length=MAX_TITLE, field="title")
    text = _text(text, required=_("Describe what clients run into."), max_length=MAX_TEXT, field="text")
    now = timezone.now()
    signal = Signal.objects.create(team=team, author=actor, title=title, text=text, created_at=now, updated_at=now)
    notices.filed(signal, actor=actor)
    audit_record(actor=actor, action="signal.filed", team=team, target=signal)
    return signal


def _lock_open(actor, signal: Signal) -> Signal:
    if not policy.may_triage(team_rights(user=actor, team=signal.team)):
        raise PermissionDenied
    # The signal's row alone (of=self): joined without it, the team's row was locked too, and any
    # write of the team committing meanwhile (its new rows point to the team) waited for it while
    # holding the audit chain this triage then waited for: a deadlock (a server error).
    locked = (
        Signal.objects.for_team(signal.team_id).select_for_update(of=("self",)).select_related("team").get(pk=signal.pk)
    )
    if not locked.is_open:
        raise ActionRefused(
            _("This signal was answered already (%(status)s): the representatives have that answer.")
            % {"status": locked.get_status_display()},
            code="conflict",
        )
    return locked


def _answer(value) -> str:
    return _text(
        value,
        required=_("Write the answer the representatives will read: what happens with their signal."),
        max_length=MAX_TEXT,
        field="answer",
    )


def _close(*, actor, signal: Signal, status: str, answer: str, **links) -> Signal:
    now = timezone.now()
    signal.status = status
    signal.answer = answer
    signal.triaged_by = actor
    signal.triaged_at = now
    signal.updated_at = now
    for name, value in links.items():
        setattr(signal, name, value)
    signal.save()
    notices.answered(signal, actor=actor)
    audit_record(
        actor=actor,
        action=f"signal.{status}",
        team=signal.team,
        target=signal,
        data={name: getattr(value, "pk", None) for name, value in links.items()},
    )
    return signal


@transaction.atomic
def signal_answer(*, actor, signal: Signal, answer: str) -> Signal:
    """The coordinator answers the signal directly."""
    signal = _lock_open(actor, signal)
    return _close(actor=actor, signal=signal, status=Status.ANSWERED, answer=_answer(answer))


@transaction.atomic
def signal_to_review(*, actor, signal: Signal, agreement: Agreement, answer: str) -> Signal:
    """The coordinator takes the signal into the review of one of the team's agreements."""
    signal = _lock_open(actor, signal)
    answer = _answer(answer)
    if agreement is None or agreement.team_id != signal.team_id:
        raise ActionRefused(_("Choose one of the team's agreements."), field="agreement")
    # Its status as it is now, held (after the signal, as every triage): checked as the page had
    # read it, an agreement ended meanwhile took the signal into a review it will never have.
    status = (
        Agreement.objects.for_team(signal.team_id)
        .select_for_update(no_key=True)
        .filter(pk=agreement.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status in (None, AgreementStatus.CONCEPT, AgreementStatus.ENDED):
        raise ActionRefused(_("Choose an agreement that is proposed or adopted."), field="agreement")
    return _close(actor=actor, signal=signal, status=Status.REVIEW, answer=answer, agreement=agreement)


@transaction.atomic
def signal_to_bottleneck(*, actor, signal: Signal, answer: str, bottleneck: dict) -> Signal:
    """The coordinator reports a bottleneck from the signal (its fields as the coordinator edited
    them: title, description, category, impact, affected_kinds) and answers the representatives.
    The bottleneck is open to representatives, so they can follow it; one transaction."""
    signal = _lock_open(actor, signal)
    answer = _answer(answer)
    reported = bottleneck_services.bottleneck_report(actor=actor, team=signal.team, internal=False, **bottleneck)
    return _close(actor=actor, signal=signal, status=Status.BOTTLENECK, answer=answer, bottleneck=reported)


def signal_answer_read(*, actor, signal: Signal) -> bool:
    """The author has read the answer: "Mijn werk" no longer lists it. One UPDATE, only the first time."""
    if signal.author_id != actor.pk or signal.is_open or signal.answer_seen_at is not None:
        return False
    signal.answer_seen_at = timezone.now()
    seen = bool(
        Signal.objects.for_team(signal.team_id)
        .filter(pk=signal.pk, answer_seen_at__isnull=True)
        .update(answer_seen_at=signal.answer_seen_at)
    )
    if seen:
        notices.answer_read(signal, reader=actor)
    return seen

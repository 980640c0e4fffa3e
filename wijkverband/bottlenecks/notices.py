"""The notices the bottleneck log makes (wijkverband.work): who hears of what happens to an item.

Called by the services inside their transaction, before the audit row (docs/audit.md). Notices go
through work.services.notices_create, which leaves out the actor and anyone who may not read the
item: an internal item never reaches a client representative. Time-based notices (past its
target, reminders) are made by the periodic job (docs/work.md).
"""

from django.urls import reverse

from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.bottlenecks.selectors import signalling_professional_ids
from wijkverband.tenancy.selectors import region_overseer_ids
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done


def subject(b: Bottleneck) -> Subject:
    return Subject(
        team=b.team,
        kind=SubjectKind.BOTTLENECK,
        id=b.pk,
        title=b.title,
        path=reverse("bottleneck_detail", kwargs={"team_slug": b.team.slug, "bottleneck_id": b.pk}),
        internal=b.internal,
    )


def _notify(kind: str, b: Bottleneck, *, actor, recipients, key: str) -> None:
    notices_create(
        kind=kind, subject=subject(b), recipients=recipients, actor=actor, key=f"{kind}:bottleneck:{b.pk}:{key}"
    )


def ownership_asked(b: Bottleneck, *, actor) -> None:
    """To the person asked to own it; `version` makes a new request a new notice."""
    _notify(NoticeKind.OWNERSHIP_ASKED, b, actor=actor, recipients=[b.owner_candidate_id], key=f"v{b.version}")


def ownership_answered(b: Bottleneck, *, actor, accepted: bool, requested_by: int | None) -> None:
    """To the reporter and whoever asked; the request itself is done."""
    kind = NoticeKind.OWNERSHIP_ACCEPTED if accepted else NoticeKind.OWNERSHIP_DECLINED
    _notify(kind, b, actor=actor, recipients=[b.reporter_id, requested_by], key=f"v{b.version}")
    notices_done(
        team=b.team_id,
        subject_kind=SubjectKind.BOTTLENECK,
        subject_id=b.pk,
        kinds=[NoticeKind.OWNERSHIP_ASKED],
        user_ids=[actor.pk],
    )


def escalated(b: Bottleneck, *, actor) -> None:
    """To the overseers of the team's region (who answer escalations)."""
    overseers = region_overseer_ids(region_id=b.team.region_id)
    _notify(NoticeKind.ESCALATED, b, actor=actor, recipients=overseers, key=f"v{b.version}")


def region_answered(b: Bottleneck, *, actor, kind: str) -> None:
    """The region responded, took it up or handed it back: to the owner and the reporter; the
    escalation notices of the other overseers are done (one of them answered)."""
    _notify(kind, b, actor=actor, recipients=[b.owner_id, b.reporter_id], key=f"v{b.version}")
    notices_done(team=b.team_id, subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk, kinds=[NoticeKind.ESCALATED])


def resolved(b: Bottleneck, *, actor) -> None:
    """To the reporter and the members of every organisation that said "this affects us too"."""
    recipients = [b.reporter_id, *signalling_professional_ids(bottleneck=b)]
    _notify(NoticeKind.RESOLVED, b, actor=actor, recipients=recipients, key=f"v{b.version}")

"""The notices the wijk card makes (wijkverband.work), never with free text: a notice names the
entry (organisation and contact point), the team and who acted.

- RECONFIRM_DUE: the responsible member (or, when an entry has none, the team's coordinators) is
  asked to confirm an entry again, once per due date; made by `time_check`, which the hourly job of
  work.services.reminders runs (registered in WijkCardConfig.ready()). Confirming settles it.
- CORRECTION_SUGGESTED: a representative's suggestion, to the entry's responsible member (or the
  coordinators); the answer settles it.
- CORRECTION_HANDLED: the answer (applied or declined), to the representative.

The first two ask whoever answers for the entry: one whose rights narrow so that they no longer do
(a coordinator made member, a responsible member made client representative) loses them at once
(`rights_narrowed`), as the other asks to the coordinators go (work.services.rights_narrowed).
"""

from datetime import date

from django.db import transaction
from django.urls import reverse

from wijkverband.tenancy.selectors import (
    coordinated_team_ids,
    team_coordinator_ids,
    team_professional_users,
)
from wijkverband.wijkcard.models import ContactEntry, Suggestion
from wijkverband.wijkcard.selectors import entries_answered_by, entries_due
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_asking_withdraw, notices_create, notices_done

#: What asks whoever answers for an entry to act: its responsible member, else the coordinators.
_ASKS = (NoticeKind.RECONFIRM_DUE, NoticeKind.CORRECTION_SUGGESTED)


def subject(entry: ContactEntry) -> Subject:
    path = reverse("wijkcard", kwargs={"team_slug": entry.team.slug})
    return Subject(
        team=entry.team,
        kind=SubjectKind.WIJKCARD_ENTRY,
        id=entry.pk,
        title=entry.title,
        path=f"{path}?entry={entry.pk}",  # the card sends it on to the page that shows it
    )


def _keepers(entry: ContactEntry, professionals: set[int] | None = None) -> dict:
    """Who answers for the entry, as notices_create's recipients: its responsible member while they
    are a member of the team, else the team's coordinators, told as such (a member who left is not
    asked, and the entry is not forgotten). As coordinators: only who coordinates when the notice is
    made gets it, and one made member meanwhile waits for it and takes it away (rights_narrowed)."""
    if professionals is None:
        professionals = set(team_professional_users(team=entry.team).values_list("pk", flat=True))
    if entry.maintainer_id and entry.maintainer_id in professionals:
        return {"recipients": [entry.maintainer_id]}
    return {"recipients": sorted(team_coordinator_ids(team=entry.team)), "as_coordinators": True}


@transaction.atomic
def reconfirm_asked(entry: ContactEntry, *, due_on: date, professionals: set[int] | None = None) -> int:
    """In a transaction of its own (the hourly job runs outside one): the coordinators it tells are
    held until it commits, so a change of their role waits for it and then takes it away."""
    return notices_create(
        kind=NoticeKind.RECONFIRM_DUE,
        subject=subject(entry),
        key=f"{NoticeKind.RECONFIRM_DUE}:wijkcard:{entry.pk}:{due_on.isoformat()}",
        **_keepers(entry, professionals),
    )


def confirmed(entry: ContactEntry) -> None:
    """Confirmed again: the requests to confirm it are done, for everyone who got one."""
    notices_done(
        team=entry.team_id,
        subject_kind=SubjectKind.WIJKCARD_ENTRY,
        subject_id=entry.pk,
        kinds=[NoticeKind.RECONFIRM_DUE],
    )


def removed(entry: ContactEntry) -> None:
    """Removed from the card: nothing about it waits on anyone any more."""
    notices_done(
        team=entry.team_id,
        subject_kind=SubjectKind.WIJKCARD_ENTRY,
        subject_id=entry.pk,
        kinds=[NoticeKind.RECONFIRM_DUE, NoticeKind.CORRECTION_SUGGESTED],
    )


def suggestion_made(suggestion: Suggestion, *, actor) -> int:
    entry = suggestion.entry
    return notices_create(
        kind=NoticeKind.CORRECTION_SUGGESTED,
        subject=subject(entry),
        actor=actor,
        key=f"{NoticeKind.CORRECTION_SUGGESTED}:wijkcard:{suggestion.pk}",
        **_keepers(entry),
    )


def suggestion_answered(suggestion: Suggestion, *, actor) -> int:
    entry = suggestion.entry
    # This suggestion's notice only: another on the same entry still waits (and Mijn werk lists it).
    notices_done(
        team=entry.team_id,
        subject_kind=SubjectKind.WIJKCARD_ENTRY,
        subject_id=entry.pk,
        kinds=[NoticeKind.CORRECTION_SUGGESTED],
        key=f"{NoticeKind.CORRECTION_SUGGESTED}:wijkcard:{suggestion.pk}",
    )
    return notices_create(
        kind=NoticeKind.CORRECTION_HANDLED,
        subject=subject(entry),
        recipients=[suggestion.author_id],
        actor=actor,
        key=f"{NoticeKind.CORRECTION_HANDLED}:wijkcard:{suggestion.pk}",
    )


def time_check(today: date) -> int:
    """Entries whose confirmation is due: their keepers are asked once per due date (the key names
    the date, so the hourly run and a retry make one notice; a new due date is a new request)."""
    made = 0
    professionals: dict[int, set[int]] = {}
    for entry in entries_due(today=today):
        if entry.team_id not in professionals:
            users = team_professional_users(team=entry.team)
            professionals[entry.team_id] = set(users.values_list("pk", flat=True))
        made += reconfirm_asked(entry, due_on=entry.due_on, professionals=professionals[entry.team_id])
    return made


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user` may do less in these teams (registry.rights_narrowed). Where they no longer coordinate
    (a coordinator made member, client representative or external party), the asks they had as a
    coordinator go: to confirm again, or to answer a correction to, an entry without a responsible
    member (or whose responsible member left). Those of the entries they answer for themselves stay
    while they are a member or coordinator: a responsible member made client representative (or
    external party) may confirm nothing, and loses those too; the next hourly run asks the
    coordinators (_keepers). The other coordinators keep theirs: each has their own notice."""
    uncoordinated = sorted(set(team_ids) - coordinated_team_ids(user=user, team_ids=team_ids))
    if not uncoordinated:
        return
    kept = entries_answered_by(user=user, team_ids=uncoordinated)
    notices_asking_withdraw(
        user=user, team_ids=uncoordinated, subject_kind=SubjectKind.WIJKCARD_ENTRY, kinds=_ASKS, keep=kept.values("pk")
    )

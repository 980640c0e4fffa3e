"""The notices the wijk card makes (wijkverband.work), never with free text: a notice names the
entry (organisation and contact point), the team and who acted.

- RECONFIRM_DUE: the responsible member (or, when an entry has none, the team's coordinators) is
  asked to confirm an entry again, once per due date; made by `time_check`, which the hourly job of
  work.services.reminders runs (registered in WijkCardConfig.ready()). Confirming settles it.
- CORRECTION_SUGGESTED: a representative's suggestion, to the entry's responsible member (or the
  coordinators); the answer settles it.
- CORRECTION_HANDLED: the answer (applied or declined), to the representative.
"""

from datetime import date

from django.urls import reverse

from wijkverband.tenancy.selectors import team_coordinator_ids, team_professional_users
from wijkverband.wijkcard.models import ContactEntry, Suggestion
from wijkverband.wijkcard.selectors import entries_due
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done


def subject(entry: ContactEntry) -> Subject:
    path = reverse("wijkcard", kwargs={"team_slug": entry.team.slug})
    return Subject(
        team=entry.team,
        kind=SubjectKind.WIJKCARD_ENTRY,
        id=entry.pk,
        title=entry.title,
        path=f"{path}?entry={entry.pk}",  # the card sends it on to the page that shows it
    )


def _keepers(entry: ContactEntry, professionals: set[int] | None = None) -> list[int]:
    """Who answers for the entry: its responsible member while they are a member of the team,
    else the team's coordinators (a member who left is not asked, and the entry is not forgotten)."""
    if professionals is None:
        professionals = set(team_professional_users(team=entry.team).values_list("pk", flat=True))
    if entry.maintainer_id and entry.maintainer_id in professionals:
        return [entry.maintainer_id]
    return sorted(team_coordinator_ids(team=entry.team))


def reconfirm_asked(entry: ContactEntry, *, due_on: date, professionals: set[int] | None = None) -> int:
    return notices_create(
        kind=NoticeKind.RECONFIRM_DUE,
        subject=subject(entry),
        recipients=_keepers(entry, professionals),
        key=f"{NoticeKind.RECONFIRM_DUE}:wijkcard:{entry.pk}:{due_on.isoformat()}",
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
        recipients=_keepers(entry),
        actor=actor,
        key=f"{NoticeKind.CORRECTION_SUGGESTED}:wijkcard:{suggestion.pk}",
    )


def suggestion_answered(suggestion: Suggestion, *, actor) -> int:
    entry = suggestion.entry
    notices_done(
        team=entry.team_id,
        subject_kind=SubjectKind.WIJKCARD_ENTRY,
        subject_id=entry.pk,
        kinds=[NoticeKind.CORRECTION_SUGGESTED],
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

"""The notices the sociale kaart makes (wijkverband.work): "confirm this entry again", "a
correction was suggested", "your suggestion was handled".

A notice belongs to a team. A team's entry files its notices under that team; a region-wide entry
under the team the suggestion was made on, else the region's first team (its administrators read
every team of the region, so they get it; the link goes to the region's page of the entry).
Notices carry the entry's name and a link, never the suggestion's text.
"""

from datetime import date

from django.urls import reverse

from wijkverband.socialmap.models import Entry, Suggestion
from wijkverband.socialmap.selectors import (
    entries_due,
    first_team,
    region_admin_users,
    suggestion_teams,
    team_coordinator_users,
)
from wijkverband.tenancy.models import Team
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create, notices_done


def entry_path(entry: Entry, *, team: Team | None = None) -> str:
    """The entry's page on a team's kaart (its own team's, or the given team's for a region-wide
    entry), else on the region's."""
    team = entry.team if entry.team_id is not None else team
    if team is not None:
        return reverse("socialmap_detail", kwargs={"team_slug": team.slug, "entry_id": entry.pk})
    return reverse("socialmap_region_detail", kwargs={"region_slug": entry.region.slug, "entry_id": entry.pk})


def _notice_team(entry: Entry, team: Team | None = None):
    if entry.team_id is not None:
        return entry.team
    if team is not None:
        return team
    return first_team(region_id=entry.region_id)


def subject(entry: Entry, *, team: Team | None = None, path_team: Team | None = None) -> Subject | None:
    notice_team = _notice_team(entry, team)
    if notice_team is None:
        return None  # a region without teams: nobody reads its kaart yet
    return Subject(
        team=notice_team,
        kind=SubjectKind.SOCIAL_MAP_ENTRY,
        id=entry.pk,
        title=entry.name,
        path=entry_path(entry, team=path_team),
    )


def keepers(entry: Entry) -> list[int]:
    """Who hears of the entry: its responsible member, else the team's coordinators (a team's
    entry) or the region's administrators (a region-wide one)."""
    if entry.maintainer_id:
        return [entry.maintainer_id]
    if entry.team_id is not None:
        return team_coordinator_users(team=entry.team)
    return list(region_admin_users(region_id=entry.region_id).values_list("pk", flat=True))


def correction_suggested(suggestion: Suggestion, *, actor) -> int:
    entry = suggestion.entry
    about = subject(entry, team=suggestion.team)
    if about is None:
        return 0
    return notices_create(
        kind=NoticeKind.CORRECTION_SUGGESTED,
        subject=about,
        recipients=keepers(entry),
        actor=actor,
        key=f"{NoticeKind.CORRECTION_SUGGESTED}:socialmap:{suggestion.pk}",
    )


def correction_handled(suggestion: Suggestion, *, actor) -> int:
    entry = suggestion.entry
    # The representative's link: the page they made the suggestion on.
    about = subject(entry, team=suggestion.team, path_team=suggestion.team)
    if about is None:
        return 0
    # This suggestion's notice only: another on the same entry still waits (and Mijn werk lists it).
    notices_done(
        team=about.team,
        subject_kind=SubjectKind.SOCIAL_MAP_ENTRY,
        subject_id=entry.pk,
        kinds=[NoticeKind.CORRECTION_SUGGESTED],
        key=f"{NoticeKind.CORRECTION_SUGGESTED}:socialmap:{suggestion.pk}",
    )
    return notices_create(
        kind=NoticeKind.CORRECTION_HANDLED,
        subject=about,
        recipients=[suggestion.author_id],
        actor=actor,
        key=f"{NoticeKind.CORRECTION_HANDLED}:socialmap:{suggestion.pk}",
    )


def confirmed(entry: Entry) -> None:
    """Confirmed again: the requests to do so are done, for everyone who got them."""
    about = subject(entry)
    if about is not None:
        notices_done(
            team=about.team,
            subject_kind=SubjectKind.SOCIAL_MAP_ENTRY,
            subject_id=entry.pk,
            kinds=[NoticeKind.RECONFIRM_DUE],
        )


def removed(entry: Entry) -> None:
    """Removed from the kaart: nothing about it waits on anyone any more (its suggestions go with
    it). Their notices are filed under the team each was made on (a region-wide entry's), or the
    region's first team: each of those teams' are ended, as the wijk card's removal ends its own."""
    teams = set(suggestion_teams(entry))
    about = subject(entry)
    if about is not None:
        teams.add(about.team)
    for team in teams:
        notices_done(
            team=team,
            subject_kind=SubjectKind.SOCIAL_MAP_ENTRY,
            subject_id=entry.pk,
            kinds=[NoticeKind.RECONFIRM_DUE, NoticeKind.CORRECTION_SUGGESTED],
        )


def time_check(today: date) -> int:
    """The daily question (the job runs hourly; keys make it once): every entry whose confirmation is
    due asks its keepers to confirm it again, once per due date."""
    made = 0
    first_teams: dict[int, Team | None] = {}
    admins: dict[int, list[int]] = {}
    coordinators: dict[int, list[int]] = {}
    for entry in entries_due(today=today):
        if entry.team_id is None and entry.region_id not in first_teams:
            first_teams[entry.region_id] = first_team(region_id=entry.region_id)
        if entry.team_id is None and first_teams[entry.region_id] is None:
            continue
        if entry.maintainer_id:
            recipients = [entry.maintainer_id]
        elif entry.team_id is not None:
            if entry.team_id not in coordinators:
                coordinators[entry.team_id] = team_coordinator_users(team=entry.team)
            recipients = coordinators[entry.team_id]
        else:
            if entry.region_id not in admins:
                admins[entry.region_id] = list(
                    region_admin_users(region_id=entry.region_id).values_list("pk", flat=True)
                )
            recipients = admins[entry.region_id]
        notice_team = entry.team or first_teams[entry.region_id]
        about = Subject(
            team=notice_team,
            kind=SubjectKind.SOCIAL_MAP_ENTRY,
            id=entry.pk,
            title=entry.name,
            path=entry_path(entry),
        )
        made += notices_create(
            kind=NoticeKind.RECONFIRM_DUE,
            subject=about,
            recipients=recipients,
            key=f"{NoticeKind.RECONFIRM_DUE}:socialmap:{entry.pk}:{entry.due_on.isoformat()}",
        )
    return made

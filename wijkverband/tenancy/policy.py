"""One place that answers "what may this person do in this team or region".

Roles come from guardian alone (the team-role and region-role groups of permissions.py, kept in
line with the Membership and RegionRole rows by the services). `TeamRights` carries every right a
person has in one team; the feature policies (agreements, bottlenecks, threads) read only it and
never the rows. The one thing a role does not say, the organisation a professional acts for, comes
from their membership row in the same read.

Answers are cached on the user object, which Django builds anew for every request; a socket keeps
its user object and calls `policy_forget` when it must read the rights again.
"""

from dataclasses import dataclass, fields

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast
from guardian.core import ObjectPermissionChecker

from wijkverband.tenancy.models import (
    Membership,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    Team,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)
from wijkverband.tenancy.selectors import PROFESSIONAL_ROLES, membership_organisation_id

_CHECKER = "_wijkverband_perm_checker"
_TEAM_RIGHTS = "_wijkverband_team_rights"


def _checker(user) -> ObjectPermissionChecker:
    checker = getattr(user, _CHECKER, None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        setattr(user, _CHECKER, checker)
    return checker


def policy_forget(user) -> None:
    """Drop cached answers, e.g. after a service changed this user's roles."""
    for name in (_CHECKER, _TEAM_RIGHTS):
        if hasattr(user, name):
            delattr(user, name)


@dataclass(frozen=True)
class TeamRights:
    """Everything one person may do in one team."""

    user_id: int | None = None
    #: members, coordinators and client representatives of the team; the region's overseers,
    #: administrators and client representatives
    can_view: bool = False
    #: members and coordinators: propose agreements, report bottlenecks, post in threads
    can_contribute: bool = False
    #: coordinators of the team: close or hand over any bottleneck, record an external party's
    #: consent, set targets, moderate threads
    can_coordinate: bool = False
    #: coordinators and the region's administrators: invite, change roles, remove members
    can_manage_members: bool = False
    #: the region's overseers (and administrators): read everything, answer escalations
    can_oversee: bool = False
    #: may open the page of the team's region (people with a role in the region)
    can_view_region: bool = False
    #: client representatives of the team or of its region: file signals (wijkverband.signals)
    can_signal: bool = False
    #: an external party (insurer, municipality, client council) with an account: reads and
    #: endorses the agreements its organisation is party to, and nothing else of the team
    can_endorse_as_party: bool = False
    #: the organisation a professional or an external party acts for in this team (endorsements, reports)
    organisation_id: int | None = None

    @property
    def can_view_agreements(self) -> bool:
        """The lowest rung: the agreements pages. Everyone who sees the team, and an external
        party (whose agreements the agreements app narrows to those its organisation is party to)."""
        return self.can_view or self.can_endorse_as_party

    @property
    def can_endorse(self) -> bool:
        """Endorse or decline for one's own organisation: its professionals, or the external party itself."""
        return (self.can_contribute or self.can_endorse_as_party) and self.organisation_id is not None

    @property
    def can_see_internal(self) -> bool:
        """Internal items are for the team's professionals and the region's overseers."""
        return self.can_contribute or self.can_oversee

    @property
    def read_only(self) -> bool:
        """Reads along without contributing (client representatives, the region's overseers)."""
        return self.can_view and not self.can_contribute


#: The names a view may ask for (tenancy.entry.team_view(needs=...)).
TEAM_RIGHT_NAMES = frozenset(
    [f.name for f in fields(TeamRights) if f.name.startswith("can_")]
    + ["can_see_internal", "can_view_agreements", "can_endorse"]
)
#: The rights an external party can hold: a team page that asks for none of them (or for nothing)
#: is out of its reach, 404 like for an outsider (tenancy.entry.team_view).
EXTERNAL_PARTY_RIGHT_NAMES = frozenset(["can_view_agreements", "can_endorse"])


@dataclass(frozen=True)
class RegionRights:
    can_view: bool = False
    can_view_teams: bool = False
    can_oversee: bool = False
    can_administer: bool = False


REGION_RIGHT_NAMES = frozenset(f.name for f in fields(RegionRights))

NO_TEAM_RIGHTS = TeamRights()
NO_REGION_RIGHTS = RegionRights()


def rights_prefetch(*, user, teams) -> None:
    """Read the person's permissions on these teams and their regions in a few queries (guardian's
    prefetch), so team_rights on each of them asks no more (a page over many teams: the search)."""
    if not user.is_authenticated or not user.is_active or not teams:
        return
    checker = _checker(user)
    checker.prefetch_perms(list(teams))
    checker.prefetch_perms(list({team.region_id: team.region for team in teams}.values()))


def region_rights(*, user, region: Region) -> RegionRights:
    if not user.is_authenticated or not user.is_active:
        return NO_REGION_RIGHTS
    return _region_rights_from(set(_checker(user).get_perms(region)))


def _region_rights_from(perms: set[str]) -> RegionRights:
    return RegionRights(
        can_view="view_region" in perms,
        can_view_teams="view_region_teams" in perms,
        can_oversee="oversee_region" in perms,
        can_administer="administer_region" in perms,
    )


def team_rights(*, user, team: Team) -> TeamRights:
    if not user.is_authenticated or not user.is_active:
        return NO_TEAM_RIGHTS
    cached = getattr(user, _TEAM_RIGHTS, None)
    if cached is None:
        cached = {}
        setattr(user, _TEAM_RIGHTS, cached)
    rights = cached.get(team.pk)
    if rights is None:
        rights = cached[team.pk] = _team_rights(user, team)
    return rights


def team_rights_fresh(*, user, team: Team) -> TeamRights:
    """team_rights read from the database now, in one query, whatever this user object cached.

    For the live socket, which reads a person's rights on every subscribe (and before a post, every
    few seconds): guardian's checker asks four queries (the person's and their groups' permissions
    on the team and on its region) and the membership a fifth; here they are one UNION ALL of the
    same rows. The answer is the same TeamRights (tests/tenancy/test_policy.py compares the two for
    every persona), and it replaces what was cached, so later team_rights calls on this user object
    (the post's own check) reuse it.
    """
    policy_forget(user)
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return team_rights(user=user, team=team)  # (a superuser holds every permission: guardian's answer)
    rights = _team_rights_from(user, team, *_perms_and_organisation(user, team))
    setattr(user, _TEAM_RIGHTS, {team.pk: rights})
    return rights


def _perms_and_organisation(user, team: Team) -> tuple[set[str], set[str], int | None]:
    """(codenames on the team, codenames on its region, the membership's organisation) in one query:
    the rows guardian's ObjectPermissionChecker.get_perms reads for a user that is not a superuser
    (direct and group permissions of the object's content type), and membership_organisation_id's."""
    team_type = ContentType.objects.get_for_model(Team).pk  # (cached per process)
    region_type = ContentType.objects.get_for_model(Region).pk
    text = CharField()

    def perms(model, kind: str, content_type: int, object_id: int, **who):
        return (
            model.objects.filter(content_object_id=object_id, permission__content_type_id=content_type, **who)
            .order_by()
            .annotate(kind=Value(kind, output_field=text), value=F("permission__codename"))
            .values_list("kind", "value")
        )

    organisation = (
        Membership.objects.for_team(team)
        .filter(user=user, role__in=(*PROFESSIONAL_ROLES, Membership.Role.EXTERNAL_PARTY))
        .order_by()
        .annotate(kind=Value("organisation", output_field=text), value=Cast("organisation_id", text))
        .values_list("kind", "value")
    )
    rows = perms(TeamUserObjectPermission, "team", team_type, team.pk, user=user).union(
        perms(TeamGroupObjectPermission, "team", team_type, team.pk, group__user=user),
        perms(RegionUserObjectPermission, "region", region_type, team.region_id, user=user),
        perms(RegionGroupObjectPermission, "region", region_type, team.region_id, group__user=user),
        organisation,
        all=True,
    )
    found: dict[str, set[str]] = {"team": set(), "region": set(), "organisation": set()}
    for kind, value in rows:
        found[kind].add(value)
    organisation_id = min((int(v) for v in found["organisation"] if v is not None), default=None)
    return found["team"], found["region"], organisation_id


def _team_rights(user, team: Team) -> TeamRights:
    perms = set(_checker(user).get_perms(team))
    region = set(_checker(user).get_perms(team.region))
    contribute = "contribute_team" in perms
    external = "endorse_team_agreements" in perms
    organisation_id = membership_organisation_id(user=user, team=team) if contribute or external else None
    return _team_rights_from(user, team, perms, region, organisation_id)


def _team_rights_from(user, team: Team, perms: set[str], region_perms: set[str], organisation_id) -> TeamRights:
    region = _region_rights_from(region_perms)
    contribute = "contribute_team" in perms
    external = "endorse_team_agreements" in perms
    return TeamRights(
        user_id=user.pk,
        can_view="view_team" in perms or region.can_view_teams,
        can_contribute=contribute,
        # The team's representatives (view without contribute) and the region's (who read the
        # region's teams without overseeing them).
        can_signal=("view_team" in perms and not contribute) or (region.can_view_teams and not region.can_oversee),
        can_endorse_as_party=external,
        can_coordinate="manage_team_members" in perms,
        can_manage_members="manage_team_members" in perms or region.can_administer,
        can_oversee=region.can_oversee,
        can_view_region=region.can_view,
        organisation_id=organisation_id if contribute or external else None,
    )

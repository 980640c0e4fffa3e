"""One place that answers "what may this person do in this team or region".

Roles come from guardian alone (the team-role and region-role groups of permissions.py, kept in
line with the Membership and RegionRole rows by the services). `TeamRights` carries every right a
person has in one team; the feature policies (agreements, bottlenecks, threads) read only it and
never the rows. The one thing a role does not say, the organisation a professional acts for, comes
from their membership row in the same read.

Answers are cached on the user object, which Django builds anew for every request; a socket keeps
its user object and calls `policy_forget` when it must read the rights again.
"""

import functools
from dataclasses import dataclass, fields

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.core import ObjectPermissionChecker

from wijkverband.core import rows
from wijkverband.tenancy.models import (
    Membership,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    Team,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)
from wijkverband.tenancy.selectors import (
    PROFESSIONAL_ROLES,
    membership_organisation_id,
    membership_organisation_ids,
)

_CHECKER = "_wijkverband_perm_checker"
_TEAM_RIGHTS = "_wijkverband_team_rights"
#: {team id: the organisation the person acts for there}, read by rights_prefetch
_ORGANISATIONS = "_wijkverband_organisations"


def _checker(user) -> ObjectPermissionChecker:
    checker = getattr(user, _CHECKER, None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        setattr(user, _CHECKER, checker)
    return checker


def policy_forget(user) -> None:
    """Drop cached answers, e.g. after a service changed this user's roles."""
    for name in (_CHECKER, _TEAM_RIGHTS, _ORGANISATIONS):
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
        """Reads along without contributing (client representatives, the region's overseers). The
        region's administrator, who invites a new team's people, is not told "Alleen lezen" above
        the invitation link."""
        return self.can_view and not self.can_contribute and not self.can_manage_members


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
    prefetch), and the organisation they act for in each in one more, so team_rights on each of
    them asks no more (a page over many teams: the search, the start page's cards)."""
    if not user.is_authenticated or not user.is_active or not teams:
        return
    checker = _checker(user)
    checker.prefetch_perms(list(teams))
    checker.prefetch_perms(list({team.region_id: team.region for team in teams}.values()))
    # and the organisation they act for in each (membership_organisation_id, for all of them at once)
    organisations = getattr(user, _ORGANISATIONS, None)
    if organisations is None:
        organisations = {}
        setattr(user, _ORGANISATIONS, organisations)
    team_ids = [team.pk for team in teams]
    organisations.update(dict.fromkeys(team_ids))
    organisations.update(membership_organisation_ids(user=user, team_ids=team_ids))


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
    """team_rights read from the database now, whatever this user object cached.

    For the live socket, which keeps its user object and reads a person's rights on every subscribe
    (and before a post, every few seconds). The answer replaces what was cached, so later
    team_rights calls on this user object (the post's own check) reuse it.
    """
    policy_forget(user)
    return team_rights(user=user, team=team)


def _perms_and_organisation(user, team: Team) -> tuple[set[str], set[str], int | None]:
    """(codenames on the team, codenames on its region, the membership's organisation) in one query:
    the rows guardian's ObjectPermissionChecker.get_perms reads for a user that is not a superuser
    (direct and group permissions of the object's content type), and membership_organisation_id's.

    Written out once per process (_rights_sql): building it with the ORM on every call cost more
    of the worker's CPU than running it (docs/realtime.md, "Reconnect storm").
    """
    sql, roles = _rights_sql()
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, rights_params(user=user, team_key=team.pk, region_key=team.region_id, roles=roles))
        return _rights_found(cursor.fetchall())


def _rights_found(found_rows) -> tuple[set[str], set[str], int | None]:
    """_rights_sql's (kind, value) rows as (team codenames, region codenames, organisation)."""
    found: dict[str, set[str]] = {"t": set(), "r": set(), "o": set()}
    for kind, value in found_rows:
        if kind is not None:  # (team_with_rights: a team without a right of this person's)
            found[kind].add(value)
    organisation_id = min((int(v) for v in found["o"] if v is not None), default=None)
    return found["t"], found["r"], organisation_id


@functools.cache
def _rights_sql(team_id: str = "%s", region_id: str = "%s") -> tuple[str, tuple[str, ...]]:
    """The query of _perms_and_organisation (table and column names from the models), and its roles.

    Its rows are (kind, value). `team_id` and `region_id` are the SQL for the team's and the region's
    id, each with one parameter (team_with_rights: the team's by its slug)."""
    groups = get_user_model().groups.field
    member_of = groups.remote_field.through._meta.db_table
    member_user, member_group = groups.m2m_column_name(), groups.m2m_reverse_name()
    permission = Permission._meta.db_table

    roles = (*PROFESSIONAL_ROLES, Membership.Role.EXTERNAL_PARTY)
    parts = []
    # Only names from the models' metadata go into the text; every value is a parameter.
    for kind, user_model, group_model in (
        ("t", TeamUserObjectPermission, TeamGroupObjectPermission),
        ("r", RegionUserObjectPermission, RegionGroupObjectPermission),
    ):
        for model, via_group in ((user_model, False), (group_model, True)):
            meta = model._meta
            column = {name: meta.get_field(name).column for name in ("content_object", "permission")}
            if via_group:
                join = f" JOIN {member_of} g ON g.{member_group} = x.{meta.get_field('group').column}"
                person = f"g.{member_user}"
            else:
                join, person = "", f"x.{meta.get_field('user').column}"
            parts.append(
                f"SELECT '{kind}' AS kind, p.codename AS value FROM {meta.db_table} x"  # noqa: S608 - names from the models only
                f" JOIN {permission} p ON p.id = x.{column['permission']}{join}"
                f" WHERE x.{column['content_object']} = {team_id if kind == 't' else region_id}"
                f" AND {person} = %s AND p.content_type_id = %s"
            )
    membership = Membership._meta
    column = {name: membership.get_field(name).column for name in ("organisation", "team", "user", "role")}
    parts.append(
        f"SELECT 'o', CAST(m.{column['organisation']} AS TEXT) FROM {membership.db_table} m"  # noqa: S608 - as above
        f" WHERE m.{column['team']} = {team_id} AND m.{column['user']} = %s"
        f" AND m.{column['role']} IN ({', '.join(['%s'] * len(roles))})"
    )
    return " UNION ALL ".join(parts), tuple(str(role) for role in roles)


def _team_rights(user, team: Team) -> TeamRights:
    """One query (_perms_and_organisation) for a person whose permissions on this team nobody read
    yet: every page, every subscribe. Guardian's checker asks four (the person's and their groups'
    permissions on the team and on its region) and the membership a fifth; its answers are the same
    (tests/tenancy/test_policy_fresh.py compares the two for every persona). What was read goes into
    the checker's cache, so a later region_rights on the team's region asks nothing.

    The checker still answers for a superuser (every permission) and for teams it already holds:
    rights_prefetch read a page's many teams in a few queries.
    """
    checker = _checker(user)
    team_key = checker.get_local_cache_key(team)
    if user.is_superuser or team_key in checker._obj_perms_cache:
        return _team_rights_by_checker(user, team, checker)
    return _rights_read(user, team, _perms_and_organisation(user, team))


def _rights_read(user, team: Team, found: tuple[set[str], set[str], int | None]) -> TeamRights:
    """The rights from what _rights_sql read, with the permissions put into guardian's own cache
    (get_perms answers from it, as after its prefetch_perms)."""
    perms, region, organisation_id = found
    checker = _checker(user)
    checker._obj_perms_cache[checker.get_local_cache_key(team)] = list(perms)
    region_key = (ContentType.objects.get_for_model(Region).pk, str(team.region_id))  # (without loading the region)
    checker._obj_perms_cache[region_key] = list(region)
    return _team_rights_from(user, team, perms, region, organisation_id)


def team_with_rights(*, user, team_slug: str) -> tuple[Team | None, TeamRights]:
    """The team of this slug (with its region, as `select_related("region")` reads them) and
    team_rights on it, in one prepared statement: every team page asks this first (tenancy.access.
    access_team). Two trips before (the team, then the rights), and a trip costs a page more than
    its query while its worker is busy: the page's thread lets go of the GIL and waits to get it
    back (docs/scaling.md, "Pages during a storm"). (None, no rights) for no such team.

    Rights this user object holds for the team already are kept; someone inactive has none, and a
    superuser's are guardian's checker's (rights_from_rows)."""
    sql, columns, roles = _team_with_rights_sql()
    with rows.prepared_cursor(connection) as cursor:
        params = rights_params(user=user, team_key=team_slug, region_key=team_slug, roles=roles)
        cursor.execute(sql, [*params, team_slug])
        found = cursor.fetchall()
    if not found:
        return None, NO_TEAM_RIGHTS
    team, region = rows.instances(found[0], columns, (Team, Region), connection)
    team.region = region
    return team, rights_from_rows(user=user, team=team, found=(row[len(columns) :] for row in found))


def rights_statement(*, team_id: str, region_id: str) -> tuple[str, tuple[str, ...]]:
    """For a statement that reads a row and the person's rights on its team in one trip (the team
    of a page's URL, the thread of a socket's frame): a derived table of (kind, value) rows to
    `LEFT JOIN … ON 1 = 1`, and the roles rights_params needs. `team_id` and `region_id` are the
    SQL for the team's and its region's id, each with one parameter. The rows go to rights_from_rows."""
    return _rights_sql(team_id, region_id)


def rights_params(*, user, team_key, region_key, roles) -> list:
    """rights_statement's (and _rights_sql's) parameters, in its order: `team_key` and `region_key`
    are the parameters of its `team_id` and `region_id` (the ids themselves, for _rights_sql's own)."""
    team_type = ContentType.objects.get_for_model(Team).pk  # (cached per process)
    region_type = ContentType.objects.get_for_model(Region).pk
    return [team_key, user.pk, team_type] * 2 + [region_key, user.pk, region_type] * 2 + [team_key, user.pk, *roles]


def rights_from_rows(*, user, team: Team, found, fresh: bool = False) -> TeamRights:
    """team_rights from rights_statement's (kind, value) rows (NULLs: no right). With fresh=True they
    replace every answer cached on this user object (as team_rights_fresh); otherwise an answer
    cached for this team already is kept. Someone signed out or inactive has none, whatever the rows
    say, and a superuser's are guardian's checker's (every permission)."""
    if fresh:
        policy_forget(user)
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return team_rights(user=user, team=team)
    cached = getattr(user, _TEAM_RIGHTS, None)
    if cached is None:
        cached = {}
        setattr(user, _TEAM_RIGHTS, cached)
    if team.pk not in cached:
        cached[team.pk] = _rights_read(user, team, _rights_found(found))
    return cached[team.pk]


@functools.cache
def _team_with_rights_sql() -> tuple[str, tuple, tuple[str, ...]]:
    """team_with_rights' statement: each row the team's and the region's columns (`Col`s, returned
    for the ORM's conversions), then one of _rights_sql's (kind, value) rows, or NULLs without one."""
    quote = connection.ops.quote_name
    team, region = Team._meta, Region._meta
    columns, names = rows.model_columns(connection, (Team, "wt"), (Region, "wr"))
    slug, region_id = quote(team.get_field("slug").column), quote(team.get_field("region").column)
    by_slug = f"FROM {quote(team.db_table)} WHERE {slug} = %s"  # noqa: S608 - names from the models only
    rights, roles = _rights_sql(f"(SELECT {quote(team.pk.column)} {by_slug})", f"(SELECT {region_id} {by_slug})")
    sql = (
        f"SELECT {names}, wp.kind, wp.value FROM {quote(team.db_table)} wt"  # noqa: S608 - as above
        f" JOIN {quote(region.db_table)} wr ON wr.{quote(region.pk.column)} = wt.{region_id}"
        f" LEFT JOIN ({rights}) wp ON 1 = 1 WHERE wt.{slug} = %s"
    )
    return sql, columns, roles


def _team_rights_by_checker(user, team: Team, checker: ObjectPermissionChecker) -> TeamRights:
    perms = set(checker.get_perms(team))
    region = set(checker.get_perms(team.region))
    contribute = "contribute_team" in perms
    external = "endorse_team_agreements" in perms
    organisation_id = None
    if contribute or external:
        prefetched = getattr(user, _ORGANISATIONS, {})
        organisation_id = (
            prefetched[team.pk] if team.pk in prefetched else membership_organisation_id(user=user, team=team)
        )
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

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from wijkverband.core import outbox, rows
from wijkverband.core.registry import external_party_organisation_ids
from wijkverband.core.sorting import name_order
from wijkverband.tenancy import postcodes
from wijkverband.tenancy.models import (
    CORE_KINDS,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PostcodeArea,
    Region,
    RegionRole,
    Team,
    TeamOrganisation,
    hash_invitation_token,
)

PROFESSIONAL_ROLES = (Membership.Role.MEMBER, Membership.Role.COORDINATOR)


def own_membership(*, user, team: Team) -> Membership | None:
    """The person's membership of this team, if they have one."""
    if not user.is_authenticated:
        return None
    return Membership.objects.for_team(team).filter(user=user).select_related("user", "organisation").first()


def is_last_coordinator(membership: Membership) -> bool:
    """Whether this is the team's only coordinator (who may not leave or be removed: a team needs one)."""
    return (
        membership.role == Membership.Role.COORDINATOR
        and not Membership.objects.for_team(membership.team_id)
        .filter(role=Membership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
    )


def user_memberships(*, user) -> QuerySet[Membership]:
    """The teams a person belongs to, for the team switcher."""
    if not user.is_authenticated:
        return Membership.objects.none()
    # A person's own rows in all their teams: scoped by the person, not by one team.
    return (
        Membership.objects.across_teams()
        .filter(user=user)
        .select_related("team", "organisation")
        .order_by("team__name")
    )


def overseen_teams(*, user) -> QuerySet[Team]:
    """The teams of every region the person oversees (overseer or administrator)."""
    if not user.is_authenticated:
        return Team.objects.none()
    roles = RegionRole.objects.filter(user=user, role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN])
    return Team.objects.filter(region__in=roles.values("region_id")).order_by("name")


def holds_role(*, user, team_roles, region_roles) -> bool:
    """Whether the person holds one of these roles in any team or region."""
    # The person's own rows in all their teams.
    return (
        Membership.objects.across_teams().filter(user=user, role__in=team_roles).exists()
        or RegionRole.objects.filter(user=user, role__in=region_roles).exists()
    )


@dataclass(frozen=True)
class SwitcherPlace:
    """A team or region of the person's, as the team switcher in every page's header lists it."""

    kind: str  # "team" or "region"
    pk: int
    name: str
    slug: str
    role: str

    @property
    def is_team(self) -> bool:
        return self.kind == "team"

    @property
    def url_name(self) -> str:
        if self.is_team:
            return Membership.home_url_name_for(self.role)
        return "region_home"

    @property
    def role_label(self) -> str:
        return (Membership.Role if self.is_team else RegionRole.Role)(self.role).label


def switcher_places(*, user) -> list[SwitcherPlace]:
    """The person's teams (by name), then their regions (by name), in one query, compiled once per
    process (core.rows.CompiledRows): every page's header lists them."""
    if not user.is_authenticated:
        return []
    return switcher_places_from(rows.run(switcher_statement(user=user))[0])


def switcher_statement(*, user) -> rows.CompiledRows:
    """switcher_places' query, to run with others in one trip (core.rows.run); its result goes to
    switcher_places_from. The page's second-factor check reads it so (tenancy.second_factor)."""
    return rows.CompiledRows(_switcher_places, user.pk)


def switcher_places_from(result: list[tuple]) -> list[SwitcherPlace]:
    """The query's rows as the switcher lists them: the teams by name, then the regions by name."""
    places = (SwitcherPlace(*row) for row in result)
    return sorted(places, key=lambda place: (not place.is_team, place.name.casefold(), place.pk))


@rows.compiled
def _switcher_places(user_id: int) -> QuerySet:
    kind = CharField()
    # A person's own rows in all their teams: scoped by the person, not by one team.
    teams = (
        Membership.objects.across_teams()
        .filter(user=user_id)
        .order_by()
        .values_list(Value("team", output_field=kind), "team_id", "team__name", "team__slug", "role")
    )
    regions = (
        RegionRole.objects.filter(user=user_id)
        .order_by()
        .values_list(Value("region", output_field=kind), "region_id", "region__name", "region__slug", "role")
    )
    return teams.union(regions, all=True)


def user_region_roles(*, user) -> QuerySet[RegionRole]:
    if not user.is_authenticated:
        return RegionRole.objects.none()
    return RegionRole.objects.filter(user=user).select_related("region").order_by("region__name")


def membership_organisation_id(*, user, team: Team) -> int | None:
    """The organisation this person acts for in the team (None: neither a professional nor an external party)."""
    return (
        Membership.objects.for_team(team)
        .filter(user=user, role__in=(*PROFESSIONAL_ROLES, Membership.Role.EXTERNAL_PARTY))
        .values_list("organisation_id", flat=True)
        .first()
    )


def membership_organisation_ids(*, user, team_ids) -> dict[int, int]:
    """membership_organisation_id for many teams at once: {team id: organisation id}, for the teams
    where the person acts for one (one query)."""
    return dict(
        Membership.objects.for_teams(team_ids)
        .filter(user=user, role__in=(*PROFESSIONAL_ROLES, Membership.Role.EXTERNAL_PARTY))
        .values_list("team_id", "organisation_id")
    )


def is_professional(*, user, team: Team) -> bool:
    """Whether this person is a member or coordinator of the team (not a representative)."""
    return Membership.objects.for_team(team).filter(user=user, role__in=PROFESSIONAL_ROLES).exists()


def team_professional_ids(*, team, among) -> set[int]:
    """Which of these people are still active members or coordinators of the team (not only readers
    through a role in its region, nor representatives)."""
    wanted = {user_id for user_id in among if user_id}
    if not wanted:
        return set()
    return set(
        Membership.objects.for_team(team)
        .filter(user_id__in=wanted, user__is_active=True, role__in=PROFESSIONAL_ROLES)
        .values_list("user_id", flat=True)
    )


def team_reader_ids(*, team: Team, internal: bool = False) -> set[int]:
    """Everyone (active) who may read the team's items, in two queries: its members and the people
    with a role in its region. internal: only those who may read internal items (no client
    representatives), as TeamRights.can_see_internal says."""
    members, region_roles = team_readers(team=team, internal=internal)
    return set(members.values_list("user_id", flat=True)) | set(region_roles.values_list("user_id", flat=True))


def team_readers(*, team: Team, internal: bool = False) -> tuple[QuerySet, QuerySet]:
    """team_reader_ids' memberships and region roles."""
    # An external party reads only its agreements, never the team's other items.
    members = (
        Membership.objects.for_team(team).filter(user__is_active=True).exclude(role=Membership.Role.EXTERNAL_PARTY)
    )
    region_roles = RegionRole.objects.filter(region_id=team.region_id, user__is_active=True)
    if internal:
        members = members.exclude(role=Membership.Role.CLIENT_REPRESENTATIVE)
        region_roles = region_roles.exclude(role=RegionRole.Role.CLIENT_REPRESENTATIVE)
    return members, region_roles


#: How far someone reads a team's items (team_reaches), by the rule team_readers tells people by:
#: everything, internal items too (its professionals, the region's overseers and administrators) ...
READS_ALL = "all"
#: ... all but its internal items (client representatives of the team or of its region) ...
READS_VISIBLE = "visible"
#: ... or only the agreements its organisation is party to (an external party).
READS_AGREEMENTS = "agreements"

_MEMBER_READS = {
    Membership.Role.MEMBER: READS_ALL,
    Membership.Role.COORDINATOR: READS_ALL,
    Membership.Role.CLIENT_REPRESENTATIVE: READS_VISIBLE,
    Membership.Role.EXTERNAL_PARTY: READS_AGREEMENTS,
}
_REGION_READS = {
    RegionRole.Role.OVERSEER: READS_ALL,
    RegionRole.Role.ADMIN: READS_ALL,
    RegionRole.Role.CLIENT_REPRESENTATIVE: READS_VISIBLE,
}
_WIDER = [READS_AGREEMENTS, READS_VISIBLE, READS_ALL]


def team_reaches(*, user, team_ids) -> dict[int, str]:
    """How far `user` reads each of these teams' items now (READS_*; a team they read nothing of is
    left out): the wider of what their membership and their role in the team's region give. Rows as
    they are in this transaction (a role just changed or ended counts). Two queries."""
    team_ids = list(team_ids)
    reaches: dict[int, str] = {}
    for team_id, role in Membership.objects.for_teams(team_ids).filter(user=user).values_list("team_id", "role"):
        reaches[team_id] = _MEMBER_READS[role]
    region_roles = RegionRole.objects.filter(user=user, region__teams__in=team_ids)
    for team_id, role in region_roles.values_list("region__teams", "role"):
        reach = _REGION_READS[role]
        if team_id not in reaches or _WIDER.index(reach) > _WIDER.index(reaches[team_id]):
            reaches[team_id] = reach
    return reaches


def internal_reader_ids(*, team, among) -> set[int]:
    """Of `among`, those who read the team's internal items now (READS_ALL in team_reaches): its
    members and coordinators, the region's overseers and administrators. Two queries."""
    among = list(among)
    members = Membership.objects.for_team(team).filter(user_id__in=among, role__in=PROFESSIONAL_ROLES)
    region_roles = RegionRole.objects.filter(
        user_id__in=among,
        region__teams=team,
        role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN],
    )
    return set(members.values_list("user_id", flat=True)) | set(region_roles.values_list("user_id", flat=True))


def region_overseer_ids(*, region_id: int) -> set[int]:
    """The people who answer the region's escalations (overseers and administrators)."""
    return set(
        RegionRole.objects.filter(
            region_id=region_id, role__in=[RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN], user__is_active=True
        ).values_list("user_id", flat=True)
    )


def team_coordinator_ids(*, team) -> set[int]:
    return set(
        Membership.objects.for_team(team)
        .filter(role=Membership.Role.COORDINATOR, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def coordinated_team_ids(*, user, team_ids) -> set[int]:
    """Of these teams, those this person is a coordinator of now (who hears what asks the team's
    coordinators to act: team_coordinator_ids). One query."""
    rows = Membership.objects.for_teams(list(team_ids)).filter(user=user, role=Membership.Role.COORDINATOR)
    return set(rows.values_list("team_id", flat=True))


def member_manager_team_ids(*, user, team_ids) -> set[int]:
    """Of these teams, those whose members this person manages now (invites, changes roles): as the
    team's coordinator or its region's administrator (policy's can_manage_members). Two queries."""
    team_ids = list(team_ids)
    coordinates = Membership.objects.for_teams(team_ids).filter(user=user, role=Membership.Role.COORDINATOR)
    administers = RegionRole.objects.filter(user=user, role=RegionRole.Role.ADMIN, region__teams__in=team_ids)
    return set(coordinates.values_list("team_id", flat=True)) | set(administers.values_list("region__teams", flat=True))


def longest_serving_coordinator(*, team, excluding) -> "Membership | None":
    """The team's coordinator who joined first, other than `excluding` (a user id), or None."""
    return (
        Membership.objects.for_team(team)
        .filter(role=Membership.Role.COORDINATOR, user__is_active=True)
        .exclude(user_id=excluding)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )


def organisation_member_ids(*, team, organisation_ids, external: bool | None = False) -> set[int]:
    """The team's professionals who act for these organisations (external: its external-party
    accounts; None: both, everyone who endorses for them)."""
    if external is None:
        roles = (*PROFESSIONAL_ROLES, Membership.Role.EXTERNAL_PARTY)
    else:
        roles = (Membership.Role.EXTERNAL_PARTY,) if external else PROFESSIONAL_ROLES
    return set(
        Membership.objects.for_team(team)
        .filter(organisation_id__in=list(organisation_ids), role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def team_members(*, team: Team) -> list[Membership]:
    return list(
        Membership.objects.for_team(team)
        .select_related("user", "organisation")
        .order_by("organisation__kind", "organisation__sort_name", "organisation__name", "user__name")
    )


def team_organisations(*, team: Team) -> list[TeamOrganisation]:
    return list(
        TeamOrganisation.objects.for_team(team)
        .select_related("organisation")
        .order_by("organisation__sort_name", "organisation__name")
    )


def team_organisation_choices(*, team: Team) -> QuerySet[Organisation]:
    """The organisations taking part in the team, by name ("'t Hoekje" under H; for a form's choice field)."""
    return Organisation.objects.filter(team_links__team=team).order_by("sort_name", "name")


def invitation_organisation_choices(*, team: Team) -> QuerySet[Organisation]:
    """What an invitation may name: the team's organisations, and the external organisations (an
    insurer, a municipality, a client council) party to its agreements, for an external party.
    Each with `takes_part`: whether it takes part in the team (any role may act for it) or is only
    party to an agreement (only an external party acts for it; the form lists those apart)."""
    external = external_party_organisation_ids(team=team)
    takes_part = TeamOrganisation.objects.for_team(team).filter(organisation=OuterRef("pk"))
    return (
        Organisation.objects.filter(Q(team_links__team=team) | Q(pk__in=external))
        .distinct()
        .annotate(takes_part=Exists(takes_part))
        .order_by("sort_name", "name")
    )


def team_professional_users(*, team: Team) -> QuerySet:
    """The team's members and coordinators as accounts, by name (for a form's choice field)."""
    from django.contrib.auth import get_user_model

    professionals = Membership.objects.for_team(team).filter(role__in=PROFESSIONAL_ROLES)
    return get_user_model().objects.filter(memberships__in=professionals).order_by("name")


def professional_users_of_teams(*, teams) -> QuerySet:
    """team_professional_users for several teams at once (one query): each person once, by name."""
    from django.contrib.auth import get_user_model

    professionals = Membership.objects.for_teams(teams).filter(role__in=PROFESSIONAL_ROLES)
    return get_user_model().objects.filter(pk__in=professionals.values("user_id")).order_by("name", "pk")


#: How long an expired invitation stays on the members page (to be sent again).
EXPIRED_SHOWN_DAYS = 30


def team_expired_invitations(*, team: Team) -> list[Invitation]:
    """Invitations that expired unused in the last EXPIRED_SHOWN_DAYS, the newest per address, for
    addresses without a newer invitation or a membership: the coordinator sees who never joined
    (they vanished from the page without a word) and can send them again."""
    now = timezone.now()
    newer = Invitation.objects.for_team(team).filter(email=OuterRef("email"), created_at__gt=OuterRef("created_at"))
    joined = Membership.objects.for_team(team).filter(user__email__iexact=OuterRef("email"))
    return list(
        Invitation.objects.for_team(team)
        .filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=now,
            expires_at__gt=now - timedelta(days=EXPIRED_SHOWN_DAYS),
        )
        .exclude(Exists(newer))
        .exclude(Exists(joined))
        .select_related("organisation")
        .order_by("-expires_at")
    )


def invitations_waiting_for(*, user) -> list[Invitation]:
    """Open invitations to the person's e-mail address, of teams they are no member of: the start
    page says one waits in their mail (its link holds the token, which only the mail has)."""
    if not user.email:
        return []
    return list(
        Invitation.objects.across_teams()  # the person's own: by their address, in any team
        .filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(team__in=Membership.objects.across_teams().filter(user=user).values("team"))
        .select_related("team")
        .order_by("expires_at", "pk")
    )


def team_pending_invitations(*, team: Team) -> list[Invitation]:
    """The open invitations, each with `mail_state`: how its mail stands in the outbox (None: not
    there, an invitation from before the outbox), so the page can say it has not gone out yet."""
    invitations = list(
        Invitation.objects.for_team(team)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )
    states = outbox.mail_states(keys=[invitation.mail_key for invitation in invitations])
    for invitation in invitations:
        invitation.mail_state = states.get(invitation.mail_key)
    return invitations


@dataclass(frozen=True)
class CorePlayers:
    present: list[str]
    missing: list[str]
    #: the organisations taking part for each present core kind, by name: [(kind label, [names])]
    organisations: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [OrganisationKind(kind).label for kind in self.missing]


def core_players_from_members(members: list[Membership]) -> CorePlayers:
    """A core player counts as present when a professional of that kind is a member."""
    names: dict[str, set[str]] = {}
    for m in members:
        if m.organisation_id and m.role in PROFESSIONAL_ROLES:
            names.setdefault(m.organisation.kind, set()).add(m.organisation.name)
    return CorePlayers(
        present=[k for k in CORE_KINDS if k in names],
        missing=[k for k in CORE_KINDS if k not in names],
        organisations=[(OrganisationKind(k).label, sorted(names[k], key=name_order)) for k in CORE_KINDS if k in names],
    )


def members_by_organisation(members: list[Membership]) -> list[tuple[object, list[Membership]]]:
    """Members grouped by organisation (None last: representatives without one)."""
    groups: dict = {}
    for member in members:
        groups.setdefault(member.organisation, []).append(member)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0].kind if item[0] else "", str(item[0])))


@dataclass(frozen=True)
class TeamOverview:
    team: Team
    member_count: int
    representative_count: int
    missing: list[str]
    #: cells of the columns other apps add (core.registry.register_region_column), in their order;
    #: the region home's view pairs each with its column
    extra_cells: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [OrganisationKind(kind).label for kind in self.missing]


def region_team_ids(*, region: Region) -> list[int]:
    return list(Team.objects.filter(region=region).values_list("pk", flat=True))


def region_team_overview(*, region: Region) -> list[TeamOverview]:
    """Every team of the region with member counts and core-player completeness, in one query."""
    professional = Q(memberships__role__in=PROFESSIONAL_ROLES)
    annotations = {
        f"has_{kind.value}": Count("memberships", filter=professional & Q(memberships__organisation__kind=kind))
        for kind in CORE_KINDS
    }
    teams = (
        Team.objects.filter(region=region)
        .annotate(
            member_count=Count("memberships", filter=professional),
            representative_count=Count(
                "memberships", filter=Q(memberships__role=Membership.Role.CLIENT_REPRESENTATIVE)
            ),
            **annotations,
        )
        .order_by("name")
    )
    return [
        TeamOverview(
            team=team,
            member_count=team.member_count,
            representative_count=team.representative_count,
            missing=[k for k in CORE_KINDS if not getattr(team, f"has_{k.value}")],
        )
        for team in teams
    ]


def invitation_by_token(*, token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    # The token is the credential: found in whichever team it was sent for.
    return (
        Invitation.objects.across_teams()
        .select_related("team", "organisation", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


#: How long after an invitation made an account a second send of its form may still sign that
#: account in (tenancy.views: a double tap whose browser dropped the first answer with its session).
NEW_ACCOUNT_SENT_AGAIN_WITHIN = timedelta(minutes=10)


def invitation_new_account(*, invitation: Invitation | None):
    """The account this invitation made (services.invitation_accept_with_new_account, the account
    and the acceptance in one transaction), when that was less than NEW_ACCOUNT_SENT_AGAIN_WITHIN
    ago; else None. An account that accepted it by signing in existed before it, and is not one."""
    if invitation is None or invitation.accepted_at is None or invitation.accepted_by_id is None:
        return None
    if timezone.now() - invitation.accepted_at > NEW_ACCOUNT_SENT_AGAIN_WITHIN:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=invitation.accepted_by_id, email__iexact=invitation.email).first()
    made_with_it = user is not None and (
        max(invitation.created_at, invitation.accepted_at - timedelta(minutes=1))
        <= user.date_joined
        <= invitation.accepted_at
    )
    return user if made_with_it else None


def account_exists(*, email: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email).exists()


def account_language(*, email: str) -> str:
    """The language kept on the account with this address ("" without one, or without a choice)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email).values_list("language", flat=True).first() or ""


# --- postcode areas (kept by the region: docs/lookup.md) --------------------------------------------


@dataclass(frozen=True)
class AreaConflict:
    """An area asked for (`code`) that another team's area (`held`) stands in the way of."""

    code: str
    held: str
    team: Team
    other_region: bool


def postcode_area_conflicts(*, region: Region, codes, team_id: int | None = None) -> list[AreaConflict]:
    """What stops a team of `region` (`team_id`; None for a new team) from serving `codes`, in one query.

    - The same code held by another team of the region, unless the region lets teams share areas.
    - Across regions, never: the same code, a full postcode inside a four-digit area the other
      region holds, or a four-digit area with full postcodes of the other region inside it.
    Within a region a full postcode inside another team's four-digit area is no overlap: it carves
    that postcode out of the area, and the lookup prefers it.
    """
    codes = set(codes)
    if not codes:
        return []
    prefixes = sorted({postcodes.area_of(code) for code in codes})
    near = Q()
    for prefix in prefixes:
        near |= Q(code__startswith=prefix)
    # Areas of every team and region: the rule is about the others' areas.
    rows = PostcodeArea.objects.across_teams().filter(near).select_related("team__region")
    if team_id is not None:
        rows = rows.exclude(team_id=team_id)
    four_digit = {code for code in codes if not postcodes.is_full_postcode(code)}
    full_by_area: dict[str, list[str]] = {}
    for code in codes:
        if postcodes.is_full_postcode(code):
            full_by_area.setdefault(postcodes.area_of(code), []).append(code)
    found = []
    for row in rows:
        other_region = row.team.region_id != region.pk
        if row.code in codes:
            if other_region or not region.allow_overlapping_areas:
                found.append(AreaConflict(code=row.code, held=row.code, team=row.team, other_region=other_region))
        elif other_region and postcodes.is_full_postcode(row.code) and postcodes.area_of(row.code) in four_digit:
            found.append(
                AreaConflict(code=postcodes.area_of(row.code), held=row.code, team=row.team, other_region=True)
            )
        elif other_region and not postcodes.is_full_postcode(row.code):
            for code in full_by_area.get(row.code, []):
                found.append(AreaConflict(code=code, held=row.code, team=row.team, other_region=True))
    return sorted(found, key=lambda c: (postcodes.sort_key(c.code), c.team.name))


@dataclass(frozen=True)
class TeamAreas:
    team: Team
    codes: list[str]

    @property
    def shown(self) -> list[str]:
        return [postcodes.display_code(code) for code in self.codes]


def region_postcode_areas(*, region: Region) -> list[TeamAreas]:
    """Every team of the region with the areas it serves, in postcode order (two queries)."""
    teams = list(Team.objects.filter(region=region).order_by("name"))
    by_team: dict[int, list[str]] = {team.pk: [] for team in teams}
    for team_id, code in PostcodeArea.objects.for_teams(by_team).values_list("team_id", "code"):
        by_team[team_id].append(code)
    return [TeamAreas(team=team, codes=sorted(by_team[team.pk], key=postcodes.sort_key)) for team in teams]


def team_postcode_codes(*, team: Team) -> list[str]:
    codes = PostcodeArea.objects.for_team(team).values_list("code", flat=True)
    return sorted(codes, key=postcodes.sort_key)


def region_area_overlaps(*, region: Region, areas: list[TeamAreas] | None = None) -> list[tuple[str, list[Team]]]:
    """Codes of the region that more than one of its teams serves: [(code, teams)], in postcode order."""
    holders: dict[str, list[Team]] = {}
    for item in areas if areas is not None else region_postcode_areas(region=region):
        for code in item.codes:
            holders.setdefault(code, []).append(item.team)
    shared = [(code, teams) for code, teams in holders.items() if len(teams) > 1]
    return sorted(shared, key=lambda pair: postcodes.sort_key(pair[0]))


def postcode_codes_by_team(*, teams) -> dict[int, list[str]]:
    """{team id: its area codes} for these teams, in one query."""
    found: dict[int, list[str]] = {}
    for team_id, code in PostcodeArea.objects.for_teams(teams).values_list("team_id", "code"):
        found.setdefault(team_id, []).append(code)
    return found


def team_name_of(outer_field: str = "team_id") -> Subquery:
    """The name of the team whose id the outer query's `outer_field` holds (the audit log, which
    keeps a team's id only: tenancy.admin)."""
    return Subquery(Team.objects.filter(pk=OuterRef(outer_field)).values("name")[:1])

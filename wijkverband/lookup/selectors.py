"""Reads of the public postcode lookup: which teams serve a postcode, and what of them is public.

Everything here is public by construction: teams (name, municipality), the organisations taking
part (name, kind) and what the apps' public sections return. Never a person. The number of queries
is fixed, whatever the number of teams and areas (tests/lookup/test_lookup.py counts them).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from wijkverband.core.registry import public_sections
from wijkverband.core.sorting import name_order
from wijkverband.tenancy import postcodes
from wijkverband.tenancy.models import CORE_KINDS, Membership, Organisation, PostcodeArea, Team, TeamOrganisation

_KIND_ORDER = {kind.value: index for index, kind in enumerate(CORE_KINDS)}


@dataclass(frozen=True)
class PublicSection:
    template: str
    context: dict


#: Postcodes shown for a team serving part of an area (the rest is counted).
PARTIAL_CODES_SHOWN = 6


@dataclass
class ServedTeam:
    team: Team
    #: the areas or postcodes of the team that match, as people write them ("3581", "3581 AB")
    matched: list[str]
    #: True: the team serves only part of the four-digit area asked for (full postcodes inside it);
    #: shown briefly, with the advice to enter the full postcode
    partial: bool = False
    organisations: list[Organisation] = field(default_factory=list)
    sections: list[PublicSection] = field(default_factory=list)

    @property
    def matched_shown(self) -> list[str]:
        return self.matched[:PARTIAL_CODES_SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.matched) - PARTIAL_CODES_SHOWN)


@dataclass(frozen=True)
class PostcodeAnswer:
    code: str
    teams: list[ServedTeam]

    @property
    def shown(self) -> str:
        return postcodes.display_code(self.code)

    @property
    def found(self) -> bool:
        return bool(self.teams)

    @property
    def whole(self) -> list[ServedTeam]:
        return [item for item in self.teams if not item.partial]

    @property
    def partial(self) -> list[ServedTeam]:
        return [item for item in self.teams if item.partial]


def _matching_areas(code: str) -> list[tuple[str, int]]:
    """(code, team id) of the areas that answer `code`, in one query: for a full postcode the
    postcode itself and its four-digit area; for a four-digit area the area and every full postcode
    inside it."""
    # The lookup is public and about every team: it reads across teams, and shows only what this
    # module and the public sections choose.
    areas = PostcodeArea.objects.across_teams()
    if postcodes.is_full_postcode(code):
        areas = areas.filter(code__in=[code, postcodes.area_of(code)])
    else:
        areas = areas.filter(code__startswith=code)
    return list(areas.values_list("code", "team_id"))


def _served(code: str, rows: list[tuple[str, int]]) -> dict[int, tuple[list[str], bool]]:
    """{team id: (its matching codes, partial)}."""
    if postcodes.is_full_postcode(code):
        # The exact postcode wins over its four-digit area (a wijk border splitting the area).
        wanted = code if any(found == code for found, _team in rows) else postcodes.area_of(code)
        return {team_id: ([found], False) for found, team_id in rows if found == wanted}
    served: dict[int, tuple[list[str], bool]] = {team_id: ([found], False) for found, team_id in rows if found == code}
    for found, team_id in rows:
        if team_id not in served or served[team_id][1]:
            served.setdefault(team_id, ([], True))[0].append(found)
    return served


def postcode_answer(*, code: str) -> PostcodeAnswer:
    """The teams serving a (normalised) postcode with their public part, in 3 queries plus those
    of the public sections (each a fixed number). Teams serving only part of an area asked for are
    named briefly, without their organisations and sections: the full postcode tells which it is."""
    served = _served(code, _matching_areas(code))
    if not served:
        return PostcodeAnswer(code=code, teams=[])
    teams = {team.pk: team for team in Team.objects.filter(pk__in=list(served))}
    items = [
        ServedTeam(
            team=teams[team_id],
            matched=[postcodes.display_code(c) for c in sorted(codes, key=postcodes.sort_key)],
            partial=partial,
        )
        for team_id, (codes, partial) in served.items()
        if team_id in teams
    ]
    items.sort(key=lambda item: (item.partial, *name_order(item.team.name)))
    whole = {item.team.pk: item for item in items if not item.partial}
    if whole:
        # Only organisations someone takes part for: one typed into an invitation that was never
        # accepted (or withdrawn), or whose last member left, is not shown to the public.
        taking_part = Membership.objects.for_teams(list(whole)).filter(
            team_id=OuterRef("team_id"), organisation_id=OuterRef("organisation_id")
        )
        links = (
            TeamOrganisation.objects.for_teams(list(whole)).filter(Exists(taking_part)).select_related("organisation")
        )
        for link in links:
            whole[link.team_id].organisations.append(link.organisation)
        for item in whole.values():
            # The core players first, in the usual order (GP, pharmacy, district nursing, social domain).
            item.organisations.sort(key=lambda o: (_KIND_ORDER.get(o.kind, len(_KIND_ORDER)), *name_order(o.name)))
        whole_teams = [item.team for item in whole.values()]
        for panel in public_sections():
            contexts = panel.context(teams=whole_teams) or {}
            for team_id, context in contexts.items():
                if team_id in whole and context:
                    whole[team_id].sections.append(PublicSection(template=panel.template, context=context))
    return PostcodeAnswer(code=code, teams=items)

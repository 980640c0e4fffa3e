"""Reads of the public postcode lookup: which teams serve a postcode, and what of them is public.

Everything here is public by construction: teams (name, municipality), the organisations taking
part (name, kind) and what the apps' public sections return. Never a person. The number of queries
is fixed, whatever the number of teams and areas (tests/lookup/test_lookup.py counts them).
"""

from dataclasses import dataclass, field

from wijkverband.core.registry import public_sections
from wijkverband.tenancy import postcodes
from wijkverband.tenancy.models import CORE_KINDS, Organisation, PostcodeArea, Team, TeamOrganisation

_KIND_ORDER = {kind.value: index for index, kind in enumerate(CORE_KINDS)}


@dataclass(frozen=True)
class PublicSection:
    template: str
    context: dict


@dataclass
class ServedTeam:
    team: Team
    #: the area or postcode the team holds that matched ("3581" or "3581 AB")
    matched: str
    #: True: the team serves only part of the four-digit area asked for (a full postcode inside it)
    partial: bool = False
    organisations: list[Organisation] = field(default_factory=list)
    sections: list[PublicSection] = field(default_factory=list)


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


def _matching_areas(code: str) -> list[PostcodeArea]:
    """The areas that answer `code` (one query): for a full postcode the postcode itself, else its
    four-digit area; for a four-digit area the area and every full postcode inside it."""
    # The lookup is public and about every team: it reads across teams, and shows only what
    # this module and the public sections choose.
    areas = PostcodeArea.objects.across_teams().select_related("team")
    if postcodes.is_full_postcode(code):
        return list(areas.filter(code__in=[code, postcodes.area_of(code)]))
    return list(areas.filter(code__startswith=code))


def _served(code: str, rows: list[PostcodeArea]) -> list[ServedTeam]:
    if postcodes.is_full_postcode(code):
        exact = [row for row in rows if row.code == code]
        # The exact postcode wins over its four-digit area (a wijk border splitting the area).
        chosen = exact or [row for row in rows if row.code == postcodes.area_of(code)]
        served = {row.team_id: ServedTeam(team=row.team, matched=postcodes.display_code(row.code)) for row in chosen}
        return sorted(served.values(), key=lambda item: item.team.name)
    whole = {row.team_id: row for row in rows if row.code == code}
    served = {
        team_id: ServedTeam(team=row.team, matched=postcodes.display_code(row.code)) for team_id, row in whole.items()
    }
    parts: dict[int, list[str]] = {}
    teams: dict[int, Team] = {}
    for row in rows:
        if row.team_id not in whole and postcodes.is_full_postcode(row.code):
            parts.setdefault(row.team_id, []).append(row.code)
            teams[row.team_id] = row.team
    for team_id, codes in parts.items():
        served[team_id] = ServedTeam(
            team=teams[team_id], matched=", ".join(postcodes.display_code(c) for c in sorted(codes)), partial=True
        )
    return sorted(served.values(), key=lambda item: (item.partial, item.team.name))


def postcode_answer(*, code: str) -> PostcodeAnswer:
    """The teams serving a (normalised) postcode with their public part, in 2 queries plus those
    of the public sections (each a fixed number)."""
    served = _served(code, _matching_areas(code))
    if not served:
        return PostcodeAnswer(code=code, teams=[])
    by_team = {item.team.pk: item for item in served}
    links = TeamOrganisation.objects.for_teams(list(by_team)).select_related("organisation")
    for link in links:
        by_team[link.team_id].organisations.append(link.organisation)
    for item in served:
        # The core players first, in the usual order (GP, pharmacy, district nursing, social domain).
        item.organisations.sort(key=lambda o: (_KIND_ORDER.get(o.kind, len(_KIND_ORDER)), o.name.casefold()))
    teams = [item.team for item in served]
    for panel in public_sections():
        contexts = panel.context(teams=teams) or {}
        for team_id, context in contexts.items():
            if team_id in by_team and context:
                by_team[team_id].sections.append(PublicSection(template=panel.template, context=context))
    return PostcodeAnswer(code=code, teams=served)

"""Team scoping for team-owned models, enforced by the default manager (django-scopes).

Every model that carries a `team` uses `TeamScopedManager` as its default manager. A query through
it needs an active team scope and is then filtered to that team; without a scope it raises
`ScopeError` at once, so a forgotten filter fails loudly instead of reading another team's rows.
The scope lives in a contextvar (django-scopes), so it is per request, per socket task and per
thread, and safe in async code.

Where a scope comes from:
- `wijkverband.tenancy.middleware.TeamMiddleware` enters it for every request: the team of a
  `/t/<team>/` URL, the region's teams on a `/r/<region>/` URL, no team anywhere else (then every
  read of team data must say which team it reads, below). The view, its forms, panels and
  template all run inside it.
- A socket frame runs inside the scope of the thread's team (the threads app's stream hooks).
- `Model.objects.for_team(team)` reads one team explicitly, whatever scope is active; services
  and selectors use it, so they give the same answer from a view, a socket, a task or a test.
- `Model.objects.across_teams()` reads without a team filter. Only for reads that are scoped some
  other way, such as "this person's own notifications in all their teams"; the tenancy lint
  (tests/test_tenancy_lint.py) allows it only in services, selectors and access modules.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet

__all__ = ["ScopeError", "TeamScopedManager", "TeamScopedQuerySet", "scope", "scopes_disabled", "team_scope"]


def _team_id(team) -> int:
    team_id = team if isinstance(team, int) and not isinstance(team, bool) else getattr(team, "pk", None)
    if not team_id:
        raise ValueError("A team is required to read team-owned data.")
    return team_id


class TeamScopedQuerySet(models.QuerySet):
    def for_team(self, team):
        """Narrow an already scoped queryset to one team (the manager's for_team starts a read)."""
        return self.filter(team_id=_team_id(team))


class TeamScopedManager(models.Manager.from_queryset(TeamScopedQuerySet)):
    """The default manager of team-owned models: no query without a team.

    `shared_rows`: rows without a team belong to every team (the built-in bottleneck
    categories); a team's scope includes them.
    """

    shared_rows = False
    #: A condition every read through this manager adds, in a scope or across teams (a manager of
    #: the rows that hold now: agreements.models.PartyManager).
    rows_now: Q | None = None

    def _all_rows(self):
        queryset = super().get_queryset()
        return queryset if self.rows_now is None else queryset.filter(self.rows_now)

    def _filtered(self, queryset, team_ids: list[int]):
        condition = Q(team_id=team_ids[0]) if len(team_ids) == 1 else Q(team_id__in=team_ids)
        if self.shared_rows:
            condition |= Q(team__isnull=True)
        return queryset.filter(condition)

    def get_queryset(self):
        current = get_scope()
        if not current.get("_enabled", True):
            return self._all_rows()
        if "team" not in current:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes=["team"])
        value = current["team"]
        team_ids = [_team_id(t) for t in value] if isinstance(value, list | tuple) else [_team_id(value)]
        if not team_ids:
            return self._all_rows().none()
        return self._filtered(self._all_rows(), team_ids)

    def for_team(self, team):
        """Rows of this team (a Team or its id), whatever scope is active."""
        return self._filtered(self._all_rows(), [_team_id(team)])

    def for_teams(self, teams: Iterable):
        """Rows of these teams (Teams or ids), whatever scope is active."""
        team_ids = [_team_id(team) for team in teams]
        queryset = self._all_rows()
        return self._filtered(queryset, team_ids) if team_ids else queryset.none()

    def across_teams(self):
        """Rows of every team: for reads scoped another way (a person's own rows). See the module doc."""
        return self._all_rows()


def team_scope(team):
    """Run a block inside one team's scope (a Team, its id, or a list of them)."""
    if isinstance(team, list | tuple):
        return scope(team=[_team_id(t) for t in team])
    return scope(team=_team_id(team))

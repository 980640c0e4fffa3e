"""Team scoping for team-owned models: every such model carries a non-null `team` and uses this
queryset, so reading it for one team is always spelled `Model.objects.for_team(team)`."""

from django.db import models


class TeamScopedQuerySet(models.QuerySet):
    def for_team(self, team):
        if team is None or getattr(team, "pk", None) is None:
            raise ValueError("A team is required to read team-owned data.")
        return self.filter(team=team)

"""The agreements tab on team pages and the panel on the team home."""

from django.utils.translation import gettext_lazy as _

from wijkverband.core.registry import NavItem, Panel, register_team_nav, register_team_panel


def team_home_panel(*, request, team, rights) -> dict:
    """Agreements awaiting the reader's endorsement, and those due for review (three queries)."""
    from wijkverband.agreements import policy, selectors

    can_endorse = policy.may_endorse(rights)
    return {
        "team": team,
        "awaiting": selectors.agreements_awaiting_my_endorsement(team=team, organisation_id=rights.organisation_id)
        if can_endorse
        else [],
        "can_endorse": can_endorse,
        "can_propose": rights.can_contribute,
        "due": selectors.agreements_due_for_review(team=team),
    }


def register() -> None:
    register_team_nav(
        NavItem(
            key="agreements", label=_("Agreements"), url_name="agreement_list", order=20, needs="can_view_agreements"
        )
    )
    register_team_panel(
        Panel(key="agreements", template="agreements/panel_team_home.html", context=team_home_panel, order=20)
    )

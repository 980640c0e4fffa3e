"""The demo's wijk cards (`manage.py seed_demo`): full for Utrecht Oost, half-stale for Utrecht Zuid."""

from datetime import datetime

from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone, translation

from wijkverband.tenancy.models import Team, TeamOrganisation
from wijkverband.wijkcard import selectors


def test_the_demo_has_a_full_card_for_oost_and_a_half_stale_one_for_zuid(no_world):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent: nothing doubled
    oost, zuid = Team.objects.get(slug="utrecht-oost"), Team.objects.get(slug="utrecht-zuid")
    card = selectors.card(team=oost, user=None, can_edit=False, can_suggest=False, professional_lines=True)
    organisations = set(TeamOrganisation.objects.filter(team=oost).values_list("organisation__name", flat=True))
    assert {e.organisation.name for e in card.entries} == organisations
    assert not card.stale and card.nursing and card.lead
    for entry in card.entries[:4]:  # the core players: every time of day
        assert all(phone for _key, _label, phone, _hours in entry.slots), entry.title
    assert all(e.maintainer for e in card.entries)
    freshness = selectors.teams_freshness(teams=[oost, zuid])
    assert freshness[oost.pk] == (5, 5)
    assert freshness[zuid.pk] == (2, 4)


def test_the_demo_gives_sensible_hours_whenever_you_look(no_world):
    """Found by an exploratory test: on a Sunday evening the team home gave the GP's evening number
    with "ma–vr 17:00–23:00 (huisartsenpost)", in brackets twice."""
    call_command("seed_demo", verbosity=0)
    oost = Team.objects.get(slug="utrecht-oost")
    tz = timezone.get_current_timezone()
    for moment in (
        datetime(2026, 12, 6, 20, 0, tzinfo=tz),  # Sunday evening
        datetime(2026, 12, 11, 20, 0, tzinfo=tz),  # Friday evening
        datetime(2026, 12, 25, 10, 0, tzinfo=tz),  # Christmas Day
        datetime(2026, 12, 9, 3, 0, tzinfo=tz),  # a Wednesday night
    ):
        summary = selectors.summary(team=oost, moment=moment)
        with translation.override("nl"):
            html = render_to_string("wijkcard/panel_team.html", {"panel": {"team": oost, "summary": summary}})
        assert "((" not in html and "))" not in html, moment
        gp = next(call for call in summary.calls if call.entry.organisation.name == "Huisartsenpraktijk Oosterspoor")
        assert gp.phone == "0900 450 1450" and "ma–vr" not in gp.hours, moment

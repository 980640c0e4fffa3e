"""The demo's wijk cards (`manage.py seed_demo`): full for Utrecht Oost, half-stale for Utrecht Zuid."""

from django.core.management import call_command

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

"""Two people acting at the same moment on a regional item and the teams' bottlenecks it takes up,
in separate connections."""

import pytest
from django.db import connection

from tests.bottlenecks.helpers import fresh, report
from tests.postgres import second_waits_for_first
from tests.regional.helpers import take_up
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Bottleneck, Status
from wijkverband.core.errors import ActionRefused
from wijkverband.regional import services
from wijkverband.regional.models import RegionalLink


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_bottleneck_resolved_while_the_region_links_it_is_not_linked(world):
    """Carla resolves a bottleneck of her team while Olga, on the regional item's page opened
    before, links it. The link checked the bottleneck as the page had read it (open) and was added
    after the resolution had committed: a resolved bottleneck taken up by the region, its reporter
    told the region works on it. The link now waits for the resolution and is refused."""
    open_one = report(world, actor=world.bram, team=world.team_b, title="Medicatieoverzicht komt te laat (Zuid)")
    item = take_up(world, open_one)
    bottleneck = report(world, title="Medicatieoverzicht komt te laat (Oost)")
    page = Bottleneck.objects.get(pk=bottleneck.pk)  # as Olga's page read it: open

    def resolve():
        return bottleneck_services.bottleneck_resolve(
            actor=world.carla, bottleneck=bottleneck, version=bottleneck.version, summary="Afspraak gemaakt."
        )

    def link():
        return services.regional_item_link(actor=world.olga, item=item, bottlenecks=[page])

    results = second_waits_for_first(resolve, link)
    assert isinstance(results["first"], Bottleneck), results
    assert isinstance(results["second"], ActionRefused), results
    assert fresh(bottleneck).status == Status.RESOLVED
    assert not RegionalLink.objects.filter(bottleneck=bottleneck).exists()

"""Two administrators giving the same area to two teams at the same moment: one wins, the other is
told who has it. Runs on PostgreSQL (CI), where the services' advisory lock really serialises them."""

import threading

import pytest
from django.db import connection

from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services
from wijkverband.tenancy.models import PostcodeArea

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the advisory lock needs PostgreSQL (SQLite has one writer anyway)"
)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[i] = call()
        except ActionRefused as refused:
            results[i] = refused
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_area_for_two_teams_at_once_goes_to_one(world):
    for _ in range(3):  # a few rounds: the race must really overlap to prove anything
        PostcodeArea.objects.filter(code="3590").delete()
        results = race(
            lambda: services.team_postcode_areas_set(actor=world.ada, team=world.team_a, postcode_areas="3581, 3590"),
            lambda: services.team_postcode_areas_set(actor=world.ada, team=world.team_b, postcode_areas="3521, 3590"),
        )
        refusals = [r for r in results if isinstance(r, ActionRefused)]
        assert len(refusals) == 1, results
        assert PostcodeArea.objects.filter(code="3590").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_area_for_two_regions_at_once_goes_to_one(world):
    services.region_area_sharing_set(actor=None, region=world.region, allow=True)
    results = race(
        lambda: services.team_postcode_areas_set(actor=None, team=world.team_a, postcode_areas="3581, 3825"),
        lambda: services.team_postcode_areas_set(actor=None, team=world.team_c, postcode_areas="3825 AB"),
    )
    assert len([r for r in results if isinstance(r, ActionRefused)]) == 1, results

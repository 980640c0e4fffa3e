"""Every team page starts with tenancy.policy.team_with_rights: the team of the URL's slug, its region
and the person's rights on it, in one query, equal to what the ORM and guardian's checker read."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm

from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import (
    NO_TEAM_RIGHTS,
    _team_rights_by_checker,
    region_rights,
    team_rights,
    team_with_rights,
)

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _new_user_object(user):
    """The person as a new request reads them: nothing cached yet."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_one_query_reads_the_team_its_region_and_the_rights_as_the_orm_and_guardian_do(world, name):
    for team in (world.team_a, world.team_b, world.team_c):
        user = _new_user_object(world.persona(name))
        with CaptureQueriesContext(connection) as read:
            found, rights = team_with_rights(user=user, team_slug=team.slug)
        assert len(read.captured_queries) == 1, [q["sql"] for q in read.captured_queries]
        orm = Team.objects.select_related("region").get(slug=team.slug)
        assert _fields(found) == _fields(orm)
        assert _fields(found.region) == _fields(orm.region)
        expected = _team_rights_by_checker(user, orm, ObjectPermissionChecker(_new_user_object(user)))
        assert rights == expected, (name, team.slug)
        region_expected = region_rights(user=_new_user_object(user), region=orm.region)
        # What it read is what later checks answer from: no more queries on this page for them.
        with CaptureQueriesContext(connection) as later:
            assert team_rights(user=user, team=found) == rights
            assert region_rights(user=user, region=found.region) == region_expected
        assert later.captured_queries == []


@pytest.mark.django_db
def test_an_unknown_slug_is_no_team_and_no_rights(world):
    user = _new_user_object(world.carla)
    with CaptureQueriesContext(connection) as read:
        assert team_with_rights(user=user, team_slug="no-such-team") == (None, NO_TEAM_RIGHTS)
    assert len(read.captured_queries) == 1


@pytest.mark.django_db
def test_a_slug_that_is_not_a_simple_word_matches_nothing_else(world):
    """The slug is a parameter, never text in the statement."""
    user = _new_user_object(world.carla)
    for slug in ["' OR '1'='1", f"{world.team_a.slug}' --", "%", "_" * len(world.team_a.slug)]:
        assert team_with_rights(user=user, team_slug=slug) == (None, NO_TEAM_RIGHTS)


@pytest.mark.django_db
def test_rights_given_directly_a_superuser_and_someone_inactive(world):
    bram = world.bram
    assign_perm("tenancy.view_team", bram, world.team_c)  # to the person, not through a group
    assign_perm("tenancy.oversee_region", bram, world.other_region)
    user = _new_user_object(bram)
    team, rights = team_with_rights(user=user, team_slug=world.team_c.slug)
    assert rights.can_view and rights == _team_rights_by_checker(user, team, ObjectPermissionChecker(user))

    boss = get_user_model().objects.create_superuser(email="boss@example.nl", password="x" * 20)
    team, rights = team_with_rights(user=boss, team_slug=world.team_a.slug)
    assert team == world.team_a and rights.can_coordinate and rights.can_oversee

    carla = _new_user_object(world.carla)
    carla.is_active = False
    assert team_with_rights(user=carla, team_slug=world.team_a.slug) == (world.team_a, NO_TEAM_RIGHTS)


@pytest.mark.django_db
def test_each_team_comes_with_its_own_region(world):
    user = _new_user_object(world.chris)
    for team, region in ((world.team_c, world.other_region), (world.team_a, world.region)):
        found, _rights = team_with_rights(user=user, team_slug=team.slug)
        assert isinstance(found.region, Region) and found.region.slug == region.slug


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "status"), [("maarten", 200), ("olga", 200), ("rosa", 200), ("otto", 404)])
def test_a_team_page_asks_for_the_team_and_the_rights_in_one_trip(client, world, name, status):
    """The page's queries as a worker runs them: the team and the rights are one of them, for a
    member, the region's overseer, a client representative, and another region's overseer (404)."""
    client.force_login(world.persona(name))
    with CaptureQueriesContext(connection) as read:
        response = client.get(f"/t/{world.team_a.slug}/threads/")
    assert response.status_code == status
    team_table = Team._meta.db_table
    sent = [q["sql"].replace('"', "") for q in read.captured_queries]
    reads_of_the_team = [sql for sql in sent if f"FROM {team_table} " in sql]
    reads_of_the_rights = [sql for sql in sent if "teamuserobjectpermission" in sql]
    assert len(reads_of_the_team) == 1 and reads_of_the_team == reads_of_the_rights, sent

"""team_rights reads a person's rights on a team in one query (every page, and team_rights_fresh, the
live socket's read) and answers exactly what guardian's checker does."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm

from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.policy import (
    _TEAM_RIGHTS,
    _team_rights_by_checker,
    policy_forget,
    region_rights,
    rights_prefetch,
    team_rights,
    team_rights_fresh,
)

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]


def _guardian(user, team):
    """The rights as guardian's own checker reads them, object by object."""
    return _team_rights_by_checker(user, team, ObjectPermissionChecker(user))


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_the_same_rights_as_guardian_for_every_persona_and_team(world, name):
    user = world.persona(name)
    for team in (world.team_a, world.team_b, world.team_c):
        with CaptureQueriesContext(connection) as read:
            fresh = team_rights_fresh(user=user, team=team)
        assert len(read.captured_queries) == 1
        assert fresh == _guardian(user, team), (name, team.slug)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_a_page_reads_the_rights_in_one_query_and_then_the_region_in_none(world, name):
    user = world.persona(name)
    for team in (world.team_a, world.team_c):
        policy_forget(user)  # (a new request's user object)
        with CaptureQueriesContext(connection) as read:
            rights = team_rights(user=user, team=team)
            again = team_rights(user=user, team=team)
            region = region_rights(user=user, region=team.region)
        assert len(read.captured_queries) == 1, [q["sql"] for q in read.captured_queries]
        assert rights == again == _guardian(user, team), (name, team.slug)
        assert region == region_rights(user=get_user_model().objects.get(pk=user.pk), region=team.region)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_prefetched_teams_are_answered_from_guardians_cache(world, name):
    user = world.persona(name)
    teams = [world.team_a, world.team_b, world.team_c]
    policy_forget(user)
    rights_prefetch(user=user, teams=teams)
    with CaptureQueriesContext(connection) as read:
        answers = [team_rights(user=user, team=team) for team in teams]
    # No query at all: the permissions and the organisations came with the prefetch.
    assert read.captured_queries == []
    assert answers == [_guardian(user, team) for team in teams]
    # Forgotten with the rest: a later read asks again.
    policy_forget(user)
    assert team_rights(user=user, team=world.team_a) == _guardian(user, world.team_a)


@pytest.mark.django_db
def test_permissions_given_to_the_person_directly_and_superusers(world):
    user = world.bram
    assign_perm("tenancy.view_team", user, world.team_a)  # not through a group
    assign_perm("tenancy.oversee_region", user, world.other_region)
    for team in (world.team_a, world.team_c):
        assert team_rights_fresh(user=user, team=team) == _guardian(user, team)
    assert team_rights_fresh(user=user, team=world.team_a).can_view
    boss = get_user_model().objects.create_superuser(email="boss@example.nl", password="x" * 20)
    assert team_rights_fresh(user=boss, team=world.team_a) == _guardian(boss, world.team_a)
    assert team_rights_fresh(user=boss, team=world.team_a).can_coordinate


@pytest.mark.django_db
def test_it_reads_again_and_later_checks_reuse_it(world):
    user = world.maarten
    assert team_rights_fresh(user=user, team=world.team_a).can_contribute
    services.membership_remove(
        actor=world.carla, membership=Membership.objects.for_team(world.team_a).get(user=world.maarten)
    )
    assert team_rights(user=user, team=world.team_a).can_contribute  # the cached answer, until read again
    assert not team_rights_fresh(user=user, team=world.team_a).can_view
    with CaptureQueriesContext(connection) as read:
        assert not team_rights(user=user, team=world.team_a).can_view
    assert not read.captured_queries
    assert set(getattr(user, _TEAM_RIGHTS)) == {world.team_a.pk}

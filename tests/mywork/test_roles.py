"""Mijn werk asks only the kinds of work a person's roles allow (mywork.selectors.Roles): the same
items as asking every kind, for every persona, everywhere and in each team, with fewer queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.mywork.conftest import ask_confirmation, ask_owner, escalate, proposed_agreement, report
from tests.regional.helpers import medication_pattern, take_up
from tests.signals.conftest import file_signal
from tests.wijkcard.conftest import add_entry
from wijkverband.core.freshness import add_months
from wijkverband.mywork.selectors import Roles, my_work, roles_of
from wijkverband.tenancy.policy import team_rights_fresh
from wijkverband.wijkcard import services as wijkcard

pytestmark = pytest.mark.django_db

EVERY_KIND = Roles()  # every kind asked, as before the roles decided
PEOPLE = ("carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines")


def _work_of_every_kind(world):
    """Items of every kind the roles decide, and of the others, in team A (and B, for the region)."""
    proposed_agreement(world, title="Afspraak voor de partijen", organisations=[world.gp_a, world.pharmacy])
    proposed_agreement(world, title="Eigen afspraak", owner=world.pieter, organisations=[world.gp_a, world.pharmacy])
    asked = report(world, actor=world.carla, title="Wie neemt het op?")
    ask_owner(world, asked, actor=world.carla)
    mine = report(world, actor=world.carla, title="Escalatie")
    ask_owner(world, mine, actor=world.pieter, candidate=world.pieter)
    escalate(world, mine, actor=world.pieter)
    ask_confirmation(world, title="Graag bevestigen")
    file_signal(world)
    entry = add_entry(world, contact_point="Te bevestigen", confirmed_on=add_months(timezone.localdate(), -7))
    wijkcard.suggestion_create(actor=world.rosa, entry=entry, text="Nummer veranderd?")
    take_up(world, *medication_pattern(world), owner=world.ada)


def _seen(work) -> list:
    return [[(i.kind, i.team.pk, i.object_id) for i in section] for section in (work.asked, work.mine, work.waiting)]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_every_persona_sees_what_asking_every_kind_shows_everywhere_and_in_each_team(world):
    _work_of_every_kind(world)
    shown = 0
    for name in PEOPLE:
        user = world.persona(name)
        everything = my_work(user=user, roles=EVERY_KIND)
        assert _seen(my_work(user=user)) == _seen(everything), name
        shown += everything.total
        for team in (world.team_a, world.team_b, world.team_c):
            expected = _seen(my_work(user=user, team=team, roles=EVERY_KIND))
            assert _seen(my_work(user=user, team=team)) == expected, (name, team.slug)
            rights = team_rights_fresh(user=user, team=team)
            assert _seen(my_work(user=user, team=team, roles=Roles.from_rights(rights))) == expected, (name, team.slug)
    # The comparison means something: each kind the roles decide has an item for someone.
    kinds = {i.kind for name in PEOPLE for i in _all(my_work(user=world.persona(name)))}
    assert {"endorse", "confirm", "respond", "correction", "signal", "reconfirm", "regional"} <= kinds
    assert shown > 10


def _all(work):
    return work.asked + work.mine + work.waiting


def test_the_roles_come_from_the_persons_rows(world):
    assert roles_of(user=world.maarten) == Roles(decides=True, professional=True, coordinates=False, oversees=False)
    assert roles_of(user=world.carla) == Roles(decides=True, professional=True, coordinates=True, oversees=False)
    assert roles_of(user=world.olga) == Roles(decides=False, professional=False, coordinates=False, oversees=True)
    assert roles_of(user=world.rosa) == Roles(decides=False, professional=False, coordinates=False, oversees=False)
    assert roles_of(user=world.ines).decides and not roles_of(user=world.ines).professional
    # In one team: only that team's membership and its region's roles count.
    assert roles_of(user=world.carla, team=world.team_b) == Roles(
        decides=False, professional=False, coordinates=False, oversees=False
    )
    assert roles_of(user=world.olga, team=world.team_a).oversees


def test_kinds_the_roles_rule_out_cost_no_query(world):
    _work_of_every_kind(world)
    rights = team_rights_fresh(user=world.maarten, team=world.team_a)
    member = Roles.from_rights(rights)
    every = _queries(lambda: my_work(user=world.maarten, team=world.team_a, roles=EVERY_KIND))
    # A member: no signals to answer, no escalations to answer, no regional items.
    assert _queries(lambda: my_work(user=world.maarten, team=world.team_a, roles=member)) == every - 3
    # Read once when the caller does not know them: one query for the roles.
    assert _queries(lambda: my_work(user=world.maarten, team=world.team_a)) == every - 3 + 1
    representative = Roles.from_rights(team_rights_fresh(user=world.rosa, team=world.team_a))
    assert _queries(lambda: my_work(user=world.rosa, team=world.team_a, roles=representative)) == every - 7

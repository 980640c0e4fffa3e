"""Mijn werk asks only the kinds of work a person's roles allow (mywork.selectors.Roles) and that
they have anything of (kinds_with_items): the same items as asking every kind, for every persona,
everywhere and in each team, with fewer queries."""

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.mywork.conftest import ask_confirmation, ask_owner, escalate, proposed_agreement, report
from tests.regional.helpers import medication_pattern, take_up
from tests.signals.conftest import file_signal
from tests.wijkcard.conftest import add_entry
from wijkverband.core.freshness import add_months
from wijkverband.mywork.selectors import GATED_KINDS, Roles, gated_querysets, kinds_with_items, my_work, roles_of
from wijkverband.signals import services as signals
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
    answered = file_signal(world, title="Geen plek bij de dagbesteding")
    signals.signal_answer(actor=world.carla, signal=answered, answer="We nemen het op in het overleg.")
    entry = add_entry(world, contact_point="Te bevestigen", confirmed_on=add_months(timezone.localdate(), -7))
    wijkcard.suggestion_create(actor=world.rosa, entry=entry, text="Nummer veranderd?")
    from tests.socialmap.helpers import add as add_map_entry
    from wijkverband.socialmap import services as socialmap

    kept = add_map_entry(world, name="Buurthuis Oost")  # kept by maarten
    socialmap.suggestion_create(actor=world.rosa, entry=kept, team=world.team_a, body="Open op zaterdag?")
    take_up(world, *medication_pattern(world), owner=world.ada)


def _seen(work) -> list:
    return [[(i.kind, i.team.pk, i.object_id) for i in section] for section in (work.asked, work.mine, work.waiting)]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _every_kind(user, team=None):
    """As before the roles and kinds_with_items decided: every kind asked."""
    from wijkverband.mywork import selectors

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selectors, "kinds_with_items", lambda user: frozenset(GATED_KINDS))
        return my_work(user=user, team=team, roles=EVERY_KIND)


def test_every_persona_sees_what_asking_every_kind_shows_everywhere_and_in_each_team(world):
    _work_of_every_kind(world)
    shown = 0
    for name in PEOPLE:
        user = world.persona(name)
        everything = _every_kind(user)
        assert _seen(my_work(user=user)) == _seen(everything), name
        assert _seen(my_work(user=user, roles=EVERY_KIND)) == _seen(everything), name
        shown += everything.total
        for team in (world.team_a, world.team_b, world.team_c):
            expected = _seen(_every_kind(user, team))
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
    # Carla coordinates team A, where a signal waits on her: asked for with her roles, and not
    # asked for by roles that rule out coordinating (a team where she is a member only); nor are
    # the bottlenecks nobody took on by their target (a coordinator's, asked for by date).
    every = _queries(lambda: my_work(user=world.carla, team=world.team_a, roles=EVERY_KIND))
    member = replace(EVERY_KIND, coordinates=False)
    assert "signal" in {i.kind for i in _all(my_work(user=world.carla, team=world.team_a, roles=EVERY_KIND))}
    assert _queries(lambda: my_work(user=world.carla, team=world.team_a, roles=member)) == every - 2
    # Read once when the caller does not know them: one query for the roles.
    assert _queries(lambda: my_work(user=world.carla, team=world.team_a)) == every + 1
    # Olga oversees the region: an escalation to answer. Without that role it is not asked.
    every = _queries(lambda: my_work(user=world.olga, roles=EVERY_KIND))
    assert "respond" in {i.kind for i in _all(my_work(user=world.olga, roles=EVERY_KIND))}
    assert _queries(lambda: my_work(user=world.olga, roles=replace(EVERY_KIND, oversees=False))) == every - 1


def test_kinds_the_person_has_nothing_of_cost_no_query(world):
    """One query says which kinds the person has anything of (kinds_with_items); only those are
    built and run. Nothing at all: that query and the kinds that depend on the date."""
    nothing = _queries(lambda: my_work(user=world.pieter, roles=EVERY_KIND))
    # which kinds; reviews due; wijk card entries due; sociale kaart entries due; bottlenecks nobody
    # took on by their target (a coordinator's: EVERY_KIND says he coordinates)
    assert nothing == 5
    assert kinds_with_items(user=world.pieter) == frozenset()
    ask_owner(world, report(world))  # he is asked to own it: its kind, and the teams' targets
    assert kinds_with_items(user=world.pieter) == {"own"}
    assert _queries(lambda: my_work(user=world.pieter, roles=EVERY_KIND)) == nothing + 2
    proposed_agreement(world, title="Afspraak", organisations=[world.gp_a, world.pharmacy])
    assert kinds_with_items(user=world.pieter) == {"own", "endorse"}
    assert _queries(lambda: my_work(user=world.pieter, roles=EVERY_KIND)) == nothing + 3
    # In one team the kinds are those of any team: none of his work is in team B, yet both kinds'
    # queries run there (they find nothing, so no targets are read).
    assert _queries(lambda: my_work(user=world.pieter, team=world.team_b, roles=EVERY_KIND)) == nothing + 2
    assert my_work(user=world.pieter, team=world.team_b, roles=EVERY_KIND).total == 0


def test_which_kinds_have_items_is_what_each_kinds_own_query_says_for_every_persona(world):
    """kinds_with_items runs the ORM's query compiled once per process with the person's id put in
    (core.rows.Compiled): one shape for everyone, and for each person the kinds whose own selector
    finds anything."""
    from django.contrib.auth import get_user_model

    from wijkverband.mywork.selectors import _kinds_with_items

    _work_of_every_kind(world)
    people = get_user_model().objects.order_by("pk")
    assert len({_kinds_with_items(person.pk).query.sql_with_params()[0] for person in people}) == 1
    found = set()
    for person in people:
        expected = {kind for kind, queryset in gated_querysets(user=person).items() if queryset.exists()}
        assert kinds_with_items(user=person) == expected, person.email
        found |= expected
    assert found == set(GATED_KINDS), "every kind has an item for someone: the comparison means something"


def test_the_gated_kinds_are_listed_in_order():
    from django.contrib.auth import get_user_model

    assert tuple(gated_querysets(user=get_user_model()(pk=1))) == GATED_KINDS

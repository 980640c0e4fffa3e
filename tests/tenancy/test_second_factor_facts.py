"""Who must have a second factor, and whether they have one, is read with the session and the person
(accounts.sessions.register_person_fact): a page and a socket's handshake ask no query of their own
for it, and the answer is the one second_factor_missing reads from the database."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wijkverband.accounts import sessions
from wijkverband.accounts.models import Session
from wijkverband.realtime import lifecycle
from wijkverband.realtime.codes import SIGN_IN_INCOMPLETE
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.second_factor import (
    second_factor_missing,
    second_factor_missing_at_sign_in,
    socket_refusal,
)

PEOPLE = ["carla", "maarten", "bram", "pieter", "olga", "ada", "otto", "rosa", "rik", "chris", "sofie", "ines"]

pytestmark = pytest.mark.django_db


def _session_key(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _read_with_the_session(user):
    person, _expiry = lifecycle.session_user(_session_key(user))
    assert person is not None and sessions.person_facts(person) is not None
    return person


def _without_factor(user):
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize("factor", [True, False])
def test_the_facts_read_with_the_session_answer_as_the_database_does(world, name, factor):
    user = world.persona(name)
    if not factor:
        _without_factor(user)
    person = _read_with_the_session(user)
    with CaptureQueriesContext(connection) as read:
        at_sign_in = second_factor_missing_at_sign_in(person)
    assert read.captured_queries == []
    assert at_sign_in == second_factor_missing(get_user_model().objects.get(pk=user.pk))


def test_staff_must_have_one_and_a_person_without_a_role_need_not(world):
    nobody = get_user_model().objects.create_user(email="niemand@example.nl", password="x" * 20)
    assert not second_factor_missing_at_sign_in(_read_with_the_session(nobody))
    nobody.is_staff = True
    nobody.save()
    assert second_factor_missing_at_sign_in(_read_with_the_session(nobody))


def test_the_handshake_refuses_a_professional_without_a_factor_in_the_sessions_trip(world):
    person = _read_with_the_session(_without_factor(world.maarten))
    with CaptureQueriesContext(connection) as read:
        assert socket_refusal(person) == SIGN_IN_INCOMPLETE
    assert read.captured_queries == []
    # A client representative needs none.
    assert socket_refusal(_read_with_the_session(world.rosa)) is None


def test_where_the_session_did_not_read_the_person_the_database_is_asked(world):
    """A session row whose copy of the person is not the signed one: the person is read as Django
    reads them, without the facts, and the rule asks its own query."""
    key = _session_key(_without_factor(world.maarten))
    Session.objects.filter(pk=key).update(user_id=world.carla.pk)
    person, _expiry = lifecycle.session_user(key)
    assert person == world.maarten and sessions.person_facts(person) is None
    with CaptureQueriesContext(connection) as read:
        assert second_factor_missing_at_sign_in(person)
    assert len(read.captured_queries) == 1


def test_a_role_given_after_the_read_is_seen_by_the_services_check(world):
    """The facts are a snapshot of the sign-in's moment: a service that just gave a role asks the
    database (second_factor_missing), so the person's sockets still close when they now need one."""
    rosa = _read_with_the_session(world.rosa)  # a client representative, no factor: none needed
    assert not second_factor_missing_at_sign_in(rosa)
    services.membership_create(
        actor=None, team=world.team_b, user=rosa, role=Membership.Role.MEMBER, organisation=world.nursing_b
    )
    assert second_factor_missing(rosa)


def test_a_page_asks_no_query_of_its_own_for_the_rule(client_for):
    """The page's second-factor middleware takes the facts: no query names the authenticators but the
    session's, and a person without a factor is still sent to set one up."""
    client = client_for("maarten")
    with CaptureQueriesContext(connection) as read:
        assert client.get("/t/oost/threads/").status_code == 200
        assert client.post("/notifications/").status_code == 302
    asking = [q["sql"] for q in read.captured_queries if "mfa_authenticator" in q["sql"]]
    assert len(asking) == 2 and all("accounts_session" in sql for sql in asking), asking

"""Sessions are read with the person they sign in, in one query (wijkverband/accounts/sessions.py).

The person's id beside the session's data is a copy for reading: these tests check that a page and
a socket get exactly what Django's own `get_user` gives in every case (signed in, ended, expired,
deactivated, another password, a fallback secret, a copy that lies), with the same effect on the
session, and that the copy follows sign-in, sign-out and deleted accounts.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.realtime.test_reconnect import OwnUserBackend
from wijkverband.accounts import sessions
from wijkverband.accounts.models import Session
from wijkverband.realtime import lifecycle

pytestmark = pytest.mark.django_db


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _request(key: str | None) -> HttpRequest:
    request = HttpRequest()
    request.session = sessions.SessionStore(key)
    return request


def _both(key: str | None) -> tuple:
    """(ours, Django's): the person each gives for a request with this session key, and what is
    left of the session in the database afterwards (its key and data, or None)."""
    answers = []
    saved = {row.session_key: (row.session_data, row.expire_date, row.user_id) for row in Session.objects.all()}
    for get_user in (sessions.request_user, auth.get_user):
        Session.objects.all().delete()
        Session.objects.bulk_create(
            Session(session_key=k, session_data=d, expire_date=e, user_id=u) for k, (d, e, u) in saved.items()
        )
        request = _request(key)
        user = get_user(request)
        request.session.save() if request.session.modified and request.session.session_key else None
        left = Session.objects.filter(session_key=key).first() if key else None
        answers.append(
            (
                None if isinstance(user, AnonymousUser) else user.pk,
                request.session.session_key == key,
                None if left is None else left.get_decoded(),
            )
        )
    return tuple(answers)


def test_a_signed_in_page_reads_the_session_and_the_person_in_one_query(client_for):
    client = client_for("maarten")
    with CaptureQueriesContext(connection) as read:
        assert client.get("/t/oost/threads/").status_code == 200
    asked = [q["sql"] for q in read.captured_queries]
    assert "accounts_session" in asked[0] and "accounts_user" in asked[0]
    assert not any("accounts_session" in sql or sql.lstrip().startswith('SELECT "accounts_user"') for sql in asked[1:])


def test_the_session_row_names_its_person_from_sign_in_to_sign_out(world):
    client = Client()
    client.force_login(world.maarten)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).user_id == world.maarten.pk
    client.force_login(world.carla)  # another person in the same browser: a new key, a new row
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).user_id == world.carla.pk
    client.logout()
    assert not Session.objects.filter(session_key=key).exists()
    anonymous = sessions.SessionStore()
    anonymous["wv_language"] = "en"
    anonymous.create()
    assert Session.objects.get(session_key=anonymous.session_key).user_id is None


@pytest.mark.parametrize(
    "case",
    [
        "signed_in",
        "no_cookie",
        "made_up",
        "expired",
        "signed_out",
        "deactivated",
        "deleted_account",
        "new_password",
        "fallback_secret",
        "unknown_backend",
        "copy_names_another_person",
        "copy_missing",
        "tampered_data",
    ],
)
def test_a_request_gets_the_person_django_would_give_it(world, settings, case):
    user = world.maarten
    key = _signed_in(user)
    row = Session.objects.get(session_key=key)
    data = row.get_decoded()
    if case == "no_cookie":
        key = None
    elif case == "made_up":
        key = "x" * 32
    elif case == "expired":
        Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    elif case == "signed_out":
        Session.objects.filter(pk=key).delete()
    elif case == "deactivated":
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    elif case == "deleted_account":
        Session.objects.filter(pk=key).update(user_id=10**9)
        data[auth.SESSION_KEY] = str(10**9)
        Session.objects.filter(pk=key).update(session_data=sessions.SessionStore().encode(data))
    elif case == "new_password":
        user.set_password("another-correct-horse-battery")
        user.save()
    elif case == "fallback_secret":
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a-new-secret-" + "k" * 50
        # (the session's data is signed with the old key: sign it again with the new one, as a
        # session saved after the rotation would be, keeping the hash made with the old key)
        Session.objects.filter(pk=key).update(session_data=sessions.SessionStore().encode(data))
    elif case == "unknown_backend":
        data[auth.BACKEND_SESSION_KEY] = "a.backend.that.is.gone"
        Session.objects.filter(pk=key).update(session_data=sessions.SessionStore().encode(data))
    elif case == "copy_names_another_person":
        Session.objects.filter(pk=key).update(user_id=world.carla.pk)
    elif case == "copy_missing":
        Session.objects.filter(pk=key).update(user_id=None)
    elif case == "tampered_data":
        Session.objects.filter(pk=key).update(session_data=row.session_data[:-3] + "abc")

    ours, django = _both(key)
    assert ours == django
    expected = {
        "signed_in": user.pk,
        "copy_names_another_person": user.pk,  # the copy never decides who it is
        "copy_missing": user.pk,
        "fallback_secret": user.pk,
    }.get(case)
    assert ours[0] == expected


def test_a_fallback_secret_gives_the_session_a_new_key_and_hash(world, settings):
    user = world.maarten
    key = _signed_in(user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-" + "k" * 50
    data = Session.objects.get(pk=key).get_decoded()
    Session.objects.filter(pk=key).update(session_data=sessions.SessionStore().encode(data))
    request = _request(key)
    assert sessions.request_user(request) == user
    assert request.session.session_key != key  # cycled, as Django does
    assert request.session[auth.HASH_SESSION_KEY] == user.get_session_auth_hash()


def test_a_password_changed_elsewhere_ends_the_session(world):
    user = world.maarten
    key = _signed_in(user)
    user.set_password("another-correct-horse-battery")
    user.save()
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = key
    response = client.get("/t/oost/threads/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Session.objects.filter(pk=key).exists()


def test_a_backend_with_its_own_get_user_is_asked(world, settings):
    path = f"{OwnUserBackend.__module__}.OwnUserBackend"  # (the socket's test has the same backend)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, path]
    key = _signed_in(world.maarten)
    data = Session.objects.get(pk=key).get_decoded()
    data[auth.BACKEND_SESSION_KEY] = path
    Session.objects.filter(pk=key).update(session_data=sessions.SessionStore().encode(data))
    OwnUserBackend.asked.clear()
    assert sessions.request_user(_request(key)) == world.maarten
    assert OwnUserBackend.asked == [world.maarten.pk]


def test_the_socket_reads_the_session_and_the_person_in_one_query(world):
    key = _signed_in(world.maarten)
    with CaptureQueriesContext(connection) as read:
        user, expiry = lifecycle.session_user(key)
    assert user == world.maarten and expiry == Session.objects.get(pk=key).expire_date
    assert len(read.captured_queries) == 1
    Session.objects.filter(pk=key).update(user_id=world.carla.pk)  # a copy that lies: read as Django would
    with CaptureQueriesContext(connection) as read:
        assert lifecycle.session_user(key)[0] == world.maarten
    assert len(read.captured_queries) == 2


def test_the_joined_read_gives_the_person_as_the_orm_does(world):
    user = world.maarten
    user.last_login = timezone.now() - timedelta(days=3)
    user.save()
    key = _signed_in(user)
    store = sessions.SessionStore(key)
    data, expiry, read = sessions.session_and_user(store)
    row = Session.objects.get(pk=key)
    assert data == row.get_decoded() and expiry == row.expire_date and timezone.is_aware(expiry)
    fresh = auth.get_user_model().objects.get(pk=user.pk)
    for field in auth.get_user_model()._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(fresh, field.attname), field.name
    assert read._state.adding is False and read._state.db == "default"
    with CaptureQueriesContext(connection) as later:
        assert store[auth.SESSION_KEY] == str(user.pk)  # the store counts as loaded
    assert not later.captured_queries


def test_deleting_an_account_deletes_its_sessions(world):
    key = _signed_in(world.maarten)
    other = _signed_in(world.carla)
    world.maarten.delete()
    assert not Session.objects.filter(pk=key).exists()
    assert Session.objects.filter(pk=other).exists()


def test_the_migration_moves_sessions_with_their_person_and_back(world):
    """Nobody is signed out by the deploy that moves the sessions to accounts_session."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("wijkverband.accounts.migrations.0002_session")
    key = _signed_in(world.maarten)
    row = Session.objects.get(pk=key)
    Session.objects.all().delete()
    DjangoSession.objects.create(session_key=key, session_data=row.session_data, expire_date=row.expire_date)
    DjangoSession.objects.create(
        session_key="anonymous" + "a" * 23, session_data="e30:broken", expire_date=row.expire_date
    )

    migration.sessions_move(apps, None)
    assert not DjangoSession.objects.exists()
    moved = {r.session_key: (r.session_data, r.expire_date, r.user_id) for r in Session.objects.all()}
    assert moved == {
        key: (row.session_data, row.expire_date, world.maarten.pk),
        "anonymous" + "a" * 23: ("e30:broken", row.expire_date, None),
    }
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert client.get("/t/oost/threads/").status_code == 200  # still signed in

    migration.sessions_move_back(apps, None)
    assert not Session.objects.exists()
    assert set(DjangoSession.objects.values_list("session_key", flat=True)) == set(moved)


def test_the_hourly_job_deletes_the_sessions_that_expired(world):
    from wijkverband.work.schedules import JOBS

    live, ended = _signed_in(world.maarten), _signed_in(world.carla)
    Session.objects.filter(pk=ended).update(expire_date=timezone.now() - timedelta(seconds=1))
    job = next(job for job in JOBS if job.name == "sessions")
    module, name = job.func.rsplit(".", 1)
    assert getattr(import_module(module), name)() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]

"""No page of ours is kept by a browser cache or a proxy: `Cache-Control: private, no-store`."""

import uuid

import pytest
from django.test import Client

from wijkverband.threads import services as thread_services

PAGES = {
    "start page": lambda world: "/",
    "team home": lambda world: "/t/oost/",
    "threads": lambda world: "/t/oost/threads/",
    "thread": lambda world: f"/t/oost/threads/{world.thread.pk}/",
    "thread events (JSON)": lambda world: f"/t/oost/threads/{world.thread.pk}/events/?after=0",
    "bottleneck export (CSV)": lambda world: "/t/oost/bottlenecks/export.csv",
    "agreements": lambda world: "/t/oost/agreements/",
    "notifications": lambda world: "/notifications/",
    "region": lambda world: "/r/utrecht/",
    "not found": lambda world: "/t/bestaat-niet/",
}
PERSONAS = ["anonymous", "carla", "maarten", "rosa", "olga", "bram"]


@pytest.fixture
def lived_in(world):
    world.thread = thread_services.thread_create(
        actor=world.carla, team=world.team_a, title="Algemeen", open_to_representatives=True
    )
    thread_services.message_post(actor=world.carla, thread=world.thread, body="Hallo", client_id=uuid.uuid4())
    return world


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_every_answer_to_every_persona_is_private_and_not_stored(lived_in, client_for, persona, page):
    response = client_for(persona).get(PAGES[page](lived_in))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, (persona, page, response.status_code, cache_control)
    assert "public" not in cache_control and not any(
        part.startswith("max-age=") and part != "max-age=0" for part in cache_control
    )


def test_the_sign_in_page_and_the_health_check_are_not_stored_either(db):
    for url in ("/accounts/login/", "/healthz"):
        assert "no-store" in Client().get(url)["Cache-Control"]


def test_static_files_keep_their_own_caching(db):
    response = Client().get("/static/wijkverband/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

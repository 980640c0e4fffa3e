"""The start page says, per team, how many messages the person has not read yet."""

import re

from tests.threads.helpers import post, topic


def card(page: str, team_name: str) -> str:
    found = re.search(
        rf'<li class="wv-card"><a class="utrecht-link" href="[^"]+">{team_name}</a>(.*?)</li>', page, re.S
    )
    assert found, f"no card for {team_name}"
    return found.group(1)


def test_each_team_card_counts_the_messages_i_have_not_read(world, client_for):
    oost = topic(world)
    post(oost, world.carla, "Een")
    post(oost, world.carla, "Twee")
    zuid = topic(world, team=world.team_b, actor=world.bram)
    post(zuid, world.bram, "Drie")

    page = client_for("pieter").get("/").content.decode()  # pharmacist in both teams
    assert "2 ongelezen berichten" in card(page, world.team_a.name)
    assert "1 ongelezen bericht<" in card(page, world.team_b.name)

    client_for("pieter").get(f"/t/oost/threads/{oost.pk}/")  # read Oost's thread
    page = client_for("pieter").get("/").content.decode()
    assert "ongelezen" not in card(page, world.team_a.name)
    assert "1 ongelezen bericht<" in card(page, world.team_b.name)


def test_my_own_messages_and_threads_i_may_not_read_do_not_count(world, client_for):
    team_only = topic(world)
    post(team_only, world.carla, "Alleen voor het team")
    open_thread = topic(world, title="Voor iedereen", open_to_representatives=True)
    post(open_thread, world.carla, "Ook voor cliëntvertegenwoordigers")

    assert "1 ongelezen bericht<" in card(client_for("rosa").get("/").content.decode(), world.team_a.name)
    assert "ongelezen" not in card(client_for("carla").get("/").content.decode(), world.team_a.name)


def test_the_start_page_does_not_query_per_thread(world, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(topic(world), world.carla, "Een")
    client = client_for("pieter")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(8):
        post(topic(world, title=f"Onderwerp {n}", team=world.team_b, actor=world.bram), world.bram, "Meer")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert "8 ongelezen berichten" in card(page, world.team_b.name)

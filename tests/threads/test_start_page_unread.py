"""The start page says, per team, how many messages the person has not read yet."""

import re

from tests.sessions import not_renewing
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
    with not_renewing(), django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert "8 ongelezen berichten" in card(page, world.team_b.name)


def _another_team(world, n: int):
    """Team n with pieter (for the pharmacy) and bram, and a thread bram wrote in."""
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership, OrganisationKind

    team = tenancy_services.team_create(
        actor=None, region=world.region, name=f"Team {n}", slug=f"team-{n}", municipality="Utrecht"
    )
    pharmacy = tenancy_services.organisation_add(
        actor=None, team=team, name="Apotheek Linde", kind=OrganisationKind.PHARMACY
    )
    gp = tenancy_services.organisation_add(actor=None, team=team, name=f"Huisarts {n}", kind=OrganisationKind.GP)
    tenancy_services.membership_create(
        actor=None, team=team, user=world.pieter, role=Membership.Role.MEMBER, organisation=pharmacy
    )
    tenancy_services.membership_create(
        actor=None, team=team, user=world.bram, role=Membership.Role.COORDINATOR, organisation=gp
    )
    post(topic(world, title=f"Overleg {n}", team=team, actor=world.bram), world.bram, "Nieuw")
    return team


def test_the_start_page_does_not_query_per_team(world, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(topic(world), world.carla, "Een")
    client = client_for("pieter")
    client.get("/")
    with CaptureQueriesContext(connection) as two_teams:
        client.get("/")
    queries = len(two_teams.captured_queries)  # (read now: a later request empties the log)
    teams = [_another_team(world, n) for n in range(4)]
    client.get("/")
    with django_assert_num_queries(queries):
        page = client.get("/").content.decode()
    for team in teams:
        assert "1 ongelezen bericht<" in card(page, team.name)


def test_the_totals_are_what_each_teams_thread_list_counts_for_every_persona(world):
    """unread_totals (one query for all teams) against team_threads (the thread list), team by team."""
    from wijkverband.tenancy.policy import team_rights
    from wijkverband.threads import selectors

    post(topic(world), world.carla, "Alleen het team")
    post(topic(world, title="Open", open_to_representatives=True), world.carla, "Ook vertegenwoordigers")
    post(topic(world, title="Zuid", team=world.team_b, actor=world.bram), world.bram, "In Zuid")
    seen = 0
    for name in ("carla", "maarten", "bram", "pieter", "olga", "rosa", "rik", "ines"):
        user = world.persona(name)
        rights = {team.pk: team_rights(user=user, team=team) for team in (world.team_a, world.team_b, world.team_c)}
        expected = {}
        for team in (world.team_a, world.team_b, world.team_c):
            if rights[team.pk].can_view:
                total = sum(t.unread for t in selectors.team_threads(user=user, team=team, rights=rights[team.pk]))
                if total:
                    expected[team.pk] = total
        assert selectors.unread_totals(user=user, rights_by_team=rights) == expected, name
        seen += sum(expected.values())
    assert seen >= 5  # the comparison means something

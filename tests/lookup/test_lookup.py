"""The public postcode lookup: what it shows, what it never shows, its messages, its limit."""

import copy
import importlib
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.test_link_crawl import crawl
from wijkverband.core import ratelimit as core_ratelimit
from wijkverband.core import registry
from wijkverband.core.registry import Panel
from wijkverband.lookup.ratelimit import LOOKUPS_PER_MINUTE
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership, OrganisationKind

SECTION_TEMPLATE = (
    '<section data-test-section="{{ team.slug }}"><h4>Openbaar</h4><p>{{ panel.public_number }}</p></section>'
)


def lookup(client, postcode, **extra):
    return client.get("/postcode/", {"postcode": postcode}, **extra)


def teams_shown(response) -> list[str]:
    return re.findall(r'data-lookup-team="([^"]+)"', response.content.decode())


@pytest.fixture
def public_section(monkeypatch):
    """A public section as the wijk card registers one: it returns a context only for teams that
    marked something public, and a private field it must never be asked to show."""
    calls = []

    def context(*, teams):
        calls.append([team.slug for team in teams])
        # Returns something for every team it knows, served or not: the page shows only the served.
        known = {"oost": {"public_number": "030 111 2222 (algemeen nummer)"}, "zuid": {"public_number": "ZUID-NUMMER"}}
        return {team.pk: known[team.slug] for team in teams if team.slug in known} | {
            -1: {"public_number": "VAN NIEMAND"}
        }

    monkeypatch.setitem(
        registry._public_sections, "test", Panel(key="test", template="test/public_section.html", context=context)
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"test/public_section.html": SECTION_TEMPLATE}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    with override_settings(TEMPLATES=templates):
        yield calls


# --- what it shows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3581", "3581 AB", "3581ab", " 3581 Ab ", "3581AB", "3581-AB", "3581 - ab"])
def test_a_visitor_finds_the_team_by_postcode_in_any_spelling(world, typed):
    response = lookup(Client(), typed)
    assert response.status_code == 200
    assert teams_shown(response) == ["oost"]
    page = response.content.decode()
    assert "Utrecht Oost" in page and "Gemeente: Utrecht" in page
    # The organisations taking part, core players first, each with its kind.
    names = [name for name in ("Huisarts Oost", "Apotheek Linde", "Buurtzorg Oost", "Welzijn Oost")]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert 'Huisarts Oost <span class="wv-muted">(Huisartsenpraktijk)</span>' in page


def test_the_answer_keeps_the_postcode_in_the_field_as_people_write_it(world):
    page = lookup(Client(), "3581ab").content.decode()
    assert 'value="3581 AB"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_empty_search_page_counts_nothing_and_asks_for_a_postcode(world):
    page = Client().get("/postcode/").content.decode()
    assert '<label class="utrecht-form-label" for="postcode">Postcode</label>' in page
    assert 'aria-describedby="postcode-hint"' in page
    assert "data-lookup-answer" not in page and "noindex" not in page


def test_a_full_postcode_prefers_the_team_that_holds_it(world):
    services.team_postcode_areas_set(actor=None, team=world.team_b, postcode_areas="3521, 3581 AB")
    assert teams_shown(lookup(Client(), "3581 AB")) == ["zuid"]
    assert teams_shown(lookup(Client(), "3581 AC")) == ["oost"]
    # The four digits alone: the area's team, then the team serving part of it, with the advice.
    response = lookup(Client(), "3581")
    assert teams_shown(response) == ["oost", "zuid"]
    page = response.content.decode()
    assert "Wijkverbanden voor een deel van 3581" in page and "bedient 3581 AB" in page
    assert "Wijkzorg Zuid" not in page  # a team serving part of the area is only named


def test_a_team_serving_many_postcodes_of_an_area_is_named_with_a_few(world):
    many = ", ".join(f"3590 A{letter}" for letter in "BCEFGHJK")
    services.team_postcode_areas_set(actor=None, team=world.team_b, postcode_areas="3521, " + many)
    page = lookup(Client(), "3590").content.decode()
    assert "bedient 3590 AB, 3590 AC, 3590 AE, 3590 AF, 3590 AG, 3590 AH en nog 2 postcodes" in page


def test_only_full_postcodes_of_an_area_ask_for_the_full_postcode(world):
    services.team_postcode_areas_set(actor=None, team=world.team_b, postcode_areas="3521, 3590 AB")
    response = lookup(Client(), "3590")
    assert teams_shown(response) == ["zuid"]
    assert "Geen wijkverband bedient heel 3590" in response.content.decode()


def test_a_shared_area_shows_every_team_serving_it(world):
    services.region_area_sharing_set(actor=None, region=world.region, allow=True)
    services.team_postcode_areas_set(actor=None, team=world.team_b, postcode_areas="3521, 3581")
    response = lookup(Client(), "3581 AB")
    assert teams_shown(response) == ["oost", "zuid"]
    assert "De 2 wijkverbanden voor 3581 AB" in response.content.decode()


def test_signed_in_people_use_it_too(world, client_for):
    assert teams_shown(lookup(client_for("bram"), "3581")) == ["oost"]
    assert teams_shown(lookup(client_for("otto"), "3521")) == ["zuid"]


def test_the_public_sections_show_only_for_the_teams_serving_the_postcode(world, public_section):
    page = lookup(Client(), "3581").content.decode()
    assert '<section data-test-section="oost">' in page
    assert "030 111 2222 (algemeen nummer)" in page
    assert "ZUID-NUMMER" not in page and "VAN NIEMAND" not in page
    assert public_section == [["oost"]]  # asked about the served teams only


def test_no_public_section_is_asked_when_nobody_serves_the_postcode(world, public_section):
    lookup(Client(), "9999")
    assert public_section == []


# --- what it never shows -----------------------------------------------------------------------------


def test_it_never_shows_people_private_entries_or_teams_not_serving_the_postcode(world, public_section):
    from wijkverband.bottlenecks import services as bottleneck_services
    from wijkverband.bottlenecks.models import Category, Impact

    bottleneck_services.bottleneck_report(
        actor=world.maarten, team=world.team_a, title="Intern personeelstekort", description="Alleen voor ons",
        category=Category.objects.filter(team__isnull=True).first(), impact=Impact.HIGH, affected_kinds=[],
        internal=True, internal_reason="Personeel",
    )  # fmt: skip
    services.invitation_create(
        actor=world.carla, team=world.team_a, email="nieuwe.collega@example.nl", role=Membership.Role.MEMBER,
        organisation=world.social_a, site_url="http://testserver/",
    )  # fmt: skip
    for persona in ("anonymous", "bram", "otto"):
        client = Client()
        if persona != "anonymous":
            client.force_login(world.persona(persona))
        page = lookup(client, "3581").content.decode()
        if persona != "anonymous":
            # The header shows the signed-in person's own name and teams; the answer is in <main>.
            page = page[page.index("<main") : page.index("</main>")]
        members = Membership.objects.filter(team=world.team_a).select_related("user")
        for membership in members:
            assert membership.user.name not in page, (persona, membership.user.name)
            assert membership.user.email not in page, (persona, membership.user.email)
        assert "nieuwe.collega@example.nl" not in page
        assert "Intern personeelstekort" not in page
        assert "Utrecht Zuid" not in page and "Wijkzorg Zuid" not in page and "ZUID-NUMMER" not in page
        assert "Vathorst" not in page
        assert "@example.nl" not in page


def test_a_team_without_the_postcode_is_never_shown(world):
    response = lookup(Client(), "3521")
    assert teams_shown(response) == ["zuid"]
    assert "Utrecht Oost" not in response.content.decode()


# --- messages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["35x1", "0581", "3581 A", "3581-", "postcode", "3581 SS"])
def test_an_invalid_postcode_gets_a_clear_message_linked_to_the_field(world, typed):
    response = lookup(Client(), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "is geen Nederlandse postcode" in page
    assert 'aria-describedby="postcode-hint postcode-error"' in page
    assert 'id="postcode-error"' in page and 'aria-invalid="true"' in page and "autofocus" in page
    assert "<title>Fout:" in page
    assert "data-lookup-answer" not in page


def test_an_empty_search_asks_for_a_postcode(world):
    response = lookup(Client(), "  ")
    assert response.status_code == 400
    assert "Vul een postcode in" in response.content.decode()


def test_an_unknown_postcode_says_so(world):
    response = lookup(Client(), "9999 ZZ")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geen wijkverband gevonden voor 9999 ZZ" in page and "huisartsenpraktijk of je gemeente" in page
    assert teams_shown(response) == []


def test_the_messages_in_english(world):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "is not a Dutch postcode" in lookup(client, "35x1").content.decode()
    assert "No team found for 9999 ZZ" in lookup(client, "9999ZZ").content.decode()
    assert "The team serving 3581" in lookup(client, "3581").content.decode()


def test_what_was_typed_is_shown_back_escaped(world):
    page = lookup(Client(), '<script>alert("x")</script>').content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- the page is public and not stored -------------------------------------------------------------------


def test_the_answer_is_not_stored_by_a_browser_or_a_proxy(world):
    response = lookup(Client(), "3581")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_it_answers_only_get(world):
    assert Client().post("/postcode/", {"postcode": "3581"}).status_code == 405


def test_the_footer_and_the_sign_in_page_link_to_it(world, client_for):
    assert 'href="/postcode/"' in Client().get("/accounts/login/").content.decode()
    assert "Zoeken op postcode" in Client().get("/accounts/login/").content.decode()
    assert 'href="/postcode/"' in client_for("carla").get("/t/oost/").content.decode()


def test_an_anonymous_crawl_from_the_sign_in_page_reaches_the_lookup_and_no_dead_link(world):
    pages = crawl(Client(), start="/accounts/login/")
    assert pages.get("/postcode/") == 200
    assert not {url: status for url, status in pages.items() if status in (403, 404)}


# --- the rate limit ------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(core_ratelimit.time, "time", lambda: 1_800_000_010.0)


def test_the_lookup_is_rate_limited_per_ip(world, fixed_clock):
    client = Client()
    for _ in range(LOOKUPS_PER_MINUTE):
        assert lookup(client, "3581", REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = lookup(client, "3581", REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    page = refused.content.decode()
    assert "Te veel zoekopdrachten" in page and "Probeer het over 50 seconden opnieuw" in page
    assert "Utrecht Oost" not in page
    # Another address is not held back; the empty form is not counted.
    assert lookup(Client(), "3581", REMOTE_ADDR="192.0.2.2").status_code == 200
    assert Client().get("/postcode/", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_an_ipv6_client_is_counted_per_64_network(world, fixed_clock):
    for n in range(LOOKUPS_PER_MINUTE):
        assert lookup(Client(), "3581", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}").status_code == 200
    assert lookup(Client(), "3581", REMOTE_ADDR="2001:db8:1:2:ffff::1").status_code == 429
    assert lookup(Client(), "3581", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(world, fixed_clock):
    """Behind the proxy, uvicorn puts the client address in REMOTE_ADDR (deploy/nginx.conf sets the
    header); the header itself is not read, so a client cannot pick a fresh address per request."""
    for n in range(LOOKUPS_PER_MINUTE):
        lookup(Client(), "3581", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert lookup(Client(), "3581", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == 429


# --- queries ---------------------------------------------------------------------------------------------------


def _queries_for(postcode: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert lookup(client, postcode).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_teams_and_areas(world, public_section, monkeypatch):
    # The lookup's own queries: only the test section (each real section tests its own count).
    monkeypatch.setattr(registry, "_public_sections", {"test": registry._public_sections["test"]})
    services.region_area_sharing_set(actor=None, region=world.region, allow=True)
    one = _queries_for("3581")
    for n in range(6):
        team = services.team_create(
            actor=None, region=world.region, name=f"Deelwijk {n}", slug=f"deel-{n}", municipality="Utrecht",
            postcode_areas=", ".join(["3581"] + [f"3581 {chr(65 + n)}{chr(65 + k)}" for k in range(5)]),
        )  # fmt: skip
        for k in range(3):
            services.organisation_add(actor=None, team=team, name=f"Organisatie {n}-{k}", kind=OrganisationKind.OTHER)
    many = _queries_for("3581")
    assert len(teams_shown(lookup(Client(), "3581"))) == 7
    assert many == one
    assert one <= 3  # the areas with their teams, the organisations (the test section queries nothing)


def test_the_migration_reads_the_old_comma_separated_areas():
    migration = importlib.import_module("wijkverband.tenancy.migrations.0004_postcode_areas_as_rows")
    assert migration._codes("3581, 3582 3584,,3581") == ["3581", "3582", "3584"]
    assert migration._codes("") == []


def test_the_load_balancer_passes_on_the_address_it_saw_not_one_the_client_sent():
    """uvicorn trusts the proxy's X-Forwarded-For (its leftmost address becomes REMOTE_ADDR): if
    nginx appended to what the client sent, a client could pick its own address per request."""
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf


def test_an_organisation_is_shown_only_while_someone_takes_part_for_it(world):
    """An organisation typed into an invitation is linked to the team at once (the form offers it
    again), but the public sees it only once someone takes part for it, and no longer after the
    last one left: a typo in an invitation that was withdrawn is never public."""
    from wijkverband.tenancy import services
    from wijkverband.tenancy.models import Membership

    typo = services.organisation_add(actor=world.carla, team=world.team_a, name="Tikfout Zorg BV", kind="other")
    invitation, _token = services.invitation_create(
        actor=world.carla, team=world.team_a, email="nieuw@example.nl", role="member", organisation=typo,
        site_url="https://wijkverband.example",
    )  # fmt: skip
    assert "Tikfout Zorg BV" not in lookup(Client(), "3581").content.decode()
    services.invitation_revoke(actor=world.carla, invitation=invitation)
    assert "Tikfout Zorg BV" not in lookup(Client(), "3581").content.decode()
    joined = services.organisation_add(actor=world.carla, team=world.team_a, name="Thuiszorg Nieuw", kind="other")
    invitation, _token = services.invitation_create(
        actor=world.carla, team=world.team_a, email="thuis@example.nl", role="member", organisation=joined,
        site_url="https://wijkverband.example",
    )  # fmt: skip
    _user, membership = services.invitation_accept_with_new_account(
        invitation=invitation, name="Tessa Thuis", password="een-lang-wachtwoord-42"
    )
    assert "Thuiszorg Nieuw" in lookup(Client(), "3581").content.decode()
    services.membership_remove(actor=world.carla, membership=Membership.objects.get(pk=membership.pk))
    page = lookup(Client(), "3581").content.decode()
    assert "Thuiszorg Nieuw" not in page
    assert "Huisarts Oost" in page  # the others stay


def test_the_organisations_of_a_kind_are_in_telephone_book_order(world):
    """ "'t Hoekje" was listed before every A: it is under H (core/sorting.py)."""
    from tests.personas import make_user

    for n, name in enumerate(("Inloophuis Oost", "'t Hoekje", "Gaandeweg")):
        organisation = services.organisation_add(actor=None, team=world.team_a, name=name, kind=OrganisationKind.OTHER)
        person = make_user(f"partner{n}", f"Partner {n}", second_factor=False)
        services.membership_create(
            actor=None, team=world.team_a, user=person, role=Membership.Role.MEMBER, organisation=organisation
        )
    page = lookup(Client(), "3581").content.decode()
    positions = [page.index(name) for name in ("Gaandeweg", "&#x27;t Hoekje", "Inloophuis Oost")]
    assert positions == sorted(positions)

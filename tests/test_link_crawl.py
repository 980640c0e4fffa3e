"""Links are shown only to those who may follow them: every persona crawls what it is shown.

Starting at the start page, each persona follows every link of ours on every page it reaches
(a couple of pages per URL shape) and must never meet a 403 or a 404: a link someone may not
follow is a small untruth (the region breadcrumb on the team home once was one).
"""

import re
import uuid
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from wijkverband.agreements import services as agreement_services
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Category, Impact
from wijkverband.threads import services as thread_services

#: Paths a crawl does not follow: signing out, switching language, files, the staff admin.
SKIP = ("/accounts/logout/", "/i18n/", "/static/", "/admin/")
#: Pages visited per URL shape (ids replaced): enough to see each kind of page with content.
PER_SHAPE = 2
MAX_PAGES = 250


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _ours(href: str) -> str | None:
    url, _fragment = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


#: A team's page names itself first, then lists the team's other pages (as on the bottleneck list,
#: the threads and the wijk card). The agreements' and Welzijn op Recept's pages had the list above
#: their heading. The printable agreement keeps the list above the document it prints.
_TEAM_NAV = re.compile(r'<nav class="wv-team-nav(?![^"]*wv-account-nav)[^"]*" aria-label="')
_NAV_ABOVE_HEADING_ALLOWED = re.compile(r"/agreements/\d+/print/$")


def _nav_above_heading(html: str) -> bool:
    nav, heading = _TEAM_NAV.search(html), html.find("<h1")
    return bool(nav) and heading != -1 and nav.start() < heading


def crawl(client: Client, start: str = "/", *, misplaced: list[str] | None = None) -> dict[str, int]:
    """Every page of ours reachable by links from `start`: {url: status}. The pages whose team
    navigation stands above their heading go to `misplaced`."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302) and (location := _ours(response["Location"])):
            queue.append(location)
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            queue.extend(link for href in _links(html) if (link := _ours(href)))
            if misplaced is not None and _nav_above_heading(html) and not _NAV_ABOVE_HEADING_ALLOWED.search(url):
                misplaced.append(url)
    return seen


@pytest.fixture
def lived_in(world):
    """Team A in use: an agreement under endorsement, an escalated and an internal bottleneck, a
    topic with a mention, and a thread open to representatives."""
    today = timezone.localdate()
    agreement = agreement_services.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={
            "title": "Medicatieoverdracht bij ontslag",
            "body": "De apotheek ontvangt het ontslagbericht.",
            "owner": world.carla,
            "start_date": today,
            "review_date": today + timedelta(days=20),
        },
    )
    agreement_services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.pharmacy)
    # ines's insurer is a party too: her account crawls its agreement and must meet no refusal.
    agreement_services.party_add_external(
        actor=world.carla, agreement=agreement, kind="insurer", name=world.insurer.name
    )
    agreement_services.agreement_propose(actor=world.carla, agreement=agreement)
    category = Category.objects.for_team(world.team_a).filter(team__isnull=True).first()
    for title, internal in (("Wachttijd wijkverpleging", False), ("Personeelstekort", True)):
        item = bottleneck_services.bottleneck_report(
            actor=world.maarten,
            team=world.team_a,
            title=title,
            description="Beschrijving",
            category=category,
            impact=Impact.HIGH,
            affected_kinds=[],
            internal=internal,
            internal_reason="Intern overleg" if internal else "",
        )
        if not internal:
            bottleneck_services.bottleneck_escalate(
                actor=world.maarten, bottleneck=item, version=item.version, reason="De regio moet meedenken"
            )
    topic = thread_services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    thread_services.message_post(actor=world.carla, thread=topic, body="@Pieter zie je dit?", client_id=uuid.uuid4())
    open_topic = thread_services.thread_create(
        actor=world.carla, team=world.team_a, title="Voor iedereen", open_to_representatives=True
    )
    thread_services.message_post(actor=world.carla, thread=open_topic, body="Welkom", client_id=uuid.uuid4())
    b_topic = thread_services.thread_create(actor=world.bram, team=world.team_b, title="Zuid")
    thread_services.message_post(actor=world.bram, thread=b_topic, body="Hallo Zuid", client_id=uuid.uuid4())
    return world


PERSONAS = ["carla", "maarten", "sofie", "pieter", "bram", "rosa", "olga", "ada", "otto", "rik", "chris", "ines"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_a_persona_is_shown_opens_for_them(lived_in, persona):
    client = Client()
    client.force_login(lived_in.persona(persona))
    misplaced = []
    pages = crawl(client, misplaced=misplaced)
    assert len(pages) > 5, pages  # the crawl got somewhere
    refused = {url: status for url, status in pages.items() if status in (403, 404)}
    assert not refused, f"{persona} is shown links that answer {refused}"
    assert not misplaced, f"the team's page list stands above the heading on {misplaced}"


def test_the_crawl_finds_a_link_that_refuses(lived_in):
    """The check can fail: a page that links to the region for someone who may not open it."""
    client = Client()
    client.force_login(lived_in.maarten)
    pages = crawl(client, start="/r/utrecht/")
    assert pages == {"/r/utrecht/": 404}


def test_a_team_member_sees_the_region_as_text_and_an_overseer_as_a_link(lived_in):
    member, overseer = Client(), Client()
    member.force_login(lived_in.maarten)
    overseer.force_login(lived_in.olga)
    assert 'href="/r/utrecht/"' not in member.get("/t/oost/").content.decode()
    assert "ROSE Utrecht" in member.get("/t/oost/").content.decode()
    assert 'href="/r/utrecht/"' in overseer.get("/t/oost/").content.decode()

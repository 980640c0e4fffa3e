import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from wijkverband.agreements import services as agreement_services
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Category, Impact
from wijkverband.socialmap import services as socialmap_services
from wijkverband.threads import services as thread_services
from wijkverband.threads.models import SubjectKind, Thread
from wijkverband.wijkcard import services as wijkcard_services
from wijkverband.wijkcard.services import EntryData


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source strings; tests/test_translations.py checks the Dutch."""
    with translation.override("en"):
        yield


def signed_in(user) -> Client:
    """A browser session of this person, in English (the assertions read the source strings)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def agreement(world, *, team=None, actor=None, title="Afspraak over de overdracht", body="", **fields):
    team = team or world.team_a
    actor = actor or world.carla
    data = {
        "title": title,
        "need": fields.get("need", "Ouderen die uit het ziekenhuis komen."),
        "sources": "",
        "body": body,
        "gain_quality": "",
        "gain_accessibility": "",
        "gain_affordability": "",
        "owner": actor,
        "start_date": timezone.localdate(),
        "review_date": timezone.localdate() + timedelta(days=180),
        "change_note": "",
    }
    return agreement_services.agreement_create(actor=actor, team=team, data=data)


def agreement_edit(agreement, *, actor, body):
    version = agreement.current_version
    data = {name: getattr(version, name) for name in (
        "title", "need", "sources", "gain_quality", "gain_accessibility", "gain_affordability",
        "owner", "start_date", "review_date",
    )}  # fmt: skip
    data.update(body=body, change_note="Tekst bijgewerkt")
    return agreement_services.agreement_edit(
        actor=actor, agreement=agreement, base_version=agreement.version_count, data=data
    )


def bottleneck(world, *, team=None, actor=None, title="Knelpunt", description="", internal=False):
    return bottleneck_services.bottleneck_report(
        actor=actor or world.maarten,
        team=team or world.team_a,
        title=title,
        description=description,
        category=Category.objects.get(team=None, key="overdracht"),
        impact=Impact.MEDIUM,
        affected_kinds=["apotheek"],
        internal=internal,
        internal_reason="Gaat over één praktijk" if internal else "",
    )


def thread(world, *, team=None, actor=None, title="Overleg", open_to_representatives=False):
    return thread_services.thread_create(
        actor=actor or world.carla,
        team=team or world.team_a,
        title=title,
        open_to_representatives=open_to_representatives,
    )


def post(thread, *, actor, body):
    return thread_services.message_post(actor=actor, thread=thread, body=body, client_id=uuid.uuid4()).message


def card_entry(world, *, team=None, actor=None, organisation=None, notes=""):
    return wijkcard_services.entry_create(
        actor=actor or world.maarten,
        team=team or world.team_a,
        data=EntryData(
            organisation=organisation or world.gp_a,
            contact_point="Triagelijn praktijk",
            day_phone="030 123 4567",
            day_hours="ma–vr 08:00–17:00",
            notes=notes,
            maintainer=actor or world.maarten,
        ),
    )


def map_entry(world, *, actor, team=None, region=None, name="Buurthuis De Linde", description=""):
    data = {
        "kind": "meeting_place",
        "name": name,
        "description": description,
        "street": "Lindelaan 12",
        "postcode": "3581 AB",
        "place": "Utrecht",
        "opening_hours": "",
        "dementia_friendly": False,
        "wheelchair_accessible": False,
        "cost": "free",
        "price": "",
        "phone": "",
        "email": "",
        "website": "",
        "public": False,
    }
    return socialmap_services.entry_create(actor=actor, team=team, region=region, data=data)


# --- the secrets of the permission matrix ---------------------------------------------------------

A_VIEWERS = {"carla", "maarten", "sofie", "pieter", "rosa", "olga", "ada", "rik"}
A_PROFESSIONALS = {"carla", "maarten", "sofie", "pieter", "olga", "ada"}  # and overseers: internal, closed
B_VIEWERS = {"bram", "pieter", "olga", "ada", "rik"}
B_PROFESSIONALS = {"bram", "pieter", "olga", "ada"}
C_VIEWERS = {"chris", "otto"}
PERSONAS = [
    "carla",
    "maarten",
    "sofie",
    "pieter",
    "bram",
    "olga",
    "ada",
    "otto",
    "rosa",
    "rik",
    "chris",
    "ines",
    "nobody",
]


@dataclass
class Secret:
    word: str
    kind: str
    team: str  # the slug of the team whose item it is
    readers: set = field(default_factory=set)


def _words(n: int) -> list[str]:
    """Unlike each other and any Dutch word: no prefix, stem or trigram of one finds another."""
    rng = random.Random(16)
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(11)))
    return sorted(words)


def plant_secrets(world) -> dict[str, Secret]:
    """One unique word in each kind of item, each readable by a known set of personas."""
    names = [
        "agreement_a", "agreement_a_earlier", "agreement_b", "agreement_c",
        "agreement_insurer", "agreement_insurer_concept",
        "bottleneck_a", "bottleneck_internal", "bottleneck_b", "bottleneck_c",
        "message_open", "message_closed", "message_internal_thread", "message_deleted", "message_before_edit",
        "message_after_edit", "message_b", "message_c",
        "card_a", "card_b", "card_c", "map_a", "map_b", "map_region", "map_c",
    ]  # fmt: skip
    word = dict(zip(names, _words(len(names)), strict=True))
    s = {}

    def secret(name, kind, team, readers):
        s[name] = Secret(word[name], kind, team, set(readers))

    a = agreement(world, body=f"De apotheek krijgt het overzicht {word['agreement_a_earlier']}.")
    agreement_edit(a, actor=world.carla, body=f"De apotheek krijgt het overzicht {word['agreement_a']}.")
    secret("agreement_a", "agreement", "oost", A_VIEWERS)
    secret("agreement_a_earlier", "agreement", "oost", A_VIEWERS)  # every version, for everyone who reads it
    # The insurer is party: its account (ines) reads it once proposed, never the concept.
    proposed = agreement(world, title="Met de verzekeraar", body=f"Vergoeding {word['agreement_insurer']}")
    agreement_services.party_add_external(
        actor=world.carla, agreement=proposed, kind="insurer", name=world.insurer.name
    )
    agreement_services.agreement_propose(actor=world.carla, agreement=proposed)
    secret("agreement_insurer", "agreement", "oost", A_VIEWERS | {"ines"})
    concept = agreement(world, title="Nog een concept", body=f"Ontwerp {word['agreement_insurer_concept']}")
    agreement_services.party_add_external(actor=world.carla, agreement=concept, kind="insurer", name=world.insurer.name)
    secret("agreement_insurer_concept", "agreement", "oost", A_VIEWERS)
    agreement(world, team=world.team_b, actor=world.bram, body=word["agreement_b"])
    secret("agreement_b", "agreement", "zuid", B_VIEWERS)
    agreement(world, team=world.team_c, actor=world.chris, body=word["agreement_c"])
    secret("agreement_c", "agreement", "vathorst", C_VIEWERS)

    bottleneck(world, description=f"Open voor iedereen {word['bottleneck_a']}")
    secret("bottleneck_a", "bottleneck", "oost", A_VIEWERS)
    internal = bottleneck(world, title=f"Intern {word['bottleneck_internal']}", internal=True)
    secret("bottleneck_internal", "bottleneck", "oost", A_PROFESSIONALS)
    bottleneck(world, team=world.team_b, actor=world.bram, description=word["bottleneck_b"])
    secret("bottleneck_b", "bottleneck", "zuid", B_VIEWERS)
    bottleneck(world, team=world.team_c, actor=world.chris, description=word["bottleneck_c"])
    secret("bottleneck_c", "bottleneck", "vathorst", C_VIEWERS)

    open_thread = thread(world, title="Open overleg", open_to_representatives=True)
    post(open_thread, actor=world.carla, body=f"Voor iedereen {word['message_open']}")
    secret("message_open", "message", "oost", A_VIEWERS)
    closed = thread(world, title="Alleen het team")
    post(closed, actor=world.maarten, body=f"Alleen professionals {word['message_closed']}")
    secret("message_closed", "message", "oost", A_PROFESSIONALS)
    internal_thread = Thread.objects.get(subject_kind=SubjectKind.BOTTLENECK, subject_id=internal.pk)
    # Opened to representatives, but internal (the bottleneck is): representatives still never read it.
    Thread.objects.filter(pk=internal_thread.pk).update(open_to_representatives=True)
    internal_thread.refresh_from_db()
    post(internal_thread, actor=world.maarten, body=f"Over het interne knelpunt {word['message_internal_thread']}")
    secret("message_internal_thread", "message", "oost", A_PROFESSIONALS)
    gone = post(open_thread, actor=world.maarten, body=f"Per ongeluk {word['message_deleted']}")
    thread_services.message_delete(actor=world.maarten, message=gone)
    secret("message_deleted", "message", "oost", set())
    edited = post(open_thread, actor=world.sofie, body=f"Eerste tekst {word['message_before_edit']}")
    thread_services.message_edit(actor=world.sofie, message=edited, body=f"Nieuwe tekst {word['message_after_edit']}")
    secret("message_before_edit", "message", "oost", set())  # behind the message's history page only
    secret("message_after_edit", "message", "oost", A_VIEWERS)
    post(thread(world, team=world.team_b, actor=world.bram), actor=world.bram, body=word["message_b"])
    secret("message_b", "message", "zuid", B_PROFESSIONALS)
    post(
        thread(world, team=world.team_c, actor=world.chris, open_to_representatives=True),
        actor=world.chris,
        body=word["message_c"],
    )
    secret("message_c", "message", "vathorst", C_VIEWERS)

    card_entry(world, notes=f"Na 17 uur {word['card_a']}")
    secret("card_a", "wijkcard", "oost", A_VIEWERS)
    card_entry(world, team=world.team_b, actor=world.bram, organisation=world.nursing_b, notes=word["card_b"])
    secret("card_b", "wijkcard", "zuid", B_VIEWERS)
    gp_c = world.chris.memberships.get().organisation
    card_entry(world, team=world.team_c, actor=world.chris, organisation=gp_c, notes=word["card_c"])
    secret("card_c", "wijkcard", "vathorst", C_VIEWERS)

    map_entry(world, actor=world.maarten, team=world.team_a, description=word["map_a"])
    secret("map_a", "socialmap", "oost", A_VIEWERS)
    map_entry(world, actor=world.bram, team=world.team_b, description=word["map_b"])
    secret("map_b", "socialmap", "zuid", B_VIEWERS)
    map_entry(world, actor=world.ada, region=world.region, description=word["map_region"])
    secret("map_region", "socialmap", "oost", A_VIEWERS | B_VIEWERS)
    map_entry(world, actor=world.chris, team=world.team_c, description=word["map_c"])
    secret("map_c", "socialmap", "vathorst", C_VIEWERS)
    return s

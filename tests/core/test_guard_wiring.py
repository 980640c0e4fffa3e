"""Every form that takes free text refuses client data at its field, keeps the input and stores
nothing; the socket refuses it with `invalid` and the same text (wijkverband/core/guard.py)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.core.test_guard import BSN_WRITINGS, HARMLESS
from tests.realtime.helpers import connect, signed_in_session
from tests.realtime.loop import run
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Agreement, AgreementVersion, Indicator, Measurement, Party
from wijkverband.bottlenecks.models import Bottleneck, Category
from wijkverband.realtime import consumers
from wijkverband.tenancy.models import Organisation, Team
from wijkverband.threads import services as thread_services
from wijkverband.threads.models import Message, Thread

BSN = "BSN 111222333 2 keer gebeld"
KEPT = "2 keer gebeld"  # the rest of the input stays in the form


@pytest.fixture
def lived_in(world):
    today = timezone.localdate()
    world.agreement = agreement_services.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={"title": "Afspraak", "body": "Tekst", "owner": world.carla, "review_date": today + timedelta(days=90)},
    )
    world.indicator = agreement_services.indicator_create(
        actor=world.carla,
        agreement=world.agreement,
        name="Wachttijd",
        dimension="accessibility",
        unit="dagen",
        baseline=None,
        target=5,
        frequency="quarterly",
    )
    world.thread = thread_services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    world.message = thread_services.message_post(
        actor=world.carla, thread=world.thread, body="Goedemorgen", client_id=uuid.uuid4()
    ).message
    world.category = Category.objects.for_team(world.team_a).filter(team__isnull=True).first()
    return world


@dataclass
class Form:
    name: str
    persona: str
    url: object  # world -> path
    data: object  # (world, text) -> dict
    field: str  # the form field the refusal is shown at
    count: object  # world -> number of rows that must not change


FORMS = [
    Form(
        "thread title",
        "carla",
        lambda w: "/t/oost/threads/",
        lambda w, t: {"title": t},
        "title",
        lambda w: Thread.objects.count(),
    ),
    Form(
        "message",
        "maarten",
        lambda w: f"/t/oost/threads/{w.thread.pk}/post/",
        lambda w, t: {"body": t, "client_id": str(uuid.uuid4())},
        "body",
        lambda w: Message.objects.count(),
    ),
    Form(
        "message edit",
        "carla",
        lambda w: f"/t/oost/threads/{w.thread.pk}/messages/{w.message.pk}/edit/",
        lambda w, t: {"body": t},
        "body",
        lambda w: Message.objects.filter(body__contains="111").count(),
    ),
    Form(
        "bottleneck title",
        "maarten",
        lambda w: "/t/oost/bottlenecks/new/",
        lambda w, t: {"title": t, "description": "", "category": w.category.pk, "impact": 2},
        "title",
        lambda w: Bottleneck.objects.count(),
    ),
    Form(
        "bottleneck description",
        "maarten",
        lambda w: "/t/oost/bottlenecks/new/",
        lambda w, t: {"title": "Wachttijd", "description": t, "category": w.category.pk, "impact": 2},
        "description",
        lambda w: Bottleneck.objects.count(),
    ),
    Form(
        "agreement body",
        "carla",
        lambda w: "/t/oost/agreements/new/",
        lambda w, t: {"title": "Nieuwe afspraak", "body": t, "owner": w.carla.pk},
        "body",
        lambda w: AgreementVersion.objects.count(),
    ),
    Form(
        "agreement title",
        "carla",
        lambda w: "/t/oost/agreements/new/",
        lambda w, t: {"title": t, "body": "Tekst", "owner": w.carla.pk},
        "title",
        lambda w: Agreement.objects.count(),
    ),
    Form(
        "external party",
        "carla",
        lambda w: f"/t/oost/agreements/{w.agreement.pk}/parties/",
        lambda w, t: {"form": "external", "kind": "insurer", "name": t},
        "name",
        lambda w: Party.objects.count(),
    ),
    Form(
        "indicator",
        "carla",
        lambda w: f"/t/oost/agreements/{w.agreement.pk}/indicators/new/",
        lambda w, t: {"name": t, "dimension": "quality", "unit": "%", "target": "10", "frequency": "quarterly"},
        "name",
        lambda w: Indicator.objects.count(),
    ),
    Form(
        "measurement note",
        "carla",
        lambda w: f"/t/oost/agreements/{w.agreement.pk}/indicators/{w.indicator.pk}/measurements/new/",
        lambda w, t: {"value": "4", "measured_on": timezone.localdate().isoformat(), "note": t},
        "note",
        lambda w: Measurement.objects.count(),
    ),
    Form(
        "new organisation",
        "carla",
        lambda w: "/t/oost/members/invite/",
        lambda w, t: {
            "email": "nieuw@example.nl",
            "role": "member",
            "new_organisation_name": t,
            "new_organisation_kind": "other",
        },
        "new_organisation_name",
        lambda w: Organisation.objects.count(),
    ),
    Form(
        "team name",
        "ada",
        lambda w: "/r/utrecht/teams/new/",
        lambda w, t: {"name": t, "slug": "nieuw", "municipality": "Utrecht", "postcode_areas": "3511"},
        "name",
        lambda w: Team.objects.count(),
    ),
]


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_form_refuses_client_data_at_its_field_and_keeps_the_input(lived_in, client_for, form):
    before = form.count(lived_in)
    response = client_for(form.persona).post(form.url(lived_in), form.data(lived_in, BSN))
    assert response.status_code in (400, 409), response.status_code
    assert form.count(lived_in) == before  # nothing stored
    page = response.content.decode()
    error_at_field = page.split(f'id="id_{form.field}_error"', 1)
    assert len(error_at_field) == 2, f"no error at the field {form.field}"
    assert "BSN" in error_at_field[1].split("</div>", 1)[0]  # the message, at that field
    assert "111222333" not in page.replace(f"{BSN}", "")  # the number is only in the kept input
    assert KEPT in page


@pytest.mark.parametrize("form", FORMS[:2], ids=lambda f: f.name)
def test_harmless_numbers_go_through_the_same_forms(lived_in, client_for, form):
    before = form.count(lived_in)
    response = client_for(form.persona).post(form.url(lived_in), form.data(lived_in, "Bel 030 123 4567, ma 12-03"))
    assert response.status_code == 302
    assert form.count(lived_in) == before + 1


@pytest.mark.django_db(transaction=True)
def test_the_socket_refuses_every_bsn_writing_and_takes_every_harmless_number(lived_in, monkeypatch):
    monkeypatch.setattr(consumers, "FRAME_BURST", 1000)
    session_key = signed_in_session(lived_in.maarten)
    thread_id = lived_in.thread.pk

    async def scenario():
        socket = await connect(lived_in.maarten, session_key=session_key)
        for text in BSN_WRITINGS:
            answer = await socket.post(thread_id, body=f"Let op: {text}")
            assert answer["type"] == "error" and answer["code"] == "invalid", (text, answer)
            assert "BSN" in answer["detail"] and "111222333" not in answer["detail"]
        for text in HARMLESS[:10]:
            answer = await socket.post(thread_id, body=f"Let op: {text}")
            assert answer["type"] == "ack", (text, answer)
        await socket.close()

    before = Message.objects.count()
    monkeypatch.setattr(thread_services, "POSTS_PER_MINUTE", 1000)
    run(scenario)
    assert Message.objects.count() == before + 10
    assert not Message.objects.filter(body__contains="111222333").exists()

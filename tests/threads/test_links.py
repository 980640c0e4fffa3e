"""A bare address in a message is a link on the thread page, in the live event (the same stored
HTML: one renderer, on the server) and, after the migration, in messages written before."""

import importlib

from django.apps import apps

from tests.threads.helpers import post, topic
from wijkverband.threads import services
from wijkverband.threads.models import Message, MessageRevision

ADDRESS = "https://www.thuisarts.nl/medicijnen"
LINK = f'<a href="{ADDRESS}" rel="noopener noreferrer nofollow">{ADDRESS}</a>'


def test_a_pasted_address_is_a_link_on_the_page_and_in_the_live_event(world, client_for):
    thread = topic(world)
    message = post(thread, world.maarten, f"Zie {ADDRESS}.").message
    client = client_for("carla")
    html = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert f"<p>Zie {LINK}.</p>" in html
    # What a page that is open gets (the socket's replay and the catch-up over HTTP are one shape).
    events = client.get(f"/t/oost/threads/{thread.pk}/events/?after=0", HTTP_ACCEPT="application/json").json()
    [created] = [e for e in events["events"] if e["data"].get("id") == message.pk]
    assert created["data"]["html"] == f"<p>Zie {LINK}.</p>"


def test_an_edit_that_adds_an_address_makes_it_a_link(world, client_for):
    thread = topic(world)
    message = post(thread, world.maarten, "Zie de site.").message
    services.message_edit(actor=world.maarten, message=message, body=f"Zie {ADDRESS}")
    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert f"<p>Zie {LINK}</p>" in html


def test_messages_written_before_get_their_links_from_the_migration(world, client_for):
    migration = importlib.import_module("wijkverband.threads.migrations.0006_links_in_stored_messages")
    thread = topic(world)
    old = post(thread, world.maarten, f"Zie {ADDRESS}").message
    services.message_edit(actor=world.maarten, message=old, body=f"Zie ook www.thuisarts.nl en {ADDRESS}")
    plain = post(thread, world.carla, "Geen adres hier").message
    # As they were stored before bare addresses became links.
    Message.objects.filter(pk=old.pk).update(body_html=f"<p>Zie ook www.thuisarts.nl en {ADDRESS}</p>")
    MessageRevision.objects.filter(message=old).update(body_html=f"<p>Zie {ADDRESS}</p>")

    migration.render_again(apps, None)
    migration.render_again(apps, None)  # running it again changes nothing

    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    www = '<a href="https://www.thuisarts.nl" rel="noopener noreferrer nofollow">www.thuisarts.nl</a>'
    assert f"<p>Zie ook {www} en {LINK}</p>" in html
    assert MessageRevision.objects.get(message=old).body_html == f"<p>Zie {LINK}</p>"
    assert Message.objects.get(pk=plain.pk).body_html == "<p>Geen adres hier</p>"


def test_messages_stored_with_a_dead_or_wrong_link_are_rendered_again_by_the_migration(world, client_for):
    """ "[zie https://www.thuisarts.nl]" was stored as an <a> without href and "…/Medicatie…" as a
    link to "…/Medicatie%E2%80%A6" (body_html is kept as written)."""
    migration = importlib.import_module("wijkverband.threads.migrations.0007_dead_links_in_stored_messages")
    thread = topic(world)
    dead = post(thread, world.maarten, "[zie https://www.thuisarts.nl]").message
    ellipsis = post(thread, world.maarten, "https://wiki.example.nl/Medicatie…").message
    services.message_edit(actor=world.maarten, message=ellipsis, body="https://wiki.example.nl/Medicatie… klopt")
    plain = post(thread, world.carla, "Geen adres hier").message
    rel = 'rel="noopener noreferrer nofollow"'
    Message.objects.filter(pk=dead.pk).update(body_html=f"<p>[zie <a {rel}>https://www.thuisarts.nl]</a></p>")
    wrong = f'<a href="https://wiki.example.nl/Medicatie…" {rel}>https://wiki.example.nl/Medicatie…</a>'
    Message.objects.filter(pk=ellipsis.pk).update(body_html=f"<p>{wrong} klopt</p>")
    MessageRevision.objects.filter(message=ellipsis).update(body_html=f"<p>{wrong}</p>")

    migration.render_again(apps, None)
    migration.render_again(apps, None)  # running it again changes nothing

    site = f'<a href="https://www.thuisarts.nl" {rel}>https://www.thuisarts.nl</a>'
    assert Message.objects.get(pk=dead.pk).body_html == f"<p>[zie {site}]</p>"
    wiki = f'<a href="https://wiki.example.nl/Medicatie" {rel}>https://wiki.example.nl/Medicatie</a>'
    assert Message.objects.get(pk=ellipsis.pk).body_html == f"<p>{wiki}… klopt</p>"
    assert MessageRevision.objects.get(message=ellipsis).body_html == f"<p>{wiki}…</p>"
    assert Message.objects.get(pk=plain.pk).body_html == "<p>Geen adres hier</p>"
    html = client_for("carla").get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert f"<p>[zie {site}]</p>" in html

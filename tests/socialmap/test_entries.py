"""Entries: who keeps them, what is refused, suggestions and their answers."""

import pytest
from django.utils import timezone

from tests.socialmap.helpers import add, fresh, values
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.socialmap import selectors, services
from wijkverband.socialmap.models import Entry, Suggestion
from wijkverband.work.models import Notice, NoticeKind
from wijkverband.work.selectors import unread_notice_count

# Passes the BSN eleven-test: the client-data guard refuses it.
BSN = "111222333"


def test_a_member_adds_an_entry_and_is_its_responsible_member(world):
    entry = add(world)
    assert entry.team == world.team_a and entry.region == world.region
    assert entry.maintainer == world.maarten and entry.confirmed_by == world.maarten
    assert entry.confirmed_on == timezone.localdate()
    assert entry.postcode == "3581 AB"
    assert AuditEvent.objects.filter(action="socialmap.entry_created", object_id=str(entry.pk)).exists()


def test_a_region_wide_entry_is_on_every_team_kaart_of_the_region_only(world):
    regional = add(world, team=None, name="Alzheimer Café Utrecht")
    own = add(world, name="Buurthuis Oost")
    other = add(world, team="b", name="Buurthuis Zuid", postcode="3521 AA")
    assert set(selectors.team_entries(team=world.team_a)) == {regional, own}
    assert set(selectors.team_entries(team=world.team_b)) == {regional, other}
    assert list(selectors.team_entries(team=world.team_c)) == []
    assert set(selectors.region_entries(region=world.region)) == {regional, own, other}
    assert list(selectors.region_entries(region=world.other_region)) == []
    # The scoped manager agrees: a team's scope holds its own and its region's entries.
    from wijkverband.tenancy.scoping import team_scope

    with team_scope(world.team_b):
        assert set(Entry.objects.all()) == {regional, other}
    with team_scope(world.team_c):
        assert list(Entry.objects.all()) == []


def test_only_the_teams_professionals_add_and_only_region_administrators_add_region_wide(world):
    for actor in (world.rosa, world.olga, world.ada, world.bram):
        with pytest.raises(ActionRefused) as refused:
            services.entry_create(actor=actor, team=world.team_a, data=values())
        assert refused.value.code == "forbidden"
    for actor in (world.maarten, world.carla, world.olga, world.rik):
        with pytest.raises(ActionRefused):
            services.entry_create(actor=actor, region=world.region, data=values())
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"postcode": "12345"}, "postcode", "“12345” is not a Dutch postcode: use four digits and two letters"),
        ({"postcode": "3581 SS"}, "postcode", "is not a Dutch postcode"),
        ({"street": ""}, "street", "A meeting place needs its address"),
        ({"phone": "12345"}, "phone", "is not a Dutch phone number"),
        ({"phone": "+44 20 7946 0000"}, "phone", "is not a Dutch phone number"),
        ({"email": "info@"}, "email", "is not an e-mail address"),
        ({"cost": "price", "price": ""}, "price", "Say what it costs"),
        ({"name": " "}, "name", "Give the entry a name"),
        ({"description": f"Mevrouw met BSN {BSN} komt hier graag"}, "description", "client data"),
        ({"opening_hours": f"open voor {BSN}"}, "opening_hours", "client data"),
        ({"description": "Koffie\x00 en thee"}, "description", "Null characters are not allowed."),
        ({"email": "info@buurthuis.nl\x00"}, "email", "Null characters are not allowed."),
    ],
)
def test_bad_values_are_refused_at_their_field_and_nothing_is_saved(world, changes, field, text):
    with pytest.raises(ActionRefused) as refused:
        add(world, **changes)
    assert refused.value.field == field
    assert text in str(refused.value.message)
    assert BSN not in str(refused.value.message)
    assert not Entry.objects.exists()


def test_values_are_tidied(world):
    entry = add(world, postcode="3581ab", phone="+31 30 123 4567", website="www.buurthuis.nl", kind="activity")
    assert entry.postcode == "3581 AB"
    # The one postcode parser (tenancy.postcodes): a hyphen too, as the lookup reads it.
    assert add(world, name="Buurthuis Noord", postcode="3584-cd").postcode == "3584 CD"
    assert entry.phone == "+31 30 123 4567"
    assert entry.website == "https://www.buurthuis.nl"
    for phone in ("030-1234567", "0800 1234", "0900-1234567", "(030) 123 45 67", "06 12345678"):
        assert add(world, phone=phone).phone == phone


def test_an_edit_confirms_the_entry_and_an_older_version_is_refused(world):
    entry = add(world)
    entry.confirmed_on = timezone.localdate().replace(year=2020)
    entry.save(update_fields=["confirmed_on"])
    edited = services.entry_edit(actor=world.carla, entry=fresh(entry), data=values(name="Nieuw"), version=1)
    assert edited.name == "Nieuw" and edited.version == 2
    assert edited.confirmed_on == timezone.localdate() and edited.confirmed_by == world.carla
    with pytest.raises(ActionRefused) as refused:
        services.entry_edit(actor=world.maarten, entry=fresh(entry), data=values(name="Ouder"), version=1)
    assert refused.value.code == "stale"
    assert fresh(entry).name == "Nieuw"


def test_a_client_representative_cannot_edit_confirm_or_remove(world):
    entry = add(world)
    for call in (
        lambda: services.entry_edit(actor=world.rosa, entry=entry, data=values(name="x"), version=None),
        lambda: services.entry_confirm(actor=world.rosa, entry=entry),
        lambda: services.entry_remove(actor=world.rosa, entry=entry),
    ):
        with pytest.raises(ActionRefused):
            call()
    assert fresh(entry).name == "Buurthuis De Linde"


def test_the_responsible_member_must_keep_the_kaart(world):
    with pytest.raises(ActionRefused) as refused:
        add(world, maintainer=world.bram)  # bram is not in team A
    assert refused.value.field == "maintainer"
    assert add(world, maintainer=world.sofie).maintainer == world.sofie
    assert add(world, team=None).maintainer == world.ada


def test_the_osm_link_encodes_the_address(world):
    entry = add(world, street="Hoek Oudwijk/Nobelstraat & co 1", postcode="3581 TE", place="Utrecht-Oost ë")
    assert entry.osm_url == (
        "https://www.openstreetmap.org/search?query="
        "Hoek%20Oudwijk%2FNobelstraat%20%26%20co%201%2C%203581%20TE%20Utrecht-Oost%20%C3%AB"
    )
    bare = add(world, kind="activity", street="", postcode="", place="")
    assert bare.osm_url == ""


# --- suggestions ----------------------------------------------------------------------------------


def test_a_representative_suggests_the_keeper_hears_and_answers_the_representative_hears(world):
    entry = add(world, maintainer=world.sofie)
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Vrijdag dicht.")
    notice = Notice.objects.get(kind=NoticeKind.CORRECTION_SUGGESTED)
    assert notice.user == world.sofie and notice.title == entry.name
    assert notice.path == f"/t/oost/sociale-kaart/{entry.pk}/"
    assert "Vrijdag" not in notice.title  # a notice never carries the suggestion's text
    services.suggestion_handle(actor=world.sofie, suggestion=suggestion, applied=True, answer="Aangepast, dank!")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPLIED and suggestion.handled_by == world.sofie
    handled = Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED)
    assert handled.user == world.rosa
    notice.refresh_from_db()
    assert notice.read_at is not None  # what it asked is done
    assert fresh(entry).confirmed_by == world.sofie
    with pytest.raises(ActionRefused):  # answered once
        services.suggestion_handle(actor=world.sofie, suggestion=suggestion, applied=False, answer="Toch niet")


def test_declining_needs_an_answer(world):
    entry = add(world)
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Dicht.")
    with pytest.raises(ActionRefused) as refused:
        services.suggestion_handle(actor=world.maarten, suggestion=suggestion, applied=False, answer=" ")
    assert refused.value.field == "answer"
    services.suggestion_handle(actor=world.maarten, suggestion=suggestion, applied=False, answer="Klopt nog.")
    assert Suggestion.objects.get().status == "declined"


def test_a_suggestion_passes_the_client_data_guard(world):
    entry = add(world)
    with pytest.raises(ActionRefused) as refused:
        services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body=f"Voor cliënt {BSN}")
    assert refused.value.field == "body"
    assert not Suggestion.objects.exists() and not Notice.objects.exists()


def test_only_representatives_suggest_on_a_teams_entry(world):
    entry = add(world)
    for actor in (world.maarten, world.carla, world.olga):  # the team's professionals edit it instead
        with pytest.raises(ActionRefused):
            services.suggestion_create(actor=actor, entry=entry, team=world.team_a, body="Iets")
    with pytest.raises(ActionRefused):  # the region's page: rosa has no role in the region
        services.suggestion_create(actor=world.rosa, entry=entry, team=None, body="Iets")


def test_team_members_suggest_on_a_region_wide_entry_they_cannot_edit(world):
    """Found by an exploratory walk: a pharmacist or district nurse who uses a region-wide entry
    daily had no way to report a mistake in it (edit 403, suggest 403), a representative had."""
    regional = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    suggestion = services.suggestion_create(
        actor=world.maarten, entry=regional, team=world.team_a, body="Nieuw nummer."
    )
    notice = Notice.objects.get(kind=NoticeKind.CORRECTION_SUGGESTED)
    # The region's administrator keeps it (ada added it): the notice links to the region's page.
    assert notice.user == world.ada and notice.path == f"/r/utrecht/sociale-kaart/{regional.pk}/"
    assert notice.team == world.team_a and "Nieuw" not in notice.title
    services.suggestion_handle(actor=world.ada, suggestion=suggestion, applied=False, answer="Het oude werkt nog.")
    handled = Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED)
    assert handled.user == world.maarten and handled.path == f"/t/oost/sociale-kaart/{regional.pk}/"
    for actor in (world.carla, world.pieter, world.sofie):  # a coordinator, the pharmacist, the social domain
        services.suggestion_create(actor=actor, entry=regional, team=world.team_a, body="Ander adres.")
    assert Suggestion.objects.filter(entry=regional).count() == 4
    for actor in (world.olga, world.ada):  # the overseer reads along; the administrator edits it
        with pytest.raises(ActionRefused):
            services.suggestion_create(actor=actor, entry=regional, team=world.team_a, body="Iets")
    with pytest.raises(ActionRefused):  # the region's page: maarten has no role in the region
        services.suggestion_create(actor=world.maarten, entry=regional, team=None, body="Iets")


def test_a_region_wide_entry_suggestion_reaches_the_region_administrator(world):
    regional = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    suggestion = services.suggestion_create(actor=world.rik, entry=regional, team=None, body="Nieuw nummer.")
    notice = Notice.objects.get(kind=NoticeKind.CORRECTION_SUGGESTED)
    assert notice.user == world.ada and notice.path == f"/r/utrecht/sociale-kaart/{regional.pk}/"
    services.suggestion_handle(actor=world.ada, suggestion=suggestion, applied=False, answer="Het oude werkt nog.")
    assert Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED).user == world.rik
    # rosa suggests on her team's kaart: the answer links her back there.
    mine = services.suggestion_create(actor=world.rosa, entry=regional, team=world.team_a, body="Ander adres.")
    services.suggestion_handle(actor=world.ada, suggestion=mine, applied=True, answer="")
    to_rosa = Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED, user=world.rosa)
    assert to_rosa.path == f"/t/oost/sociale-kaart/{regional.pk}/"


def test_removing_an_entry_takes_its_suggestions(world):
    entry = add(world)
    services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Dicht.")
    services.entry_remove(actor=world.carla, entry=entry)
    assert not Entry.objects.exists() and not Suggestion.objects.exists()
    assert AuditEvent.objects.filter(action="socialmap.entry_removed").exists()


def test_removing_an_entry_ends_the_notices_of_its_suggestions(world):
    """Found by a walk of what waits on people: a removed entry's "Stelt een correctie voor" stayed
    unread (the header counted it, the digest named it), its link a 404, while Mijn werk no longer
    listed it. The wijk card's removal ended them; the sociale kaart's only the "confirm again"."""
    entry = add(world, maintainer=world.sofie)
    services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Vrijdag dicht.")
    assert unread_notice_count(user=world.sofie) == 1
    services.entry_remove(actor=world.sofie, entry=entry)
    assert unread_notice_count(user=world.sofie) == 0


def test_removing_a_region_wide_entry_ends_the_notices_of_its_suggestions_in_every_team(world):
    """A region-wide entry's suggestions are filed under the team they were made on (or the
    region's first team): its removal ends them all."""
    regional = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    services.suggestion_create(actor=world.maarten, entry=regional, team=world.team_a, body="Nieuw nummer.")
    services.suggestion_create(actor=world.bram, entry=regional, team=world.team_b, body="Ander adres.")
    services.suggestion_create(actor=world.rik, entry=regional, team=None, body="Andere tijden.")
    filed_under = set(Notice.objects.filter(kind=NoticeKind.CORRECTION_SUGGESTED).values_list("team", flat=True))
    assert filed_under == {world.team_a.pk, world.team_b.pk}
    assert unread_notice_count(user=world.ada) == 3
    services.entry_remove(actor=world.ada, entry=regional)
    assert unread_notice_count(user=world.ada) == 0


def test_answering_one_suggestion_leaves_the_notice_of_another_still_open(world):
    """Answering one suggestion read the notices of every suggestion on the entry, while Mijn werk
    still listed the one not answered yet."""
    entry = add(world, maintainer=world.sofie)
    first = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Vrijdag dicht.")
    services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Nieuw telefoonnummer.")
    assert unread_notice_count(user=world.sofie) == 2
    services.suggestion_handle(actor=world.sofie, suggestion=first, applied=False, answer="Klopt nog.")
    assert selectors.corrections_asked_of(user=world.sofie).count() == 1
    assert unread_notice_count(user=world.sofie) == 1

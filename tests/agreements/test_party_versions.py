"""The parties of each version: a party that leaves a pending version and comes back later, what the
pages of such an agreement show, and who is counted as having endorsed."""

import pytest

from tests.agreements.conftest import add_external, edit_version, endorse_all
from wijkverband.agreements import selectors, services
from wijkverband.agreements.models import Agreement, Party


def _section(html: str, heading_id: str) -> str:
    part = html[html.index(f'id="{heading_id}"') :]
    return part[: part.index("</section>")]


def _names(rows):
    return sorted(row.party.name for row in rows)


@pytest.fixture
def in_force(world, proposed):
    """Version 1 adopted: the GP, Buurtzorg Oost and the pharmacy endorsed it."""
    return endorse_all(world, proposed)


def _nursing(agreement):
    return agreement.parties.get(organisation__name="Buurtzorg Oost")


def test_a_party_that_leaves_and_comes_back_stays_a_party_of_the_version_in_force(world, in_force, client_for):
    agreement = edit_version(world, in_force, "Versie 2")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    add_external(world, agreement)
    agreement = edit_version(world, agreement, "Versie 3")
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    agreement = Agreement.objects.get(pk=agreement.pk)

    html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/print/").content.decode()
    parties = _section(html, "parties-heading")
    assert "Partijen en hun besluit over versie 1" in parties
    assert "Buurtzorg Oost" in parties
    assert parties.count("Ingestemd") == 3, parties
    # Each version has the parties it had: 2 went on without Buurtzorg, 3 has it again.
    version = {v.number: v for v in agreement.versions.all()}
    everyone = ["Apotheek Linde", "Buurtzorg Oost", "Huisarts Oost"]
    assert _names(selectors.party_rows(agreement=agreement, version=version[1])) == everyone
    v2 = ["Apotheek Linde", "Huisarts Oost", "Zorgverzekeraar Midden"]
    assert _names(selectors.party_rows(agreement=agreement, version=version[2])) == v2
    assert _names(selectors.party_rows(agreement=agreement)) == sorted([*everyone, "Zorgverzekeraar Midden"])
    # Buurtzorg decides on version 3 like any party of it.
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=3, decision="endorsed")
    v3 = next(row for row in selectors.party_rows(agreement=agreement) if row.party.name == "Buurtzorg Oost")
    assert v3.endorsed


def test_a_party_back_after_a_version_without_it_was_adopted_leaves_the_first_version_as_it_was(world, in_force):
    agreement = edit_version(world, in_force, "Versie 2")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    for person in (world.carla, world.pieter):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.adopted_version.number == 2
    agreement = edit_version(world, agreement, "Versie 3")
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    agreement = Agreement.objects.get(pk=agreement.pk)
    version = {v.number: v for v in agreement.versions.all()}
    v1 = selectors.party_rows(agreement=agreement, version=version[1])
    assert _names(v1) == ["Apotheek Linde", "Buurtzorg Oost", "Huisarts Oost"]
    assert all(row.endorsed for row in v1)
    assert _names(selectors.party_rows(agreement=agreement, version=version[2])) == ["Apotheek Linde", "Huisarts Oost"]
    assert "Buurtzorg Oost" in _names(selectors.party_rows(agreement=agreement))


def test_a_party_removed_and_added_back_to_the_same_version_is_as_it_was(world, in_force):
    agreement = edit_version(world, in_force, "Versie 2")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert Party.on_record.for_team(agreement.team_id).filter(organisation=world.nursing_a).count() == 1
    for number in (1, 2):
        version = agreement.versions.get(number=number)
        assert "Buurtzorg Oost" in _names(selectors.party_rows(agreement=agreement, version=version))


def test_the_history_says_to_which_version_a_party_was_added_or_from_which_it_was_removed(world, in_force, client_for):
    agreement = edit_version(world, in_force, "Versie 2")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    add_external(world, agreement)
    html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/history/").content.decode()
    assert "verwijderde een partij (versie 2): Buurtzorg Oost" in html
    assert "voegde een partij toe (versie 2): Zorgverzekeraar: Zorgverzekeraar Midden" in html


@pytest.fixture
def endorsed_then_removed(world, in_force):
    """Version 2 pending: Buurtzorg endorsed it and was then removed from it; the insurer (no account)
    was added; the GP and the pharmacy endorsed. So 2 of its 3 parties endorsed it, the insurer not."""
    agreement = edit_version(world, in_force, "Versie 2")
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=2, decision="endorsed")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    add_external(world, agreement)
    for person in (world.carla, world.pieter):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.has_pending_version
    return agreement


def test_endorsements_count_only_those_of_the_parties_of_the_version(world, endorsed_then_removed, client_for):
    import csv
    import io

    agreement = endorsed_then_removed
    client = client_for("carla")
    html = client.get("/t/oost/agreements/").content.decode()
    assert "2 van 3" in html and "3 van 3" not in html
    response = client.get("/t/oost/agreements/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][8:10] == ["3", "2"]
    versions = client.get(f"/t/oost/agreements/{agreement.pk}/versions/").context["page"].object_list
    assert {v.number: v.endorsed_count for v in versions} == {2: 2, 1: 3}
    # Mijn werk of the owner: one party has not endorsed yet.
    html = client.get("/my-work/").content.decode()
    assert "1 van 3 partijen heeft nog niet ingestemd" in html


def test_an_ended_agreement_shows_the_version_in_force_until_the_end(world, in_force, client_for):
    agreement = edit_version(world, in_force, "Versie 2 die nooit gold")
    services.agreement_end(actor=world.carla, agreement=agreement, reason="Opgegaan in de regionale afspraak")
    for path in ("", "print/"):
        html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/{path}").content.decode()
        assert "Versie 2 is nooit vastgesteld" in html
        assert "Deze pagina toont versie 1, de versie die van kracht was tot het einde." in html
        assert "Versie 2 die nooit gold" not in html
        parties = _section(html, "parties-heading")
        assert "Partijen en hun besluit over versie 1" in parties
        assert parties.count("Ingestemd") == 3 and "geen besluit" not in parties
        check = _section(html, "check-heading")
        assert "Elke partij stemde in met versie 1" in check and "Niet vervuld: Elke partij" not in check
    # The versions page says the same (it called version 1 "van kracht" and version 2 "huidige")
    versions = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/versions/").content.decode()
    assert "van kracht tot het einde" in versions and "nooit vastgesteld" in versions
    assert ">van kracht<" not in versions and ">huidig<" not in versions and "huidig ·" not in versions


def test_an_agreement_ended_before_it_was_ever_adopted_shows_its_last_version(world, proposed, client_for):
    services.agreement_end(actor=world.carla, agreement=proposed, reason="Geen draagvlak")
    for path in ("", "print/"):
        html = client_for("carla").get(f"/t/oost/agreements/{proposed.pk}/{path}").content.decode()
        assert "nooit vastgesteld" not in html
        assert "Partijen en hun besluit over versie 1" in html
        assert "Elke partij stemde in met de huidige versie" in html


def test_the_print_page_checks_the_endorsements_of_the_version_it_shows(world, in_force, client_for):
    agreement = edit_version(world, in_force, "Versie 2")
    agreement = edit_version(world, agreement, "Versie 3")
    html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/print/").content.decode()
    check = _section(html, "check-heading")
    assert "Elke partij stemde in met versie 1" in check and "huidige versie" not in check
    # The detail page shows version 3, the current one, and checks it as such.
    html = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "Elke partij stemde in met de huidige versie" in _section(html, "check-heading")


def test_the_words_about_parties_say_from_which_version_and_of_which_kind(world, in_force, client_for):
    """Found by an exploratory test: removing Buurtzorg from the pending version said "… is geen
    partij meer." while version 1 still binds it; the history named an added external party with
    its kind and a removed one without; the comparison showed no change of parties at all."""
    agreement = edit_version(world, in_force, "Versie 2")
    client = client_for("carla")
    nursing = _nursing(agreement)
    response = client.post(f"/t/oost/agreements/{agreement.pk}/parties/{nursing.pk}/remove/", follow=True)
    assert "Buurtzorg Oost is geen partij meer vanaf versie 2." in response.content.decode()
    insurer = add_external(world, agreement)
    response = client.post(f"/t/oost/agreements/{agreement.pk}/parties/{insurer.pk}/remove/", follow=True)
    html = response.content.decode()
    assert "Zorgverzekeraar Midden is geen partij meer." in html and "meer vanaf" not in html.split("wv-messages")[1]
    html = client.get(f"/t/oost/agreements/{agreement.pk}/history/").content.decode()
    assert "voegde een partij toe (versie 2): Zorgverzekeraar: Zorgverzekeraar Midden" in html
    assert "verwijderde een partij (versie 2): Zorgverzekeraar: Zorgverzekeraar Midden" in html
    assert "verwijderde een partij (versie 2): Buurtzorg Oost" in html
    add_external(world, agreement, name="Zorgverzekeraar Utrecht")
    html = client.get(f"/t/oost/agreements/{agreement.pk}/compare/?a=1&b=2").content.decode()
    parties = _section(html, "field-parties")
    assert "Partijen" in parties and "(gewijzigd)" in parties
    joined, left = parties.split("Wel in versie 1, niet in versie 2:")
    assert "Wel in versie 2, niet in versie 1:" in joined and "Zorgverzekeraar Utrecht" in joined
    assert "Buurtzorg Oost" in left and "Zorgverzekeraar Midden" not in parties
    html = client.get(f"/t/oost/agreements/{agreement.pk}/compare/?a=2&b=2").content.decode()
    assert "(ongewijzigd)" in _section(html, "field-parties")


def test_missing_text_reads_the_same_on_the_print_page_and_the_parties_are_named_once(world, in_force, client_for):
    """The print page showed "—" where the detail page says "Nog niet opgegeven."; the parties'
    table was named twice in a row ("Partijen en hun besluit over versie 1", once more as its caption)."""
    agreement = in_force
    version = agreement.current_version
    version.sources = ""
    version.save(update_fields=["sources"])
    client = client_for("carla")
    for path in ("", "print/"):
        html = client.get(f"/t/oost/agreements/{agreement.pk}/{path}").content.decode()
        assert "Nog niet opgegeven." in _section(html, "need-heading"), path
        assert html.count("Partijen en hun besluit over versie") == 1, path


# --- a party removed from the pending version and added back: its decision on it is void ----------


def _removed_and_added_back(world, agreement, organisation):
    party = agreement.parties.get(organisation=organisation)
    services.party_remove(actor=world.carla, agreement=agreement, party=party)
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return Agreement.objects.get(pk=agreement.pk)


def _asked_again(world, agreement, organisation, person, client_for, *, voided: str, history_line: str):
    """What every page says of a party whose decision on the pending version lapsed: it is asked again."""
    from wijkverband.audit.models import AuditEvent
    from wijkverband.mywork.selectors import my_work

    row = next(r for r in selectors.party_rows(agreement=agreement) if r.party.organisation_id == organisation.pk)
    assert row.endorsement is None
    check = selectors.accountability_check(
        version=agreement.current_version,
        parties=selectors.party_rows(agreement=agreement),
        indicators=selectors.indicators_with_measurements(agreement=agreement),
    )
    endorsed = next(rule for rule in check.rules if rule.key == "endorsed")
    assert organisation.name in endorsed.missing
    # Mijn werk: it waits on the party's decision again; the page offers both answers.
    assert [(item.kind, item.title) for item in my_work(user=person).asked] == [
        ("endorse", agreement.current_version.title)
    ]
    html = client_for(person.email.split("@")[0]).get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    decision = _section(html, "endorse-heading")
    assert f"Instemmen met versie {agreement.version_count}" in decision and "Afwijzen" in decision
    # The history and the audit trail say that the decision lapsed.
    removed = AuditEvent.objects.filter(action="agreement.party_removed").latest("pk")
    assert removed.data["voided"] == voided and removed.data["version"] == agreement.version_count
    history = client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/history/").content.decode()
    assert history_line in history


def test_a_party_of_the_version_in_force_removed_from_the_pending_one_and_added_back_decides_again(
    world, in_force, client_for
):
    agreement = edit_version(world, in_force, "Versie 2")
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=2, decision="endorsed")
    agreement = _removed_and_added_back(world, agreement, world.nursing_a)
    _asked_again(
        world,
        agreement,
        world.nursing_a,
        world.maarten,
        client_for,
        voided="endorsed",
        history_line="verwijderde een partij (versie 2): Buurtzorg Oost · de instemming met deze versie vervalt",
    )
    # Its decision on the version in force stays on record.
    v1 = selectors.party_rows(agreement=agreement, version=agreement.adopted_version)
    assert all(row.endorsed for row in v1)
    # The other two endorse: version 2 waits on Buurtzorg, and is adopted when it endorses again.
    for person in (world.carla, world.pieter):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.adopted_version.number == 1
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=2, decision="endorsed")
    assert Agreement.objects.get(pk=agreement.pk).adopted_version.number == 2


def test_a_party_added_to_the_pending_version_removed_and_added_back_decides_again(world, in_force, client_for):
    agreement = edit_version(world, in_force, "Versie 2")
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.social_a)
    services.endorsement_record(
        actor=world.sofie, agreement=agreement, version_number=2, decision="declined", reason="Te weinig uren"
    )
    agreement = _removed_and_added_back(world, agreement, world.social_a)
    _asked_again(
        world,
        agreement,
        world.social_a,
        world.sofie,
        client_for,
        voided="declined",
        history_line="verwijderde een partij (versie 2): Welzijn Oost · de afwijzing van deze versie vervalt",
    )


def test_a_decision_kept_by_a_removal_from_before_the_rule_lapses_when_the_party_is_added_back(world, in_force):
    from wijkverband.audit.models import AuditEvent

    agreement = edit_version(world, in_force, "Versie 2")
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=2, decision="endorsed")
    # Removed as party_remove did before: the row left version 2, its decision on it kept.
    Party.objects.filter(pk=_nursing(agreement).pk).update(left_version=2)
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    agreement = Agreement.objects.get(pk=agreement.pk)
    row = next(r for r in selectors.party_rows(agreement=agreement) if r.party.name == "Buurtzorg Oost")
    assert row.endorsement is None
    assert AuditEvent.objects.filter(action="agreement.party_added").latest("pk").data["voided"] == "endorsed"

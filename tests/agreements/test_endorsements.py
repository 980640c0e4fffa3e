"""Endorsement rights per organisation, external consent, outdated versions."""

from datetime import date, timedelta

import pytest
from django.utils import formats, timezone

from tests.agreements.conftest import add_external, version_data
from tests.personas import make_user
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, Endorsement, PartyKind, Status
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership


def test_a_member_endorses_for_their_own_organisation(world, proposed):
    endorsement = services.endorsement_record(
        actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed"
    )
    assert endorsement.party.organisation == world.nursing_a
    assert endorsement.version.number == 1
    assert endorsement.recorded_by == world.maarten


def test_a_member_whose_organisation_is_no_party_cannot_endorse(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    with pytest.raises(ActionRefused, match="not a party") as refused:
        services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=1, decision="endorsed")
    assert refused.value.code == "forbidden"
    assert not Endorsement.objects.exists()


def test_pieter_endorses_for_the_pharmacy_in_team_a_only(world, proposed):
    # pieter's pharmacy is in both teams; the endorsement is for this agreement of team A only
    services.endorsement_record(actor=world.pieter, agreement=proposed, version_number=1, decision="endorsed")
    assert Endorsement.objects.get().party.name == "Apotheek Linde"
    assert Endorsement.objects.get().team == world.team_a


def test_declining_needs_a_reason(world, proposed):
    with pytest.raises(ActionRefused, match="why"):
        services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="declined")
    assert not Endorsement.objects.exists()


def test_an_unknown_decision_is_refused(world, proposed):
    with pytest.raises(ActionRefused):
        services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="maybe")
    assert not Endorsement.objects.exists()


def test_endorsing_twice_is_refused(world, proposed):
    """By a colleague of the same organisation, or as a decline after it; the same person's same
    endorsement again is the first one (a double tap: the tests below)."""
    first = services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    again = services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    assert again.pk == first.pk
    colleague = make_user("nina", "Nina Wijkverpleging")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=colleague, role=Membership.Role.MEMBER, organisation=world.nursing_a
    )
    with pytest.raises(ActionRefused, match="already endorsed"):
        services.endorsement_record(actor=colleague, agreement=proposed, version_number=1, decision="endorsed")
    with pytest.raises(ActionRefused, match="already endorsed"):
        services.endorsement_record(
            actor=world.maarten, agreement=proposed, version_number=1, decision="declined", reason="toch niet"
        )
    assert Endorsement.objects.get().decision == "endorsed"


def test_a_concept_cannot_be_endorsed(world, concept):
    with pytest.raises(ActionRefused, match="concept"):
        services.endorsement_record(actor=world.carla, agreement=concept, version_number=1, decision="endorsed")
    assert not Endorsement.objects.exists()


def test_endorsing_an_outdated_version_is_refused_with_a_clear_message(world, proposed):
    services.agreement_edit(
        actor=world.carla, agreement=proposed, base_version=1, data=version_data(world, body="Aangepast")
    )
    with pytest.raises(ActionRefused, match="version 2 is current") as refused:
        services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    assert refused.value.code == "outdated"
    assert not Endorsement.objects.exists()


def test_endorsements_of_an_old_version_do_not_count_for_the_new_one(world, proposed):
    services.endorsement_record(actor=world.carla, agreement=proposed, version_number=1, decision="endorsed")
    services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=1, decision="endorsed")
    services.agreement_edit(
        actor=world.carla, agreement=proposed, base_version=1, data=version_data(world, body="Aangepast")
    )
    services.endorsement_record(actor=world.pieter, agreement=proposed, version_number=2, decision="endorsed")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.PROPOSED


def test_a_coordinator_records_the_consent_of_an_external_party(world, proposed):
    insurer = add_external(world, proposed)
    today = timezone.localdate()
    endorsement = services.consent_record(
        actor=world.carla,
        agreement=proposed,
        party=insurer,
        version_number=1,
        given_on=today,
        where_given="Brief van 3 maart",
    )
    assert endorsement.decision == "endorsed"
    assert endorsement.given_on == today
    assert endorsement.where_given == "Brief van 3 maart"
    # The history line dates the consent in the one date format ("3 maart 2026"), not "03-03-2026".
    event = proposed.events.filter(action="consent_recorded").get()
    shown = event.shown_detail()
    assert formats.date_format(today) in shown and today.strftime("%d-%m-%Y") not in shown
    assert shown.endswith(", Brief van 3 maart)")


def test_a_member_cannot_record_external_consent(world, proposed):
    insurer = add_external(world, proposed)
    with pytest.raises(ActionRefused, match="Only a coordinator") as refused:
        services.consent_record(
            actor=world.maarten,
            agreement=proposed,
            party=insurer,
            version_number=1,
            given_on=timezone.localdate(),
            where_given="Mail",
        )
    assert refused.value.code == "forbidden"
    assert not Endorsement.objects.exists()


def test_external_consent_needs_a_date_not_in_the_future_and_where_it_was_given(world, proposed):
    insurer = add_external(world, proposed)
    kwargs = {"actor": world.carla, "agreement": proposed, "party": insurer, "version_number": 1}
    with pytest.raises(ActionRefused, match="future"):
        services.consent_record(**kwargs, given_on=timezone.localdate() + timedelta(days=1), where_given="Mail")
    with pytest.raises(ActionRefused, match="where"):
        services.consent_record(**kwargs, given_on=timezone.localdate(), where_given=" ")
    with pytest.raises(ActionRefused, match="date"):
        services.consent_record(**kwargs, given_on=None, where_given="Mail")
    assert not Endorsement.objects.exists()


def test_consent_is_for_external_parties_only(world, proposed):
    gp_party = proposed.parties.get(organisation=world.gp_a)
    with pytest.raises(ActionRefused, match="external parties only"):
        services.consent_record(
            actor=world.carla,
            agreement=proposed,
            party=gp_party,
            version_number=1,
            given_on=timezone.localdate(),
            where_given="Mail",
        )
    assert not Endorsement.objects.exists()


def test_consent_for_an_outdated_version_is_refused(world, proposed):
    insurer = add_external(world, proposed, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Oost")
    services.agreement_edit(actor=world.carla, agreement=proposed, base_version=1, data=version_data(world, body="x"))
    with pytest.raises(ActionRefused, match="version 2 is current"):
        services.consent_record(
            actor=world.carla,
            agreement=proposed,
            party=insurer,
            version_number=1,
            given_on=timezone.localdate(),
            where_given="Mail",
        )


def test_external_consent_can_complete_adoption(world, proposed):
    insurer = add_external(world, proposed)
    for person in (world.carla, world.maarten, world.pieter):
        services.endorsement_record(actor=person, agreement=proposed, version_number=1, decision="endorsed")
    assert Agreement.objects.get(pk=proposed.pk).status == Status.PROPOSED
    services.consent_record(
        actor=world.carla,
        agreement=proposed,
        party=insurer,
        version_number=1,
        given_on=timezone.localdate(),
        where_given="Stuurgroep 12 mei",
    )
    assert Agreement.objects.get(pk=proposed.pk).status == Status.ADOPTED


def test_consent_cannot_be_dated_before_the_version_was_put_to_the_parties(world, proposed, client_for):
    """Consent of 1 January 2019 for a version proposed today would complete an adoption with a
    consent given to a text that did not exist: refused at the date, and nothing recorded."""
    insurer = add_external(world, proposed)
    with pytest.raises(ActionRefused, match="before version 1 was put to the parties") as refused:
        services.consent_record(
            actor=world.carla,
            agreement=proposed,
            party=insurer,
            version_number=1,
            given_on=date(2019, 1, 1),
            where_given="Brief",
        )
    assert refused.value.field == "given_on"
    response = client_for("carla").post(
        f"/t/oost/agreements/{proposed.pk}/parties/{insurer.pk}/consent/",
        {"version": 1, "given_on": "01-01-2019", "where_given": "Brief van de verzekeraar"},
    )
    assert response.status_code == 400
    assert "given_on" in response.context["form"].errors
    assert "kan niet liggen vóór" in str(response.context["form"].errors["given_on"])
    assert "Brief van de verzekeraar" in response.content.decode()  # what was typed is kept
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("last", [False, True], ids=["one_of_several", "the_last_one"])
def test_the_same_consent_sent_twice_is_recorded_once_and_both_sends_land_on_the_agreement(
    world, proposed, client_for, last
):
    """A double tap on "Instemming vastleggen" without JavaScript: the browser shows the answer to the
    second send, which said 409 "heeft al ingestemd" (or, when the consent was the last one the
    version waited for, "al vastgesteld"), as if the consent had not been recorded."""
    insurer = add_external(world, proposed)
    if last:
        for person in (world.carla, world.maarten, world.pieter):
            services.endorsement_record(actor=person, agreement=proposed, version_number=1, decision="endorsed")
    client = client_for("carla")
    url = f"/t/oost/agreements/{proposed.pk}/parties/{insurer.pk}/consent/"
    sent = {"version": 1, "given_on": timezone.localdate().isoformat(), "where_given": "Brief van 3 maart"}
    first = client.post(url, sent)
    again = client.post(url, sent, follow=True)
    assert first.status_code == 302
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "De instemming van Zorgverzekeraar Midden is vastgelegd." in again.content.decode()
    assert Endorsement.objects.filter(party=insurer).count() == 1
    assert proposed.events.filter(action="consent_recorded").count() == 1
    assert proposed.events.filter(action="adopted").count() == (1 if last else 0)


def test_a_different_consent_for_a_party_that_has_one_is_still_refused(world, proposed, client_for):
    """Only the same consent sent again is taken for the first: another date or place is a conflict."""
    insurer = add_external(world, proposed)
    client = client_for("carla")
    url = f"/t/oost/agreements/{proposed.pk}/parties/{insurer.pk}/consent/"
    sent = {"version": 1, "given_on": timezone.localdate().isoformat(), "where_given": "Brief van 3 maart"}
    assert client.post(url, sent).status_code == 302
    response = client.post(url, {**sent, "where_given": "Mail van 4 maart"})
    assert response.status_code == 409
    assert "Zorgverzekeraar Midden heeft al ingestemd met deze versie." in response.content.decode()
    assert Endorsement.objects.get(party=insurer).where_given == "Brief van 3 maart"


@pytest.mark.parametrize("last", [False, True], ids=["one_of_several", "the_last_one"])
def test_endorsing_sent_twice_is_done_once_and_both_sends_say_so(world, proposed, client_for, last):
    """A double tap on "Instemmen" without JavaScript: the browser shows the answer to the second
    send, which said "Wijkverpleging … heeft al ingestemd met deze versie" (or, when it was the
    endorsement the version waited for, that it was adopted already), as if it had not been done."""
    if last:
        for person in (world.carla, world.pieter):
            services.endorsement_record(actor=person, agreement=proposed, version_number=1, decision="endorsed")
    client = client_for("maarten")
    url = f"/t/oost/agreements/{proposed.pk}/endorse/"
    first = client.post(url, {"version": 1, "decision": "endorsed"})
    again = client.post(url, {"version": 1, "decision": "endorsed"}, follow=True)
    assert first.status_code == 302
    assert again.redirect_chain == [(first["Location"], 302)]
    assert f"Ingestemd namens {world.nursing_a.name}." in again.content.decode()
    assert Endorsement.objects.filter(party__organisation=world.nursing_a).count() == 1
    assert proposed.events.filter(action="endorsed").count() == (3 if last else 1)
    assert proposed.events.filter(action="adopted").count() == (1 if last else 0)


def test_a_decline_sent_twice_is_one_decline_and_a_changed_mind_still_counts(world, proposed, client_for):
    client = client_for("maarten")
    url = f"/t/oost/agreements/{proposed.pk}/endorse/"
    declined = {"version": 1, "decision": "declined", "reason": "De avondroutes passen niet."}
    first = client.post(url, declined)
    again = client.post(url, declined, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert f"Afgewezen namens {world.nursing_a.name}." in again.content.decode()
    assert proposed.events.filter(action="declined").count() == 1
    # Another reason is a second decline of its own, refused as before; endorsing after all counts.
    refused = client.post(url, {**declined, "reason": "Toch iets anders."})
    assert refused.status_code == 400
    assert client.post(url, {"version": 1, "decision": "endorsed"}).status_code == 302
    assert Endorsement.objects.get(party__organisation=world.nursing_a).decision == "endorsed"

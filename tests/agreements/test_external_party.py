"""An external party's own account (ines, for the insurer "Zorgverzekeraar Domstad"): invited by
the coordinator for an organisation that is party to the team's agreements, signs in with a second
factor, sees those agreements and nothing else of the team, and endorses them itself. Consent
recorded by a coordinator stays for parties without an account, marked with who recorded it."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.agreements.conftest import add_external, endorse_all, version_data
from tests.personas import totp_code
from wijkverband.agreements import services
from wijkverband.agreements.models import Endorsement, Status
from wijkverband.core.errors import ActionRefused
from wijkverband.mywork.selectors import asked_count, my_work
from wijkverband.tenancy import services as tenancy_services
from wijkverband.tenancy.models import Membership, Organisation, OrganisationKind

INSURER = "Zorgverzekeraar Domstad"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def with_insurer(world, proposed):
    """A proposed agreement of A whose parties include ines's insurer."""
    party = add_external(world, proposed, name=INSURER)
    assert party.organisation == world.insurer
    proposed.refresh_from_db()
    return proposed


def test_the_insurer_endorses_for_itself_and_completes_the_adoption(world, with_insurer):
    agreement = endorse_all(world, with_insurer)
    assert agreement.status == Status.PROPOSED  # the insurer has not decided yet
    services.endorsement_record(
        actor=world.ines, agreement=agreement, version_number=agreement.version_count, decision="endorsed"
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.ADOPTED
    endorsement = Endorsement.objects.get(party__organisation=world.insurer)
    assert endorsement.recorded_by == world.ines and not endorsement.is_recorded_consent


def test_the_insurer_declines_with_a_reason(world, with_insurer):
    with pytest.raises(ActionRefused):
        services.endorsement_record(
            actor=world.ines, agreement=with_insurer, version_number=with_insurer.version_count, decision="declined"
        )
    services.endorsement_record(
        actor=world.ines,
        agreement=with_insurer,
        version_number=with_insurer.version_count,
        decision="declined",
        reason="De indicator voor bereikbaarheid ontbreekt.",
    )
    assert Endorsement.objects.get(party__organisation=world.insurer).decision == "declined"


def test_a_coordinator_records_consent_only_for_a_party_without_an_account(world, with_insurer):
    insurer_party = with_insurer.parties.get(organisation=world.insurer)
    with pytest.raises(ActionRefused) as refused:
        services.consent_record(
            actor=world.carla,
            agreement=with_insurer,
            party=insurer_party,
            version_number=with_insurer.version_count,
            given_on=timezone.localdate(),
            where_given="brief",
        )
    assert "endorses for itself" in refused.value.message
    # Its page offers no recording of consent for the insurer, and says why.
    page = _client(world.carla).get(f"/t/oost/agreements/{with_insurer.pk}/").content.decode()
    assert f"/parties/{insurer_party.pk}/consent/" not in page
    assert "eigen account" in page
    council = add_external(world, with_insurer, kind="client_representation", name="Cliëntenraad Oost")
    with_insurer.refresh_from_db()
    recorded = services.consent_record(
        actor=world.carla,
        agreement=with_insurer,
        party=council,
        version_number=with_insurer.version_count,
        given_on=timezone.localdate(),
        where_given="vergadering cliëntenraad",
    )
    assert recorded.is_recorded_consent and recorded.recorded_by == world.carla
    page = _client(world.ines).get(f"/t/oost/agreements/{with_insurer.pk}/").content.decode()
    assert "Carla Coördinator" in page  # "recorded by" whom, shown to every party


def test_the_insurer_sees_only_its_agreements_and_no_concept(world, with_insurer):
    other = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, title="Zonder de verzekeraar")
    )
    draft = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, title="Concept"))
    add_external(world, draft, name=INSURER)
    page = _client(world.ines).get("/t/oost/agreements/").content.decode()
    assert "Medicatiebeoordeling thuis" in page
    assert "Zonder de verzekeraar" not in page and "Concept</a>" not in page
    assert "/t/oost/bottlenecks/" not in page and 'href="/t/oost/"' not in page  # no tab it cannot open
    for agreement in (other, draft):
        assert _client(world.ines).get(f"/t/oost/agreements/{agreement.pk}/").status_code == 404
    detail = _client(world.ines).get(f"/t/oost/agreements/{with_insurer.pk}/")
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "Zorgverzekeraar Domstad" in content and 'name="decision"' in content
    assert "data-thread" not in content and "/history/" not in content  # no discussion, no history


def test_the_insurer_removed_from_the_pending_version_reads_the_version_in_force_only(world, with_insurer):
    from wijkverband.agreements.selectors import readable_versions
    from wijkverband.tenancy.policy import team_rights

    agreement = endorse_all(world, with_insurer)
    services.endorsement_record(actor=world.ines, agreement=agreement, version_number=1, decision="endorsed")
    agreement.refresh_from_db()
    services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Zonder verzekeraar")
    )
    agreement.refresh_from_db()
    services.party_remove(
        actor=world.carla, agreement=agreement, party=agreement.parties.get(organisation=world.insurer)
    )
    client = _client(world.ines)
    page = client.get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "Zonder verzekeraar" not in page and "De apotheek <strong>beoordeelt</strong>" in page
    assert "Deze pagina toont versie 1, de versie die van kracht is." in page
    assert 'name="decision"' not in page  # nothing to decide: it is no party to version 2
    versions = client.get(f"/t/oost/agreements/{agreement.pk}/versions/").context["page"].object_list
    assert [v.number for v in versions] == [1]
    compare = client.get(f"/t/oost/agreements/{agreement.pk}/compare/?a=1&b=2")
    assert compare.status_code == 400 and "Zonder verzekeraar" not in compare.content.decode()
    assert "Er is maar één versie van deze afspraak die je kunt lezen (versie 1)" in compare.content.decode()
    found = readable_versions(rights_by_team={world.team_a.pk: team_rights(user=world.ines, team=world.team_a)})
    assert sorted(found.values_list("number", flat=True)) == [1]
    # The team reads version 2 as before.
    assert "Zonder verzekeraar" in _client(world.carla).get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    # Once version 2 is adopted without it, the insurer is no party any more.
    for person in (world.carla, world.maarten, world.pieter):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    assert client.get(f"/t/oost/agreements/{agreement.pk}/").status_code == 404


def test_the_insurer_removed_from_the_pending_version_finds_nothing_of_it_in_its_list(world, with_insurer):
    """The list, the versions page and the comparison named the pending version's title (the
    detail page showed version 1), and words in the address (?q=…, for which the list offers no
    box) searched the pending text: the list showed the agreement or not as the word was in it."""
    agreement = endorse_all(world, with_insurer)
    services.endorsement_record(actor=world.ines, agreement=agreement, version_number=1, decision="endorsed")
    agreement.refresh_from_db()
    services.agreement_edit(
        actor=world.carla,
        agreement=agreement,
        base_version=1,
        data=version_data(world, title="Zonder de verzekeraar verder", body="Geheim voorstel: kortingsregeling"),
    )
    agreement.refresh_from_db()
    services.party_remove(
        actor=world.carla, agreement=agreement, party=agreement.parties.get(organisation=world.insurer)
    )
    client = _client(world.ines)
    listed = client.get("/t/oost/agreements/")
    content = listed.content.decode()
    assert "Zonder de verzekeraar verder" not in content
    assert "Medicatiebeoordeling thuis</a>" in content and "v1</span>" in content
    (row,) = listed.context["page"].object_list
    # Version 1's parties: all four endorsed it (the insurer one of them).
    assert (row.endorsed_count, row.party_count) == (4, 4)
    # Words in the address search nothing for it: with or without them, the same list.
    for words in ("kortingsregeling", "Geheim", "nergens"):
        found = client.get("/t/oost/agreements/", {"q": words}).context["page"].object_list
        assert [a.pk for a in found] == [agreement.pk]
    for path in ("versions/", "compare/"):
        page = client.get(f"/t/oost/agreements/{agreement.pk}/{path}").content.decode()
        assert "Zonder de verzekeraar verder" not in page and "Medicatiebeoordeling thuis" in page
    # The team's list shows the pending version, its parties (three, none decided) and finds its words.
    team_list = _client(world.carla).get("/t/oost/agreements/", {"q": "kortingsregeling"})
    (row,) = team_list.context["page"].object_list
    assert "Zonder de verzekeraar verder</a>" in team_list.content.decode()
    assert (row.endorsed_count, row.party_count) == (0, 3)


def test_an_ended_agreement_lists_the_version_in_force_until_the_end(world, with_insurer):
    """The detail page of an ended agreement whose newest version was never adopted shows the
    version in force until the end; its row in the list named the other, with its count."""
    agreement = endorse_all(world, with_insurer)
    services.endorsement_record(actor=world.ines, agreement=agreement, version_number=1, decision="endorsed")
    agreement.refresh_from_db()
    services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, title="Nooit vastgesteld")
    )
    agreement.refresh_from_db()
    services.agreement_end(actor=world.carla, agreement=agreement, reason="Het project is gestopt.")
    for user in (world.carla, world.ines):
        listed = _client(user).get("/t/oost/agreements/")
        (row,) = listed.context["page"].object_list
        assert "Nooit vastgesteld" not in listed.content.decode(), user
        assert (row.shown.number, row.endorsed_count, row.party_count) == (1, 4, 4)
    assert not _client(world.carla).get("/t/oost/agreements/", {"q": "Nooit"}).context["page"].object_list


@pytest.mark.parametrize(
    "path",
    [
        "/t/oost/",
        "/t/oost/members/",
        "/t/oost/bottlenecks/",
        "/t/oost/threads/",
        "/t/oost/wijkkaart/",
        "/t/oost/signals/",
        "/t/oost/agreements/export.csv",
        "/t/zuid/agreements/",
        "/r/utrecht/",
    ],
)
def test_every_other_page_is_a_404_to_the_insurer(world, with_insurer, path):
    assert _client(world.ines).get(path).status_code == 404


def test_my_work_asks_the_insurer_to_endorse_and_nothing_else(world, with_insurer):
    work = my_work(user=world.ines)
    assert [(i.kind, i.object_id) for i in work.asked] == [("endorse", with_insurer.pk)]
    assert work.mine == [] and work.waiting == []
    assert asked_count(user=world.ines) == 1
    response = _client(world.ines).post(
        f"/t/oost/my-work/endorse/{with_insurer.pk}/", {"version": with_insurer.version_count, "next": "/my-work/"}
    )
    assert response.status_code == 302
    assert Endorsement.objects.get(party__organisation=world.insurer).recorded_by == world.ines


def test_the_insurer_must_set_up_a_second_factor(world, with_insurer):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=world.ines).delete()
    response = _client(world.ines).get(f"/t/oost/agreements/{with_insurer.pk}/")
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_the_coordinator_invites_the_insurer_for_an_organisation_party_to_an_agreement(
    world, with_insurer, django_capture_on_commit_callbacks
):
    # An insurer that is party to none of the team's agreements cannot be chosen.
    stranger = Organisation.objects.create(name="Andere Verzekeraar", kind=OrganisationKind.INSURER)
    with pytest.raises(ActionRefused):
        tenancy_services.invitation_create(
            actor=world.carla, team=world.team_a, email="x@example.nl", role="external_party", organisation=stranger
        )
    with pytest.raises(ActionRefused):
        tenancy_services.invitation_create(
            actor=world.carla, team=world.team_a, email="x@example.nl", role="external_party", organisation=None
        )
    Membership.objects.filter(user=world.ines).delete()
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_services.invitation_create(
            actor=world.carla,
            team=world.team_a,
            email="iris@example.nl",
            role="external_party",
            organisation=world.insurer,
            site_url="http://testserver/",
        )
    (message,) = mail.outbox
    assert INSURER in message.body  # the mail names the organisation
    assert "authenticator" in message.body  # and the second factor it will ask for
    # The form offers the insurer beside the team's own organisations.
    page = _client(world.carla).get("/t/oost/members/invite/").content.decode()
    assert INSURER in page and "Andere Verzekeraar" not in page


def test_the_insurer_start_page_counts_none_of_the_teams_messages(world, with_insurer):
    from wijkverband.threads import services as thread_services

    thread = thread_services.thread_create(
        actor=world.carla, team=world.team_a, title="Open overleg", open_to_representatives=True
    )
    thread_services.message_post(actor=world.carla, thread=thread, body="Welkom allemaal.", client_id=uuid.uuid4())

    def main(client) -> str:  # the page's content (the header gives its script the words "… ongelezen meldingen")
        return re.search(r"<main.*</main>", client.get("/").content.decode(), re.S)[0]

    assert "ongelezen" in main(_client(world.rosa))  # a representative's card counts it
    page = main(_client(world.ines))
    assert "ongelezen" not in page
    assert 'href="/t/oost/agreements/"' in page  # its card leads to its agreements


def test_an_ended_agreement_binds_only_the_parties_of_the_version_in_force_until_the_end(world, proposed):
    """Found by an exploratory test: the insurer, added to version 2 only, which was never adopted,
    read the ended agreement's version 2 with "Niet vervuld: Elke partij stemde in met de huidige
    versie" and every party "geen besluit", heard of the end, and the list's party filter listed
    the agreement for it. Nobody decides on an ended agreement: it bound version 1's parties."""
    from wijkverband.agreements.selectors import readable_versions
    from wijkverband.tenancy.policy import team_rights
    from wijkverband.work.models import Notice

    agreement = endorse_all(world, proposed)
    services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, title="Met de verzekeraar")
    )
    agreement.refresh_from_db()
    add_external(world, agreement, name=INSURER)
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.social_a)
    agreement.refresh_from_db()
    client = _client(world.ines)
    assert client.get(f"/t/oost/agreements/{agreement.pk}/").status_code == 200  # it decides on version 2
    services.agreement_end(actor=world.carla, agreement=agreement, reason="Het project is gestopt.")
    for path in ("", "versions/", "compare/"):
        assert client.get(f"/t/oost/agreements/{agreement.pk}/{path}").status_code == 404, path
    assert not client.get("/t/oost/agreements/").context["page"].object_list
    found = readable_versions(rights_by_team={world.team_a.pk: team_rights(user=world.ines, team=world.team_a)})
    assert not found.exists()
    assert not Notice.objects.filter(user=world.ines, kind="agreement_ended").exists()
    assert my_work(user=world.ines).asked == []
    # The team's list: the party filter finds it for the parties of version 1, not for those of
    # version 2 only (Welzijn Oost, the insurers).
    team = _client(world.carla)
    for organisation, listed in ((world.social_a, False), (world.nursing_a, True)):
        rows = team.get("/t/oost/agreements/", {"party": f"org:{organisation.pk}"}).context["page"].object_list
        assert [a.pk for a in rows] == ([agreement.pk] if listed else []), organisation
    assert not team.get("/t/oost/agreements/", {"party": "kind:insurer"}).context["page"].object_list


def test_an_external_party_of_the_version_in_force_until_the_end_still_reads_it_and_hears_of_the_end(
    world, with_insurer
):
    from wijkverband.work.models import Notice

    agreement = endorse_all(world, with_insurer)
    services.endorsement_record(actor=world.ines, agreement=agreement, version_number=1, decision="endorsed")
    agreement.refresh_from_db()
    services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, title="Zonder verzekeraar")
    )
    agreement.refresh_from_db()
    services.party_remove(
        actor=world.carla, agreement=agreement, party=agreement.parties.get(organisation=world.insurer)
    )
    services.agreement_end(actor=world.carla, agreement=agreement, reason="Het project is gestopt.")
    page = _client(world.ines).get(f"/t/oost/agreements/{agreement.pk}/")
    assert page.status_code == 200 and "Zonder verzekeraar" not in page.content.decode()
    assert Notice.objects.filter(user=world.ines, kind="agreement_ended").exists()


def test_an_external_party_that_reads_one_version_is_not_offered_a_comparison(world, proposed):
    """Found by an exploratory test: the insurer, added to the pending version 2, read "Versie 1 is
    van kracht…" with a link "Bekijk wat er veranderde" to compare/?a=1&b=2, which answered 400
    "Je organisatie is partij bij deze versies van de afspraak: 2. Kies er twee van."."""
    agreement = endorse_all(world, proposed)
    services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Met de verzekeraar")
    )
    agreement.refresh_from_db()
    add_external(world, agreement, name=INSURER)
    client = _client(world.ines)
    page = client.get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "Versie 1 is van kracht." in page
    assert "/compare/" not in page and "Bekijk wat er veranderde" not in page
    versions = client.get(f"/t/oost/agreements/{agreement.pk}/versions/").content.decode()
    assert "/compare/" not in versions and 'name="a"' not in versions
    for query, status in (("", 200), ("?a=1&b=2", 400)):
        compare = client.get(f"/t/oost/agreements/{agreement.pk}/compare/{query}")
        content = compare.content.decode()
        assert compare.status_code == status
        assert "Er is maar één versie van deze afspraak die je kunt lezen (versie 2)" in content
        assert "Kies er twee van" not in content and 'name="a"' not in content
    # The team reads both, and is offered the comparison.
    page = _client(world.carla).get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert f"/t/oost/agreements/{agreement.pk}/compare/?a=1&amp;b=2" in page


def test_an_invited_insurer_lands_on_its_agreements_not_on_a_404(world, with_insurer):
    """Found by an exploratory test: a new insurer's account set up its authenticator, and the
    recovery codes' "Ga verder" led to the team home, a 404 for an external party; so did accepting
    with an existing account, and its own used link followed again."""

    Membership.objects.filter(user=world.ines).delete()
    _invitation, token = tenancy_services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email="iris@example.nl",
        role="external_party",
        organisation=world.insurer,
        site_url="http://testserver/",
    )
    url = f"/invitations/{token}/"
    client = Client()
    password = "een-lang-wachtwoord-42"
    response = client.post(url, {"name": "Iris Verzekeraar", "password1": password, "password2": password})
    assert response["Location"] == "/t/oost/agreements/"
    assert client.get(response["Location"])["Location"] == "/accounts/2fa/totp/activate/"
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    codes = client.get(response["Location"]).content.decode()
    assert 'href="/t/oost/agreements/"' in codes and 'href="/t/oost/"' not in codes
    assert client.get("/t/oost/agreements/").status_code == 200
    # Its own link, followed again.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/t/oost/agreements/"

    # An existing account (ines, of the same insurer) accepting an external party's invitation.
    _invitation, token = tenancy_services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email=world.ines.email,
        role="external_party",
        organisation=world.insurer,
        site_url="http://testserver/",
    )
    response = _client(world.ines).post(f"/invitations/{token}/")
    assert response.status_code == 302 and response["Location"] == "/t/oost/agreements/"


def test_the_invite_form_lists_agreement_parties_apart_and_says_what_they_are_for(world, with_insurer):
    """Found by an exploratory test: the invitation's list offered agreement parties (a client
    council, an insurer) among the team's organisations, and then refused them for a member with
    "Die organisatie doet niet mee in dit wijkverband."."""
    from wijkverband.agreements.models import PartyKind

    add_external(world, with_insurer, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Utrecht Oost")
    council = Organisation.objects.get(name="Cliëntenraad Utrecht Oost")
    client = _client(world.carla)
    page = client.get("/t/oost/members/invite/").content.decode()
    select = re.search(r'<select name="organisation".*?</select>', page, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    assert list(groups) == ["Doet mee in dit wijkverband", "Alleen partij bij een afspraak: voor een externe partij"]
    assert world.social_a.name in groups["Doet mee in dit wijkverband"]
    parties = groups["Alleen partij bij een afspraak: voor een externe partij"]
    assert INSURER in parties and "Cliëntenraad Utrecht Oost" in parties
    assert world.social_a.name not in parties
    # Chosen anyway for a member: the refusal says for which role it can be.
    response = client.post(
        "/t/oost/members/invite/", {"email": "x@example.nl", "role": "member", "organisation": council.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Cliëntenraad Utrecht Oost doet niet mee in dit wijkverband, maar is partij bij een van de afspraken. "
        "Voor deze organisatie nodig je iemand alleen uit als externe partij."
    ) in html
    assert 'id="id_organisation_error"' in html  # at the field it is about
    # As an external party it is invited.
    response = client.post(
        "/t/oost/members/invite/", {"email": "x@example.nl", "role": "external_party", "organisation": council.pk}
    )
    assert response.status_code == 302


def test_without_agreement_parties_the_invite_forms_list_is_one_list(world):
    page = _client(world.carla).get("/t/oost/members/invite/").content.decode()
    select = re.search(r'<select name="organisation".*?</select>', page, re.S).group(0)
    assert "<optgroup" not in select and world.social_a.name in select

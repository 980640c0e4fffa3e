"""An external party's account decides for its organisation (agreements.policy.may_endorse: an
insurer's account endorses or declines for it, as a member does for theirs). The question before it
leaves, or is removed, warns of the decisions nobody can give after it as for the last member of an
organisation (selectors.stranded_by_leaving): the accounts that decide for an organisation are its
members, coordinators and external-party accounts alike. A decision a coordinator records once the
organisation has no account left (an external party's consent: services.consent_record) is not
stranded, and is not warned of."""

import re

import pytest

from tests.agreements.conftest import version_data
from tests.personas import make_user
from wijkverband.agreements import services
from wijkverband.agreements.models import PartyKind
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership, OrganisationKind

LAST = "is de laatste van Zorgverzekeraar Domstad in dit wijkverband"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _insurer_takes_part(world):
    """Zorgverzekeraar Domstad, whose only account in Oost is Ines's (an external party), takes part
    in Oost: an agreement names it as one of the team's organisations, and it waits for its decision."""
    tenancy.organisation_add(actor=None, team=world.team_a, name=world.insurer.name, kind=OrganisationKind.INSURER)
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    for organisation in (world.gp_a, world.insurer):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return services.agreement_propose(actor=world.carla, agreement=agreement)


def _ines(world) -> Membership:
    return Membership.objects.get(team=world.team_a, user=world.ines)


@pytest.mark.parametrize("persona", ["carla", "ada"])
def test_who_removes_the_insurers_only_account_is_asked_to_act(world, client_for, persona):
    """Found in a review: the removal question never warned of the agreements that wait for the
    decision of an organisation whose only account is an external party's, because it counted members
    and coordinators only; after Ines was removed, nobody could endorse "Medicatiebeoordeling thuis"
    for Zorgverzekeraar Domstad (a coordinator records the consent of an external party, not of one
    of the team's organisations). Ines reads the same when she leaves herself (the leave page)."""
    agreement = _insurer_takes_part(world)

    response = client_for(persona).get(f"/t/oost/members/{_ines(world).pk}/remove/")

    assert response.status_code == 200
    org = world.insurer.name
    assert (
        f"{world.ines.name} {LAST}: 1 afspraak (“Medicatiebeoordeling thuis”) wacht op het besluit van {org}, dat"
        " daarna niemand meer kan geven. Nodig een collega van die organisatie uit of verwijder de partij."
        in _text(response.content.decode())
    )
    assert f'href="/t/oost/agreements/{agreement.pk}/"' in response.content.decode()


@pytest.mark.parametrize("persona", ["chris", "bram"])
def test_another_teams_user_reads_nothing_of_it(world, client_for, persona):
    _insurer_takes_part(world)
    response = client_for(persona).get(f"/t/oost/members/{_ines(world).pk}/remove/")
    assert response.status_code == 404
    assert "laatste van" not in response.content.decode()


def test_a_member_of_the_insurer_is_not_its_last_while_its_account_decides(world, client_for):
    """The other way round: Wim, the insurer's member in Oost, was told that nobody could decide for
    it after him, while Ines's account still can. Neither is warned while the other stays."""
    _insurer_takes_part(world)
    wim = make_user("wim", "Wim Verzekeraar")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=wim, role=Membership.Role.MEMBER, organisation=world.insurer
    )
    wims = Membership.objects.get(team=world.team_a, user=wim)

    removal = _text(client_for("carla").get(f"/t/oost/members/{wims.pk}/remove/").content.decode())
    assert "Wim Verzekeraar is de laatste van" not in removal
    assert "Als laatste van" not in _text(client_for("ines").get("/t/oost/members/leave/").content.decode())


def test_an_insurer_a_coordinator_records_the_consent_of_is_not_warned_of(world, client_for):
    """An external party's decision is not stranded when its account leaves: a coordinator records its
    consent once it has no account here (the agreement page offers "Instemming vastleggen"). Nor when
    the last member of an organisation that is such a party leaves."""
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.party_add_external(actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=world.insurer.name)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    tenancy.organisation_add(actor=None, team=world.team_a, name=world.insurer.name, kind=OrganisationKind.INSURER)
    wim = make_user("wim", "Wim Verzekeraar")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=wim, role=Membership.Role.MEMBER, organisation=world.insurer
    )
    tenancy.membership_remove(actor=world.carla, membership=_ines(world))
    wims = Membership.objects.get(team=world.team_a, user=wim)

    removal = _text(client_for("carla").get(f"/t/oost/members/{wims.pk}/remove/").content.decode())

    assert "Wim Verzekeraar is de laatste van" not in removal
    # What the question would have said nobody can do: Carla records the insurer's consent.
    page = _text(client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode())
    assert f"Instemming vastleggen van {world.insurer.name}" in page

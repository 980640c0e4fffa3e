"""A coordinator gives a member a role in which they can own nothing (client representative,
external party): what they hold is let go as when they leave (docs/tenancy.md). The question before
says so, in the leave question's words, as the leave and remove questions do."""

import re

import pytest
from django.test import TestCase

from tests.agreements.conftest import version_data
from tests.bottlenecks.helpers import fresh, report
from wijkverband.agreements import services as agreements
from wijkverband.agreements.models import Agreement
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.tenancy.models import Membership

CR = Membership.Role.CLIENT_REPRESENTATIVE


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _membership(world, user, team=None) -> Membership:
    return Membership.objects.get(team=team or world.team_a, user=user)


def _url(membership) -> str:
    return f"/t/{membership.team.slug}/members/{membership.pk}/role/"


def _maarten_holds(world):
    """Maarten owns a bottleneck and an agreement, and is asked to own another bottleneck."""
    owned = report(world, title="Van Maarten")
    owned = bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=owned, version=owned.version, candidate=world.maarten
    )
    asked = report(world, title="Gevraagd aan Maarten")
    bottlenecks.bottleneck_ask_owner(
        actor=world.carla, bottleneck=asked, version=asked.version, candidate=world.maarten
    )
    agreement = agreements.agreement_create(
        actor=world.maarten, team=world.team_a, data=version_data(world, owner=world.maarten)
    )
    return owned, asked, agreement


@pytest.mark.parametrize(
    ("persona", "successor"),
    [("carla", "jij wordt de eigenaar"), ("ada", "Carla Coördinator (coördinator) wordt de eigenaar")],
)
def test_a_member_made_client_representative_is_told_first_what_he_lets_go(world, client_for, persona, successor):
    """Found in a review: the leave and remove questions say what is let go ("Eigenaar van 1 open
    knelpunt: dat is dan zonder eigenaar …"), but the role select on the members list made Maarten
    client representative at once, and the coordinator learnt only afterwards (if ever) that his
    bottlenecks had no owner and his agreements were hers. The change now asks first, in the same
    words, on a page that works without JavaScript; asking changes nothing."""
    owned, asked, agreement = _maarten_holds(world)
    maarten = _membership(world, world.maarten)
    client = client_for(persona)

    response = client.post(_url(maarten), {"role": CR})

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(page)
    assert "Maarten Lid cliëntvertegenwoordiger maken?" in text
    assert "Maarten Lid is dan cliëntvertegenwoordiger in Utrecht Oost: een rol waarin die geen eigenaar kan zijn." in (
        text
    )
    assert "Wat daarmee vervalt in het wijkverband:" in text
    assert "Eigenaar van 1 open knelpunt: dat is dan zonder eigenaar, en de coördinatoren zoeken een nieuwe." in text
    assert "Gevraagd eigenaar te worden van 1 knelpunt: die vraag vervalt." in text
    assert f"Eigenaar van 1 afspraak: {successor}." in text
    # The answer is a plain form: the role and the confirmation, sent to the same address.
    form = re.search(rf'<form method="post" action="({_url(maarten)})"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None
    assert f'name="role" value="{CR}"' in form.group(2) and 'name="confirmed" value="1"' in form.group(2)
    assert "Ja, rol wijzigen" in form.group(2) and 'href="/t/oost/members/">Nee, rol laten zoals die is' in form.group(
        2
    )
    # Asking changed nothing.
    assert _membership(world, world.maarten).role == Membership.Role.MEMBER
    assert fresh(owned).owner_id == world.maarten.pk and fresh(asked).owner_candidate_id == world.maarten.pk

    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(_url(maarten), {"role": CR, "confirmed": "1"})

    assert done.status_code == 302
    assert _membership(world, world.maarten).role == CR
    assert fresh(owned).owner_id is None and fresh(asked).owner_candidate_id is None
    assert Agreement.objects.get(pk=agreement.pk).current_version.owner_id == world.carla.pk


def test_a_role_that_lets_nothing_go_is_changed_at_once(world, client_for):
    """No question where nothing is let go: a coordinator made member keeps what she owns, and a
    member who holds nothing is made client representative in one step, as before."""
    sofie = _membership(world, world.sofie)
    client = client_for("carla")
    assert client.post(_url(sofie), {"role": Membership.Role.COORDINATOR}).status_code == 302
    b = report(world, title="Van Sofie")
    b = bottlenecks.bottleneck_ask_owner(actor=world.sofie, bottleneck=b, version=b.version, candidate=world.sofie)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url(sofie), {"role": Membership.Role.MEMBER})

    assert response.status_code == 302
    assert _membership(world, world.sofie).role == Membership.Role.MEMBER and fresh(b).owner_id == world.sofie.pk
    pieter = _membership(world, world.pieter)  # holds nothing in Oost
    assert client.post(_url(pieter), {"role": CR}).status_code == 302
    assert _membership(world, world.pieter).role == CR


def test_the_last_coordinator_is_refused_at_the_select_not_asked_first(world, client_for):
    """A change the service refuses is not asked about first: the refusal stands at the select."""
    b = report(world, actor=world.carla, title="Van Carla")
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.carla)
    response = client_for("ada").post(_url(_membership(world, world.carla)), {"role": CR})
    assert response.status_code == 400
    assert "heeft een coördinator nodig" in response.content.decode()
    assert "Ja, rol wijzigen" not in response.content.decode()
    assert _membership(world, world.carla).role == Membership.Role.COORDINATOR


@pytest.mark.parametrize(
    ("persona", "status"),
    [("chris", 404), ("bram", 404), ("otto", 404), ("ines", 404), ("maarten", 403), ("rosa", 403), ("olga", 403)],
)
def test_who_may_not_manage_the_members_is_neither_asked_nor_told(world, client_for, persona, status):
    """Another team's coordinator (Chris, of Vathorst) gets the 404 of a team that does not exist;
    the team's members and overseers a 403. Nobody but who manages the members reads what is let go."""
    _maarten_holds(world)
    response = client_for(persona).post(_url(_membership(world, world.maarten)), {"role": CR})
    assert response.status_code == status
    assert "Eigenaar van" not in response.content.decode()
    assert _membership(world, world.maarten).role == Membership.Role.MEMBER


def test_another_teams_membership_is_a_404_through_a_coordinators_own_team(world, client_for):
    bram_in_b = _membership(world, world.bram, world.team_b)
    report(world, actor=world.bram, team=world.team_b)
    response = client_for("carla").post(f"/t/oost/members/{bram_in_b.pk}/role/", {"role": CR})
    assert response.status_code == 404
    assert _membership(world, world.bram, world.team_b).role == Membership.Role.MEMBER


# --- the last member of an organisation -------------------------------------------------------------


def _waiting_for_district_nursing(world) -> Agreement:
    """A proposed agreement that waits for the decision of Buurtzorg Oost, whose only member in Oost
    is Maarten (owned by Carla: the question says nothing of his own agreements)."""
    agreement = agreements.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    for organisation in (world.gp_a, world.nursing_a):
        agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return agreements.agreement_propose(actor=world.carla, agreement=agreement)


def test_the_last_member_of_an_organisation_made_client_representative_is_warned_of_its_decisions(world, client_for):
    """Found in a review: Maarten, Buurtzorg Oost's only member in Oost, made client representative
    left its decision on "Medicatiebeoordeling thuis" for nobody to give (a client representative
    decides for no organisation), without a word, while his leaving or removal warns of it. The
    question before the role change warns as the removal question does, and names the agreement."""
    agreement = _waiting_for_district_nursing(world)
    maarten = _membership(world, world.maarten)
    org = world.nursing_a.name

    page = client_for("carla").post(_url(maarten), {"role": CR})

    assert page.status_code == 200
    text = _text(page.content.decode())
    assert (
        f"Maarten Lid is de laatste van {org} in dit wijkverband: 1 afspraak (“Medicatiebeoordeling thuis”) wacht op"
        f" het besluit van {org}, dat daarna niemand meer kan geven. Nodig een collega van die organisatie uit of"
        " verwijder de partij." in text
    )
    assert f'href="/t/oost/agreements/{agreement.pk}/"' in page.content.decode()
    assert _membership(world, world.maarten).role == Membership.Role.MEMBER  # asking changed nothing
    # The removal question says the same of him.
    removal = _text(client_for("carla").get(f"/t/oost/members/{maarten.pk}/remove/").content.decode())
    assert f"Maarten Lid is de laatste van {org} in dit wijkverband" in removal


def test_no_warning_of_an_organisations_decisions_while_a_colleague_can_give_them(world, client_for):
    from tests.personas import make_user
    from wijkverband.tenancy import services as tenancy

    _waiting_for_district_nursing(world)
    colleague = make_user("nina", "Nina Wijkverpleging")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=colleague, role=Membership.Role.MEMBER, organisation=world.nursing_a
    )
    response = client_for("carla").post(_url(_membership(world, world.maarten)), {"role": CR})
    assert response.status_code == 302  # nothing let go: changed at once
    assert _membership(world, world.maarten).role == CR

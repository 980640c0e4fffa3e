"""A member given a role in which they cannot decide for an organisation (client representative)
is asked to decide no more: their requests to endorse ("Vraagt je organisatie om in te stemmen")
and its reminders go, as a role change takes away other notices they cannot act on
(services.rights_narrowed). Given a role that decides again, what still waits on their
organisation asks them again, as it asks a new member of that organisation."""

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from tests.agreements.conftest import version_data
from wijkverband.agreements import notices as agreement_notices
from wijkverband.agreements import services
from wijkverband.tenancy.models import Membership
from wijkverband.work.models import Notice, NoticeKind

CR = Membership.Role.CLIENT_REPRESENTATIVE
ASKED = "Vraagt je organisatie om in te stemmen"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _membership(world, user) -> Membership:
    return Membership.objects.get(team=world.team_a, user=user)


def _url(membership) -> str:
    return f"/t/{membership.team.slug}/members/{membership.pk}/role/"


def _asks_district_nursing(world):
    """A proposed agreement of Oost (owned by Carla) that waits for Buurtzorg Oost (Maarten) and the
    pharmacy (Pieter); Maarten has its request and, a week on, a reminder."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
            services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        agreement = services.agreement_propose(actor=world.carla, agreement=agreement)
        agreement_notices.time_check(timezone.localdate() + timedelta(days=9))
    return agreement


def _asked(world, user, agreement) -> list[str]:
    return sorted(
        Notice.objects.filter(user=user, subject_id=agreement.pk, read_at__isnull=True)
        .filter(kind__in=[NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER])
        .values_list("kind", flat=True)
    )


def _change(client, membership, role):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url(membership), {"role": role, "confirmed": "1"})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("persona", ["carla", "ada"])
def test_a_member_made_client_representative_is_asked_to_endorse_no_more(world, client_for, persona):
    """Found in a review: Maarten, made client representative, kept an unread "Vraagt je organisatie
    om in te stemmen" of "Medicatiebeoordeling thuis" (and its reminder), although a client
    representative decides for no organisation: its link led to a page where he could not act. They
    go with the change; Pieter, who still decides for the pharmacy, keeps his."""
    agreement = _asks_district_nursing(world)
    maarten = client_for("maarten")
    before = _text(maarten.get("/notifications/").content.decode())
    assert ASKED in before and "Medicatiebeoordeling thuis" in before
    assert _asked(world, world.maarten, agreement) == [NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER]

    _change(client_for(persona), _membership(world, world.maarten), CR)

    assert _membership(world, world.maarten).role == CR
    page = _text(maarten.get("/notifications/").content.decode())
    assert ASKED not in page and "Medicatiebeoordeling thuis" not in page
    assert _asked(world, world.maarten, agreement) == []
    assert _asked(world, world.pieter, agreement) == [NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER]


@pytest.mark.parametrize("persona", ["carla", "ada"])
def test_made_member_again_he_is_asked_again_what_still_waits_on_his_organisation(world, client_for, persona):
    """The reverse: given back a role that decides for Buurtzorg Oost, the request that still waits on
    it reaches him again (unread, in his notices), as it reaches a new member of Buurtzorg Oost."""
    agreement = _asks_district_nursing(world)
    client = client_for(persona)
    _change(client, _membership(world, world.maarten), CR)

    _change(client, _membership(world, world.maarten), Membership.Role.MEMBER)

    assert _asked(world, world.maarten, agreement) == [NoticeKind.ENDORSEMENT_REQUESTED]
    page = _text(client_for("maarten").get("/notifications/").content.decode())
    assert ASKED in page and "Medicatiebeoordeling thuis" in page


def test_a_coordinator_made_member_still_decides_and_keeps_her_request(world, client_for):
    """A member decides for her organisation as a coordinator does: Sofie, of Welzijn Oost, made
    coordinator and then member again, is still asked (her rights narrowed, not those to endorse)."""
    agreement = _asks_district_nursing(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.social_a)
    client = client_for("carla")
    _change(client, _membership(world, world.sofie), Membership.Role.COORDINATOR)

    _change(client, _membership(world, world.sofie), Membership.Role.MEMBER)

    assert _asked(world, world.sofie, agreement) == [NoticeKind.ENDORSEMENT_REQUESTED]
    assert ASKED in _text(client_for("sofie").get("/notifications/").content.decode())


@pytest.mark.parametrize("persona", ["chris", "bram"])
def test_another_teams_user_cannot_change_the_role_and_the_request_stays(world, client_for, persona):
    agreement = _asks_district_nursing(world)
    response = client_for(persona).post(_url(_membership(world, world.maarten)), {"role": CR, "confirmed": "1"})
    assert response.status_code == 404
    assert _asked(world, world.maarten, agreement) == [NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER]

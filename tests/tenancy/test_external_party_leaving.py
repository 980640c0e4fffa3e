"""An external party (ines, the insurer's account in Oost) leaves the team itself, as every other
member can: the same question with what it lets go, the same audit row, the same notices. Before,
the leave page was a 404 to it (the team's pages are, except its agreements) and only a coordinator
could remove it (docs/tenancy.md, "Leaving a team")."""

import re

from django.test import TestCase

from wijkverband.audit.models import AuditEvent
from wijkverband.tenancy.models import Membership


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_an_external_party_finds_the_way_out_on_its_agreements_list(world, client_for):
    page = client_for("ines").get("/t/oost/agreements/").content.decode()
    assert 'href="/t/oost/members/leave/">Utrecht Oost verlaten' in page
    # The team's own people leave from the members page, as before.
    assert "/t/oost/members/leave/" not in client_for("maarten").get("/t/oost/agreements/").content.decode()


def test_an_external_party_is_asked_first_in_words_of_its_own_reach(world, client_for):
    response = client_for("ines").get("/t/oost/members/leave/")
    assert response.status_code == 200
    page = response.content.decode()
    text = _text(page)
    assert "Utrecht Oost verlaten?" in text
    assert "de afspraken waarbij Zorgverzekeraar Domstad partij is" in text
    # Its way back is its agreements: the members page is a 404 to it.
    assert 'href="/t/oost/members/"' not in page
    assert 'href="/t/oost/agreements/">Nee, blijven' in page
    assert client_for("ines").get("/t/oost/members/").status_code == 404
    assert Membership.objects.filter(team=world.team_a, user=world.ines).exists()  # a GET changes nothing


def test_an_external_party_leaves_and_the_team_closes_for_it(world, client_for):
    client = client_for("ines")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/t/oost/members/leave/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Je hebt Utrecht Oost verlaten." in response.content.decode()
    assert not Membership.objects.filter(team=world.team_a, user=world.ines).exists()
    assert client.get("/t/oost/agreements/").status_code == 404
    assert client.get("/t/oost/members/leave/").status_code == 404
    # The audit row of a leaving, as for a member: by herself, of her membership.
    row = AuditEvent.objects.filter(action="membership.removed", team_id=world.team_a.pk).get()
    assert row.actor_id == world.ines.pk
    assert row.data == {"user": world.ines.pk, "role": Membership.Role.EXTERNAL_PARTY}


def test_another_team_and_the_regions_people_have_nothing_to_leave(world, client_for):
    for persona in ("bram", "chris", "otto", "olga", "rik", "ada"):
        assert client_for(persona).get("/t/oost/members/leave/").status_code == 404, persona
        assert client_for(persona).post("/t/oost/members/leave/").status_code == 404, persona
    assert Membership.objects.filter(team=world.team_a, user=world.ines).exists()
    anonymous = client_for("anonymous").get("/t/oost/members/leave/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")

import pytest
from django.core import mail

from tests.ladder import Rung, climb, ladder_params
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Invitation, Membership

OUTSIDERS = {"bram": 404, "otto": 404, "chris": 404}
READERS = {"rosa": 200, "rik": 200, "maarten": 200, "pieter": 200, "carla": 200, "olga": 200, "ada": 200}
# On member management: readers who may not act get 403, managers act.
MANAGE_REFUSED = {"rosa": 403, "rik": 403, "maarten": 403, "pieter": 403, "olga": 403}


def _invitation(world, email="nieuw@example.nl"):
    invitation, token = services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email=email,
        role=Membership.Role.MEMBER,
        organisation=world.social_a,
        site_url="http://testserver/",
    )
    world.token = token
    return invitation


def _succeeded(persona, status):
    return persona != "anonymous" and status == 302


def _maarten_in_a(world):
    return Membership.objects.get(team=world.team_a, user=world.maarten)


def _role_changed(world, persona, status):
    changed = _maarten_in_a(world).role == Membership.Role.COORDINATOR
    assert changed == _succeeded(persona, status)


def _still_a_member(world, persona, status):
    assert Membership.objects.filter(team=world.team_a, user=world.maarten).exists()


def _removed(world, persona, status):
    gone = not Membership.objects.filter(team=world.team_a, user=world.maarten).exists()
    assert gone == _succeeded(persona, status)


def _left(world, persona, status):
    """Each leaves their own membership only; Carla, the one coordinator, may not."""
    user = world.persona(persona) if persona != "anonymous" else None
    still = Membership.objects.filter(team=world.team_a, user=user).exists() if user else True
    if persona in ("rosa", "maarten", "ines"):
        assert not still
    elif persona == "carla":
        assert still  # refused: the team needs a coordinator
    assert Membership.objects.filter(team=world.team_a, user=world.pieter).exists()


def _invited(world, persona, status):
    assert Invitation.objects.filter(email="sanne@example.nl").exists() == _succeeded(persona, status)
    assert len(mail.outbox) == (1 if _succeeded(persona, status) else 0)


def _revoked(world, persona, status):
    assert (Invitation.objects.get(email="nieuw@example.nl").revoked_at is not None) == _succeeded(persona, status)


LADDER = [
    Rung(
        "home",
        lambda w: "/",
        {"anonymous": 302, **{p: 200 for p in ["bram", "otto", "rosa", "maarten", "carla", "olga"]}},
    ),
    Rung("team_home", lambda w: "/t/oost/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung("team_members", lambda w: "/t/oost/members/", {"anonymous": 302, **OUTSIDERS, **READERS}),
    Rung(
        "member_invite",
        lambda w: "/t/oost/members/invite/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 200, "ada": 200},
    ),
    Rung(
        "member_invite",
        lambda w: "/t/oost/members/invite/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 302, "ada": 302},
        method="POST",
        data=lambda w: {"email": "sanne@example.nl", "role": "member", "organisation": w.social_a.pk},
        after=_invited,
    ),
    Rung(
        "member_change_role",
        lambda w: f"/t/oost/members/{_maarten_in_a(w).pk}/role/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 302, "ada": 302},
        method="POST",
        data=lambda w: {"role": "coordinator"},
        after=_role_changed,
    ),
    # The question first: a GET changes nothing.
    Rung(
        "member_remove",
        lambda w: f"/t/oost/members/{_maarten_in_a(w).pk}/remove/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 200, "ada": 200},
        after=_still_a_member,
    ),
    Rung(
        "member_remove",
        lambda w: f"/t/oost/members/{_maarten_in_a(w).pk}/remove/",
        {
            "anonymous": 302,
            **OUTSIDERS,
            "rosa": 403,
            "rik": 403,
            "pieter": 403,
            "olga": 403,
            "maarten": 403,
            "carla": 302,
            "ada": 302,
        },
        method="POST",
        after=_removed,
    ),
    # Leaving one's own team: the question, then the leave. Those who are not in the team (the
    # region's people) have nothing to leave: 404. An external party leaves as the others do.
    Rung(
        "member_leave",
        lambda w: "/t/oost/members/leave/",
        {
            "anonymous": 302,
            **OUTSIDERS,
            "rik": 404,
            "olga": 404,
            "ada": 404,
            "rosa": 200,
            "maarten": 200,
            "carla": 200,
            "ines": 200,
        },
        after=_still_a_member,
    ),
    Rung(
        "member_leave",
        lambda w: "/t/oost/members/leave/",
        {
            "anonymous": 302,
            **OUTSIDERS,
            "rik": 404,
            "olga": 404,
            "ada": 404,
            "rosa": 302,
            "maarten": 302,
            "carla": 302,
            "ines": 302,
        },
        method="POST",
        after=_left,
    ),
    # Withdrawing an invitation: the question (it changes nothing), then the withdrawal.
    Rung(
        "invitation_revoke",
        lambda w: f"/t/oost/invitations/{_invitation(w).pk}/revoke/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 200, "ada": 200},
        after=lambda w, persona, status: _revoked(w, "anonymous", status),
    ),
    Rung(
        "invitation_revoke",
        lambda w: f"/t/oost/invitations/{_invitation(w).pk}/revoke/",
        {"anonymous": 302, **OUTSIDERS, **MANAGE_REFUSED, "carla": 302, "ada": 302},
        method="POST",
        after=_revoked,
    ),
    Rung(
        "region_home",
        lambda w: "/r/utrecht/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "chris": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 200,
            "olga": 200,
            "ada": 200,
        },
    ),
    Rung(
        "team_create",
        lambda w: "/r/utrecht/teams/new/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 403,
            "olga": 403,
            "ada": 200,
        },
    ),
    Rung(
        "team_create",
        lambda w: "/r/utrecht/teams/new/",
        {
            "anonymous": 302,
            "bram": 404,
            "otto": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "rik": 403,
            "olga": 403,
            "ada": 302,
        },
        method="POST",
        data=lambda w: {"name": "Utrecht West", "slug": "west", "municipality": "Utrecht", "postcode_areas": "3531"},
    ),
    # The token is the credential: strangers get the sign-up form, other signed-in people a 403.
    Rung(
        "invitation_accept",
        lambda w: f"/invitations/{_invitation(w) and w.token}/",
        {"anonymous": 200, "bram": 403, "otto": 403, "rosa": 403, "maarten": 403, "carla": 403, "olga": 403},
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world):
    climb(rung, persona, world)

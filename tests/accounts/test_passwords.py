"""Password rules: found by an exploratory test, "Noor Nieuw 12" was accepted for Noor Nieuw and
`nurse.nieuw1` for nurse.nieuw@…, and Django's Dutch said "lijkt te veel op de e-mailadres"."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tests.personas import PASSWORD
from wijkverband.accounts.models import User

NOOR = User(email="nurse.nieuw@example.nl", name="Noor Nieuw")


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Noor Nieuw 12", "Het wachtwoord lijkt te veel op je naam."),
        ("nieuwnoor2026", "Het wachtwoord lijkt te veel op je naam."),
        ("nurse.nieuw1", "Het wachtwoord lijkt te veel op je e-mailadres."),
        ("nurse.nieuw@example.nl", "Het wachtwoord lijkt te veel op je e-mailadres."),
    ],
)
def test_a_password_like_ones_own_name_or_address_is_refused_in_plain_dutch(password, says):
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, NOOR)
        assert refused.value.messages == [says]  # read in Dutch (the message is lazy)


def test_a_password_unlike_them_passes():
    validate_password("een-lang-wachtwoord-42", NOOR)


def test_the_password_page_refuses_ones_own_name(world):
    client = Client()
    client.force_login(world.maarten)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "Maarten Lid 2026", "password2": "Maarten Lid 2026"},
    )
    assert response.status_code == 200
    assert "Het wachtwoord lijkt te veel op je naam." in response.content.decode()
    world.maarten.refresh_from_db()
    assert world.maarten.check_password(PASSWORD)


PHYSIO = User(email="physio@voorbeeld.nl", name="Fien de Fysio")


@pytest.mark.parametrize(
    "password",
    [
        "wachtwoord123",
        "Wachtwoord2026!",
        "W@chtw00rd!!",
        "welkom2026!!",
        "Geheim-12345",
        "zomer2026!!",
        "Winter2025",
        "voetbal1234",
        "welkomwelkom",
        "ikhouvanjou1",
        "Wijkverband1",
    ],
)
def test_a_common_dutch_password_is_refused(password):
    """Found by an exploratory test: "wachtwoord123" was accepted; Django's list is English."""
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, NOOR)
        assert refused.value.messages == ["Dit wachtwoord is te algemeen."]  # read in Dutch (the message is lazy)


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("physio-2026-x", "Het wachtwoord lijkt te veel op je e-mailadres."),
        ("mijn-PHYSIO-wachtzin", "Het wachtwoord lijkt te veel op je e-mailadres."),
        ("fien-haar-lange-zin", "Het wachtwoord lijkt te veel op je naam."),
        ("een-fysio-met-een-lange-zin", "Het wachtwoord lijkt te veel op je naam."),
    ],
)
def test_a_password_holding_the_address_or_a_name_part_is_refused(password, says):
    """Found by an exploratory test: "physio-2026-x" passed for physio@…, too long to be alike."""
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, PHYSIO)
        assert refused.value.messages == [says]  # read in Dutch (the message is lazy)


def test_short_name_parts_and_the_domain_may_appear():
    validate_password("de-voorbeeld-zin-42", PHYSIO)  # "de" is short; the domain is not the person's


def test_the_similarity_refusal_says_your_in_english():
    """Found by an exploratory test: "The password is too similar to the name." read as anyone's."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            validate_password("Noor Nieuw 12", NOOR)
        assert refused.value.messages == ["The password is too similar to your name."]
        with pytest.raises(ValidationError) as refused:
            validate_password("nurse.nieuw1", NOOR)
        assert refused.value.messages == ["The password is too similar to your e-mail address."]


def test_the_password_forms_say_not_like_your_name_or_address(world):
    client = Client()
    client.force_login(world.maarten)
    page = client.get("/accounts/password/change/").content.decode()
    assert "Je wachtwoord mag niet lijken op je naam of e-mailadres." in page
    from wijkverband.tenancy import services

    _invitation, token = services.invitation_create(
        actor=world.carla,
        team=world.team_a,
        email="sanne@example.nl",
        role="member",
        organisation=world.social_a,
        site_url="http://testserver/",
    )
    page = Client().get(f"/invitations/{token}/").content.decode()
    assert "geen veelgebruikt wachtwoord en niet lijkend op je naam of e-mailadres." in page

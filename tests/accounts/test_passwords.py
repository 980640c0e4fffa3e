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
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password(password, NOOR)
    assert refused.value.messages == [says]


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

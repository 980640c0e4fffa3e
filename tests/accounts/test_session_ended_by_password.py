"""Found by an exploratory test: after a password change on another device, this device said
"Je sessie is verlopen; meld je opnieuw aan."; the session had not expired."""

from django.test import Client

from tests.accounts.helpers import flashed, signed_in
from tests.personas import PASSWORD


def test_a_password_changed_on_another_device_says_so_here_not_that_the_session_expired(world):
    """Found by an exploratory test: after a password change on another device, this one said
    "Je sessie is verlopen; meld je opnieuw aan." The session did not expire: the password changed."""
    this_device = Client()
    this_device.force_login(world.carla)
    other_device = signed_in(world.carla.email)
    new = "een-nieuw-lang-wachtwoord-77"
    response = other_device.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    page = this_device.get("/t/oost/", follow=True)
    said = flashed(page)
    assert said == ["Je wachtwoord is gewijzigd, daarom ben je hier afgemeld. Meld je aan met je nieuwe wachtwoord."]

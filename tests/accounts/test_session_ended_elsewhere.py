"""Found by a review: a device signed out by "Overal afmelden" on another device, or by the
administrator's reset of the second factor, read "Je sessie is verlopen; meld je opnieuw aan." on
its next page. The session did not expire; the page now says why it ended, as it does for a
password changed elsewhere (test_session_ended_by_password.py).

The reason is kept after the commit (accounts.services.sessions_end): these tests run the
commit's callbacks, as a request outside a test's transaction does."""

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.accounts.helpers import flashed, signed_in

ELSEWHERE = "Op een ander apparaat is “Overal afmelden” gekozen, daarom ben je hier afgemeld. Meld je opnieuw aan."
RESET = (
    "De beheerder heeft je tweestapsverificatie opnieuw ingesteld, daarom ben je hier afgemeld. "
    "Meld je aan en stel je tweestapsverificatie opnieuw in."
)


def test_a_device_signed_out_by_sign_out_everywhere_else_says_so_not_that_the_session_expired(
    world, django_capture_on_commit_callbacks
):
    this_device = Client()
    this_device.force_login(world.carla)
    other_device = signed_in(world.carla.email)
    with django_capture_on_commit_callbacks(execute=True):
        assert other_device.post("/accounts/sign-out-elsewhere/").status_code == 302
    page = this_device.get("/t/oost/", follow=True)
    assert flashed(page) == [ELSEWHERE]
    # Said once: the next page is a visitor's.
    assert flashed(this_device.get("/t/oost/", follow=True)) == []
    # The device that chose it stays signed in and hears nothing of it.
    assert other_device.get("/t/oost/").status_code == 200


def test_a_device_signed_out_by_the_administrators_reset_says_so(world, django_capture_on_commit_callbacks):
    lost_phone = Client()
    lost_phone.force_login(world.maarten)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_second_factor", world.maarten.email)
    page = lost_phone.get("/t/oost/", follow=True)
    assert flashed(page) == [RESET]


def test_the_reason_is_said_in_english_too(world, django_capture_on_commit_callbacks):
    this_device = Client()
    this_device.force_login(world.carla)
    this_device.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.carla.email).post("/accounts/sign-out-elsewhere/")
    assert flashed(this_device.get("/t/oost/", follow=True)) == [
        "“Sign out everywhere else” was chosen on another device, so you were signed out here. Sign in again."
    ]
    lost_phone = Client()
    lost_phone.force_login(world.maarten)
    lost_phone.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_second_factor", world.maarten.email)
    assert flashed(lost_phone.get("/t/oost/", follow=True)) == [
        "The administrator reset your two-factor authentication, so you were signed out here. "
        "Sign in and set up two-factor authentication again."
    ]


def test_a_session_that_expired_still_says_it_expired(world, settings, django_capture_on_commit_callbacks):
    """The reason is kept for the sessions that were ended, not for others of the same person."""
    idle = Client()
    idle.force_login(world.carla)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.carla.email).post("/accounts/sign-out-elsewhere/")  # ends `idle`
    other = Client()
    other.force_login(world.carla)  # signed in after the "Overal afmelden"
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        assert flashed(other.get("/t/oost/", follow=True)) == ["Je sessie is verlopen; meld je opnieuw aan."]

"""Found by a review: a tab whose session was ended elsewhere ("Overal afmelden" on another device,
the administrator's reset of the second factor, a new password) said only "Je bent afgemeld."; the
page it led to said "Je sessie is verlopen". The socket now closes as signed out (4001) with why in
the close's reason, and the thread page says it (threads.js, threads.live.live_strings); an expired
session, a deactivated account and signing out here give no reason."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.realtime.helpers import connect, signed_in_session, sync
from tests.realtime.loop import run
from tests.threads.helpers import topic
from wijkverband.accounts import services as account_services
from wijkverband.accounts.sessions import ENDED_ELSEWHERE
from wijkverband.realtime import codes

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_out_everywhere_else_closes_the_other_sockets_saying_why(world):
    async def scenario():
        here_key, there_key = await sync(signed_in_session, world.carla), await sync(signed_in_session, world.carla)
        here, there = (
            await connect(world.carla, session_key=here_key),
            await connect(world.carla, session_key=there_key),
        )
        await sync(account_services.sessions_end, user=world.carla, reason=ENDED_ELSEWHERE, keep_session_key=here_key)
        closed = await there.until("__closed__")
        assert closed == {"type": "__closed__", "code": codes.SIGNED_OUT, "reason": "signed_out_elsewhere"}
        assert await here.quiet()
        await here.close()

    run(scenario)


def test_a_page_coming_back_after_its_session_was_ended_elsewhere_is_told_why(world):
    """Found by the 49th note: a page whose socket was away when its session was ended (a phone
    asleep while "Overal afmelden" was chosen on the computer) was refused on its way back with a
    bare "signed out", and said only "Je bent afgemeld."; a socket open at the time was told why.
    A session that simply ended (signed out here, expired) still gives no reason."""

    async def scenario():
        phone_key, desk_key = await sync(signed_in_session, world.carla), await sync(signed_in_session, world.carla)
        await sync(account_services.sessions_end, user=world.carla, reason=ENDED_ELSEWHERE, keep_session_key=desk_key)
        back = await connect(world.carla, session_key=phone_key)
        closed = await back.until("__closed__")
        assert closed == {"type": "__closed__", "code": codes.SIGNED_OUT, "reason": "signed_out_elsewhere"}
        desk = await connect(world.carla, session_key=desk_key)  # the session kept is not refused
        assert await desk.quiet()
        await desk.close()
        gone = await connect(world.carla, session_key="nooitbestaandesessie0123456789ab")
        assert await gone.until("__closed__") == {"type": "__closed__", "code": codes.SIGNED_OUT, "reason": ""}

    run(scenario)


def test_the_administrators_reset_closes_the_sockets_saying_why(world):
    async def scenario():
        lost_phone = await connect(world.maarten, session_key=await sync(signed_in_session, world.maarten))
        await sync(call_command, "reset_second_factor", world.maarten.email)
        closed = await lost_phone.until("__closed__")
        assert (closed["code"], closed["reason"]) == (codes.SIGNED_OUT, "second_factor_reset")

    run(scenario)


def test_a_new_password_closes_the_sockets_saying_why_and_a_deactivation_gives_no_reason(world):
    async def scenario():
        tab = await connect(world.maarten, session_key=await sync(signed_in_session, world.maarten))

        def change_password():
            user = type(world.maarten).objects.get(pk=world.maarten.pk)
            user.set_password("een-heel-ander-wachtwoord")
            user.save()

        await sync(change_password)
        closed = await tab.until("__closed__")
        assert (closed["code"], closed["reason"]) == (codes.SIGNED_OUT, "password_changed")

        tab = await connect(world.carla, session_key=await sync(signed_in_session, world.carla))

        def deactivate():
            user = type(world.carla).objects.get(pk=world.carla.pk)
            user.is_active = False
            user.save()

        await sync(deactivate)
        closed = await tab.until("__closed__")
        assert (closed["code"], closed["reason"]) == (codes.SIGNED_OUT, "")

    run(scenario)


def test_the_thread_page_carries_the_words_for_each_reason(world):
    thread = topic(world)
    client = Client()
    client.force_login(world.carla)
    page = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
    strings = json.loads(re.search(r'<script id="thread-strings" type="application/json">(.*?)</script>', page)[1])
    assert strings["signed_out_why"] == {
        "signed_out_elsewhere": "Op een ander apparaat is “Overal afmelden” gekozen, daarom ben je hier afgemeld. "
        "Laad de pagina opnieuw om je weer aan te melden: wat je schreef, staat dan nog klaar.",
        "second_factor_reset": "De beheerder heeft je tweestapsverificatie opnieuw ingesteld, daarom ben je hier "
        "afgemeld. Laad de pagina opnieuw om je weer aan te melden: wat je schreef, staat dan nog klaar.",
        "password_changed": "Je wachtwoord is gewijzigd, daarom ben je hier afgemeld. Laad de pagina opnieuw om je "
        "aan te melden met je nieuwe wachtwoord: wat je schreef, staat dan nog klaar.",
    }

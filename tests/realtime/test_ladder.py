"""Every socket action climbed by every persona (see tests/socket_ladder.py; the HTTP twin is tests/ladder.py).

Who may do what in a thread (DESIGN.md section 2, wijkverband/threads/policy.py):
- members and coordinators read and post everywhere in their team;
- the region's overseers read every thread of the team and post only in escalated threads;
- client representatives (of the team or the region) read only threads opened to representatives,
  never an internal item's thread, and never post;
- everyone else (another team, another region's overseer) gets `not_found`, exactly like a thread
  that does not exist; without a session the handshake itself is refused.

The ladder's threads are added to the committed world once for this module (the sockets' database
threads must see them) and the database is put back after it, as after any transactional test.
A climb only adds rows (messages, events, read markers, notifications, audit rows) and checks the
state it is about relative to what was there before, so the climbs run in any order or alone
(pytest -k).
The bystanders (sofie in team A, wim in team B) watch the threads and write into them; they are
no persona of the ladder.
"""

import pytest
from channels.layers import channel_layers
from django.db import connection
from django_scopes import scopes_disabled

from tests import snapshot
from tests.bottlenecks.helpers import report
from tests.personas import make_user
from tests.socket_ladder import (
    ACK,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    PRESENT,
    PRESENT_READ_ONLY,
    READ,
    REFUSED,
    SUBSCRIBED,
    SUBSCRIBED_READ_ONLY,
    TYPING_SEEN,
    UNSUBSCRIBED,
    LadderLoop,
    SocketRung,
    Sockets,
    SocketWorld,
    climb_socket,
    new_channel_layer,
    signed_in_cookies,
    socket_ladder_params,
)
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.tenancy import services as tenancy_services
from wijkverband.tenancy.models import Membership
from wijkverband.threads import services
from wijkverband.threads.models import SubjectKind, Thread

# --- the threads (functions of the world, as in the HTTP ladder) -------------------------------------


def team_a_topic(sw) -> int:
    """A topic of team A, closed to client representatives."""
    return sw.threads["team_a_topic"].pk


def team_a_open(sw) -> int:
    """A topic of team A opened to client representatives."""
    return sw.threads["team_a_open"].pk


def internal_bottleneck(sw) -> int:
    """An internal bottleneck's thread, even with its flag open to representatives set."""
    return sw.threads["internal_bottleneck"].pk


def escalated_bottleneck(sw) -> int:
    """An escalated bottleneck's thread (overseers post), opened to representatives (they still only read)."""
    return sw.threads["escalated_bottleneck"].pk


def team_b_open(sw) -> int:
    """A topic of team B opened to representatives: the region's representative reads it, A's does not."""
    return sw.threads["team_b_open"].pk


def no_such_thread(sw) -> int:
    return sw.missing_thread_id


# --- who gets what -----------------------------------------------------------------------------------


def on_team_a(*, team: str, olga: str, reps: str) -> dict[str, str]:
    """A team-A thread: members and coordinators (`team`), the region's overseer, its representatives."""
    return {
        "anonymous": REFUSED,
        "carla": team,
        "maarten": team,
        "pieter": team,  # a member of A and B
        "olga": olga,
        "rosa": reps,  # representative of team A
        "rik": reps,  # representative of the region
        "bram": NOT_FOUND,  # team B only
        "otto": NOT_FOUND,  # overseer of another region
        "chris": NOT_FOUND,  # coordinator in another region
        "ines": NOT_FOUND,  # the insurer's account in A: its agreements, never a discussion
    }


def on_team_b(*, team: str, olga: str, rik: str) -> dict[str, str]:
    return {
        "anonymous": REFUSED,
        "bram": team,
        "pieter": team,
        "olga": olga,
        "rik": rik,  # the region's representative: team B is in his region
        "rosa": NOT_FOUND,  # team A's representative: B is not hers
        "carla": NOT_FOUND,
        "maarten": NOT_FOUND,
        "otto": NOT_FOUND,
        "chris": NOT_FOUND,
        "ines": NOT_FOUND,
    }


PERSONAS = ("anonymous", "carla", "maarten", "pieter", "olga", "rosa", "rik", "bram", "otto", "chris", "ines")


def everyone(answer: str) -> dict[str, str]:
    return {name: REFUSED if name == "anonymous" else answer for name in PERSONAS}


S, RO, NF, FB, TY = SUBSCRIBED, SUBSCRIBED_READ_ONLY, NOT_FOUND, FORBIDDEN, TYPING_SEEN
PR, PRO = PRESENT, PRESENT_READ_ONLY
THREADS = (team_a_topic, team_a_open, internal_bottleneck, escalated_bottleneck, team_b_open, no_such_thread)

SOCKET_LADDER = [
    # subscribe: whoever may read is subscribed at the thread's head (read only, as the others see
    # them, unless they may post); nobody else learns that the thread exists.
    SocketRung("subscribe", team_a_topic, on_team_a(team=S, olga=RO, reps=NF)),
    SocketRung("subscribe", team_a_open, on_team_a(team=S, olga=RO, reps=RO)),
    SocketRung("subscribe", internal_bottleneck, on_team_a(team=S, olga=RO, reps=NF)),
    SocketRung("subscribe", escalated_bottleneck, on_team_a(team=S, olga=S, reps=RO)),
    SocketRung("subscribe", team_b_open, on_team_b(team=S, olga=RO, rik=RO)),
    SocketRung("subscribe", no_such_thread, everyone(NF)),
    # post: members and coordinators; overseers only when escalated; representatives never.
    SocketRung("post", team_a_topic, on_team_a(team=ACK, olga=FB, reps=NF)),
    SocketRung("post", team_a_open, on_team_a(team=ACK, olga=FB, reps=FB)),
    SocketRung("post", internal_bottleneck, on_team_a(team=ACK, olga=FB, reps=NF)),
    SocketRung("post", escalated_bottleneck, on_team_a(team=ACK, olga=ACK, reps=FB)),
    SocketRung("post", team_b_open, on_team_b(team=ACK, olga=FB, rik=FB)),
    SocketRung("post", no_such_thread, everyone(NF)),
    # read: the marker moves for whoever may read.
    SocketRung("read", team_a_topic, on_team_a(team=READ, olga=READ, reps=NF)),
    SocketRung("read", team_a_open, on_team_a(team=READ, olga=READ, reps=READ)),
    SocketRung("read", internal_bottleneck, on_team_a(team=READ, olga=READ, reps=NF)),
    SocketRung("read", escalated_bottleneck, on_team_a(team=READ, olga=READ, reps=READ)),
    SocketRung("read", team_b_open, on_team_b(team=READ, olga=READ, rik=READ)),
    SocketRung("read", no_such_thread, everyone(NF)),
    # typing, subscribed first: reaches the others for whoever may post; read only is forbidden.
    SocketRung("typing", team_a_topic, on_team_a(team=TY, olga=FB, reps=NF), subscribed_first=True),
    SocketRung("typing", team_a_open, on_team_a(team=TY, olga=FB, reps=FB), subscribed_first=True),
    SocketRung("typing", internal_bottleneck, on_team_a(team=TY, olga=FB, reps=NF), subscribed_first=True),
    SocketRung("typing", escalated_bottleneck, on_team_a(team=TY, olga=TY, reps=FB), subscribed_first=True),
    SocketRung("typing", team_b_open, on_team_b(team=TY, olga=FB, rik=FB), subscribed_first=True),
    SocketRung("typing", no_such_thread, everyone(NF), subscribed_first=True),
    # typing without subscribing: "subscribe first" only to those who could type, revealing nothing.
    SocketRung("typing", team_a_open, on_team_a(team=INVALID, olga=FB, reps=FB)),
    # presence (a page in view again), subscribed first: whoever may read is shown, as on subscribe.
    SocketRung("presence", team_a_topic, on_team_a(team=PR, olga=PRO, reps=NF), subscribed_first=True),
    SocketRung("presence", team_a_open, on_team_a(team=PR, olga=PRO, reps=PRO), subscribed_first=True),
    SocketRung("presence", internal_bottleneck, on_team_a(team=PR, olga=PRO, reps=NF), subscribed_first=True),
    SocketRung("presence", escalated_bottleneck, on_team_a(team=PR, olga=PR, reps=PRO), subscribed_first=True),
    SocketRung("presence", team_b_open, on_team_b(team=PR, olga=PRO, rik=PRO), subscribed_first=True),
    SocketRung("presence", no_such_thread, everyone(NF), subscribed_first=True),
    # presence without subscribing: "subscribe first" only to those who may read, revealing nothing.
    SocketRung("presence", team_a_topic, on_team_a(team=INVALID, olga=INVALID, reps=NF)),
    # unsubscribe: always answered (it reveals nothing), and nothing streams after it.
    *(SocketRung("unsubscribe", thread, everyone(UNSUBSCRIBED), subscribed_first=True) for thread in THREADS),
]


# --- the world, once for the module ----------------------------------------------------------------


def _build(loop: LadderLoop) -> SocketWorld:
    world = snapshot.world_copy()
    bystander_b = make_user("wim", "Wim Zuid")
    tenancy_services.membership_create(
        actor=None, team=world.team_b, user=bystander_b, role=Membership.Role.MEMBER, organisation=world.nursing_b
    )
    threads = {
        "team_a_topic": services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen"),
        "team_a_open": services.thread_create(
            actor=world.carla, team=world.team_a, title="Open", open_to_representatives=True
        ),
        "team_b_open": services.thread_create(
            actor=world.bram, team=world.team_b, title="Zuid", open_to_representatives=True
        ),
    }
    internal = report(world, title="Zorg rond één cliënt", internal=True, internal_reason="Gaat over één cliënt")
    threads["internal_bottleneck"] = _subject_thread(internal)
    # The service refuses to open an internal item's thread; an old row may still carry the flag,
    # and the policy must keep representatives out whatever it says.
    Thread.objects.filter(pk=threads["internal_bottleneck"].pk).update(open_to_representatives=True)
    escalated = report(world, title="Wachttijd wijkverpleging")
    escalated = bottleneck_services.bottleneck_escalate(
        actor=world.maarten, bottleneck=escalated, version=escalated.version, reason="De regio moet meekijken"
    )
    threads["escalated_bottleneck"] = services.thread_set_open_to_representatives(
        actor=world.carla, thread=_subject_thread(escalated), open_to_representatives=True
    )
    threads = {name: Thread.objects.get(pk=thread.pk) for name, thread in threads.items()}
    assert threads["escalated_bottleneck"].escalated and threads["internal_bottleneck"].internal
    assert threads["internal_bottleneck"].open_to_representatives
    bystanders = {world.team_a.pk: world.sofie, world.team_b.pk: bystander_b}
    people = [world.persona(name) for name in PERSONAS if name != "anonymous"] + list(bystanders.values())
    return SocketWorld(
        world=world,
        threads=threads,
        missing_thread_id=max(t.pk for t in threads.values()) + 1000,
        bystanders=bystanders,
        loop=loop,
        sockets=Sockets(signed_in_cookies(people)),
        layer=new_channel_layer(),
    )


def _subject_thread(bottleneck) -> Thread:
    return Thread.objects.get(team=bottleneck.team, subject_kind=SubjectKind.BOTTLENECK, subject_id=bottleneck.pk)


@pytest.fixture(scope="module")
def socket_world(django_db_setup, django_db_blocker):
    """The world plus the ladder's threads, committed once for the module (the sockets' database
    threads must see them), with one event loop whose sockets stay open from test to test;
    afterwards the database is put back as after any transactional test."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "the socket ladder commits its world: no test transaction may be open"
        loop = None
        try:
            with scopes_disabled():  # test code builds the world unscoped (tests/conftest.py)
                sw = _build(loop := LadderLoop())
            yield sw
            sw.loop.run(sw.sockets.close_all)
        finally:
            if loop is not None:
                loop.close()
            channel_layers.backends.clear()
            # As after any transactional test: the world and nothing else (tests/snapshot.py).
            snapshot.restore_world()


@pytest.fixture
def transactional_db(socket_world):
    """pytest-django's fixture, overridden for this module: its tests commit, like transactional
    tests (pytest-django sets up the test database for them and runs them with the transactional
    ones), but share the module's world instead of emptying the database after each one."""
    return socket_world


@pytest.mark.usefixtures("transactional_db")
@pytest.mark.parametrize(("rung", "persona"), socket_ladder_params(SOCKET_LADDER))
def test_socket_ladder(rung, persona, socket_world):
    climb_socket(rung, persona, socket_world)

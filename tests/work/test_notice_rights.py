"""A notice stays only while its person may read its item. Leaving the team took a person's notices of
it away (test_leaving); a change of role or of region role that takes rights away takes away the
notices of what they may no longer read: from their notices page, the header's count (on open pages
too) and their next digest, where each named an item that is a 404 to them now."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from tests.bottlenecks.helpers import report
from tests.personas import make_user
from tests.threads.helpers import post, topic
from tests.work.conftest import amsterdam
from wijkverband.agreements import services as agreements
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.realtime import publish
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership, RegionRole
from wijkverband.work.models import Notice
from wijkverband.work.services import notice_preferences_set
from wijkverband.work.services.digests import digests_send_due


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def header_count(client) -> int:
    """The unread count in every page's header (0: the count is hidden)."""
    page = client.get("/notifications/").content.decode()
    found = re.search(r"data-unread-notifications(?: hidden)?><span data-count>(\d+)</span>", page)
    return int(found.group(1))


def listed(client) -> str:
    return client.get("/notifications/").content.decode()


def digest_of(email: str) -> str:
    digests_send_due()
    [digest] = [m for m in mail.outbox if m.to == [email] and "Wat sinds" in m.body]
    return digest.body


@pytest.fixture
def pushed(monkeypatch):
    """The live frames pushed to people's open pages: {user id: [frame, ...]}."""
    frames: dict[int, list[dict]] = {}
    monkeypatch.setattr(
        publish, "user_push", lambda *, user_id, frame: frames.setdefault(user_id, []).append(json.loads(frame))
    )
    return frames


def _resolved_for_reporter(world, *, reporter, title, internal=False, team=None):
    """`reporter` reports an item, its team's coordinator resolves it: the reporter's notice."""
    team = team or world.team_a
    fields = {"internal": True, "internal_reason": "Contract"} if internal else {}
    b = report(world, actor=reporter, team=team, title=title, **fields)
    coordinator = world.carla if team == world.team_a else reporter
    committed(
        bottlenecks.bottleneck_resolve, actor=coordinator, bottleneck=b, version=b.version, summary="Afgesproken."
    )
    return b


def _activity(world, *, owner, title, open_to_representatives):
    """`owner` starts a thread, Carla writes in it: the owner's "new activity" notice."""
    thread = topic(world, title=title, open_to_representatives=open_to_representatives, actor=owner)
    post(thread, world.carla, "Ik kijk er morgen naar.")
    return thread


def _membership(world, user):
    return Membership.objects.get(team=world.team_a, user=user)


def _change_role(world, user, role):
    return committed(tenancy.membership_change_role, actor=world.carla, membership=_membership(world, user), role=role)


# --- a member becomes a client representative -------------------------------------------------------


def test_a_member_made_client_representative_no_longer_has_notices_of_internal_items(world, client_for, clock, pushed):
    clock.to(amsterdam(2027, 9, 7, 15, 0))  # Tuesday afternoon
    internal = _resolved_for_reporter(world, reporter=world.maarten, title="Contract thuiszorg herzien", internal=True)
    closed = _activity(world, owner=world.maarten, title="Formatie en roosters", open_to_representatives=False)
    _activity(world, owner=world.maarten, title="Buurtcafé op dinsdag", open_to_representatives=True)
    client = client_for("maarten")
    assert header_count(client) == 3

    _change_role(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE)

    page = listed(client)
    assert "Buurtcafé op dinsdag" in page
    assert "Contract thuiszorg herzien" not in page and "Formatie en roosters" not in page
    assert header_count(client) == 1
    # His open pages heard the new count when the change committed, as a leaver's do.
    assert pushed[world.maarten.pk][-1] == {"type": "notifications", "unread": 1}
    # Where those notices linked is a 404 to him now: nothing there was his to hear of.
    assert client.get(f"/t/oost/bottlenecks/{internal.pk}/").status_code == 404
    assert client.get(f"/t/oost/threads/{closed.pk}/").status_code == 404
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    digest = digest_of("maarten@example.nl")
    assert "Buurtcafé op dinsdag" in digest
    assert "Contract thuiszorg herzien" not in digest and "Formatie en roosters" not in digest


def test_a_member_made_client_representative_is_no_longer_asked_to_confirm_a_message(world, client_for):
    """Found by a walk of what waits on people: a representative may read a thread opened to them
    but not post or confirm in it, and Mijn werk no longer listed the confirmation; its notice stayed
    unread, counted in the header and named in the digest, asking what they can no longer do. It is
    read (not taken away): the thread is still theirs to read, and the message still asks."""
    thread = topic(world, title="Buurtcafé op dinsdag", open_to_representatives=True)
    post(thread, world.carla, "Graag bevestigen: we beginnen om tien uur.", asks_ack=True)
    client = client_for("maarten")
    assert header_count(client) == 1

    _change_role(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE)

    assert header_count(client) == 0
    assert "Buurtcafé op dinsdag" in listed(client)
    assert "Er wordt nu niets van je gevraagd." in client.get("/my-work/").content.decode()


def test_a_coordinator_made_member_keeps_every_notice(world, client_for):
    """Less than before, but still a professional: every item is still theirs to read."""
    tenancy.membership_change_role(actor=world.carla, membership=_membership(world, world.sofie), role="coordinator")
    _resolved_for_reporter(world, reporter=world.sofie, title="Contract thuiszorg herzien", internal=True)
    _activity(world, owner=world.sofie, title="Formatie en roosters", open_to_representatives=False)

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    page = listed(client_for("sofie"))
    assert "Contract thuiszorg herzien" in page and "Formatie en roosters" in page


# --- a member becomes an external party --------------------------------------------------------------


def test_a_member_made_external_party_keeps_only_notices_of_the_agreements_it_is_party_to(world):
    """Ivo acts for the insurer, which takes part in the team and is an external party to its agreement
    on medication. Made an external party, he reads that agreement and nothing else of the team."""
    from tests.work.test_event_notices import _signed_in

    tenancy.organisation_add(actor=world.carla, team=world.team_a, name=world.insurer.name, kind=world.insurer.kind)
    ivo = make_user("ivo", "Ivo Verzekeraar")
    tenancy.membership_create(
        actor=world.carla, team=world.team_a, user=ivo, role=Membership.Role.MEMBER, organisation=world.insurer
    )
    review = timezone.localdate() + timedelta(90)
    medication = agreements.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={"title": "Medicatieoverdracht", "body": "Tekst", "owner": world.carla, "review_date": review},
    )
    agreements.party_add_organisation(actor=world.carla, agreement=medication, organisation=world.gp_a)
    committed(
        agreements.party_add_external,
        actor=world.carla,
        agreement=medication,
        kind="insurer",
        name=world.insurer.name,
    )
    committed(agreements.agreement_propose, actor=world.carla, agreement=medication)
    wound_care = agreements.agreement_create(
        actor=ivo,
        team=world.team_a,
        data={"title": "Wondzorg thuis", "body": "Tekst", "owner": ivo, "review_date": review},
    )
    agreements.party_add_organisation(actor=ivo, agreement=wound_care, organisation=world.nursing_a)
    committed(agreements.agreement_propose, actor=ivo, agreement=wound_care)
    committed(
        agreements.endorsement_record, actor=world.maarten, agreement=wound_care, version_number=1, decision="endorsed"
    )
    _resolved_for_reporter(world, reporter=ivo, title="Hulpmiddelen komen te laat")
    client = _signed_in(ivo)
    page = listed(client)
    assert "Medicatieoverdracht" in page and "Wondzorg thuis" in page and "Hulpmiddelen komen te laat" in page

    _change_role(world, ivo, Membership.Role.EXTERNAL_PARTY)

    page = listed(client)
    assert "Medicatieoverdracht" in page
    assert "Wondzorg thuis" not in page and "Hulpmiddelen komen te laat" not in page
    assert client.get(f"/t/oost/agreements/{wound_care.pk}/").status_code == 404
    assert client.get(f"/t/oost/agreements/{medication.pk}/").status_code == 200


# --- a region role ends or narrows -----------------------------------------------------------------


def _escalated(world, *, actor, team, title, internal=False):
    fields = {"internal": True, "internal_reason": "Contract"} if internal else {}
    b = report(world, actor=actor, team=team, title=title, **fields)
    return committed(bottlenecks.bottleneck_escalate, actor=actor, bottleneck=b, version=b.version, reason="Regio")


def _olga_with_escalations(world):
    """Olga oversees the region and is a client representative of team B too; she hears of escalations
    in the digest. Escalated: an item of A, an internal and a visible one of B."""
    tenancy.membership_create(
        actor=None, team=world.team_b, user=world.olga, role=Membership.Role.CLIENT_REPRESENTATIVE, organisation=None
    )
    notice_preferences_set(actor=world.olga, email_escalations=False)
    _escalated(world, actor=world.maarten, team=world.team_a, title="Wachtlijst wijkverpleging Oost")
    _escalated(world, actor=world.bram, team=world.team_b, title="Contract nachtzorg Zuid", internal=True)
    _escalated(world, actor=world.bram, team=world.team_b, title="Huisartsenpost Zuid overvol")


def test_an_overseer_whose_region_role_ends_keeps_only_what_her_membership_lets_her_read(
    world, client_for, clock, pushed
):
    clock.to(amsterdam(2027, 9, 7, 15, 0))
    _olga_with_escalations(world)
    client = client_for("olga")
    assert header_count(client) == 3

    region_role = RegionRole.objects.get(region=world.region, user=world.olga)
    committed(tenancy.region_role_remove, actor=world.ada, region_role=region_role)

    page = listed(client)
    assert "Huisartsenpost Zuid overvol" in page
    assert "Wachtlijst wijkverpleging Oost" not in page and "Contract nachtzorg Zuid" not in page
    assert header_count(client) == 1
    assert pushed[world.olga.pk][-1] == {"type": "notifications", "unread": 1}
    clock.to(amsterdam(2027, 9, 8, 7, 30))
    digest = digest_of("olga@example.nl")
    assert "Huisartsenpost Zuid overvol" in digest
    assert "Wachtlijst wijkverpleging Oost" not in digest and "Contract nachtzorg Zuid" not in digest


def test_an_overseer_made_the_regions_client_representative_keeps_notices_of_visible_items_only(world, client_for):
    _olga_with_escalations(world)

    committed(
        tenancy.region_role_assign,
        actor=world.ada,
        region=world.region,
        user=world.olga,
        role=RegionRole.Role.CLIENT_REPRESENTATIVE,
    )

    page = listed(client_for("olga"))
    assert "Wachtlijst wijkverpleging Oost" in page and "Huisartsenpost Zuid overvol" in page
    assert "Contract nachtzorg Zuid" not in page
    assert Notice.objects.filter(user=world.olga).count() == 2


# --- an item becomes internal ----------------------------------------------------------------------


def test_a_representative_mentioned_in_a_thread_since_closed_to_representatives_loses_the_notice(
    world, client_for, pushed
):
    from wijkverband.threads import services as threads

    thread = topic(world, title="Buurtcafé op dinsdag", open_to_representatives=True)
    post(thread, world.carla, "@rosa @maarten willen jullie meedenken?")
    rosa = client_for("rosa")
    assert "Buurtcafé op dinsdag" in listed(rosa)

    committed(
        threads.thread_set_open_to_representatives, actor=world.carla, thread=thread, open_to_representatives=False
    )

    assert "Buurtcafé op dinsdag" not in listed(rosa) and header_count(rosa) == 0
    assert pushed[world.rosa.pk][-1] == {"type": "notifications", "unread": 0}
    assert rosa.get(f"/t/oost/threads/{thread.pk}/").status_code == 404
    # Maarten reads it still; made client representative, he reads it no more.
    assert "Buurtcafé op dinsdag" in listed(client_for("maarten"))
    _change_role(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE)
    assert "Buurtcafé op dinsdag" not in listed(client_for("maarten"))


def test_a_member_asked_to_own_an_item_since_marked_internal_loses_the_notice_when_made_representative(
    world, client_for
):
    b = report(world, title="Wachtlijst wijkverpleging Oost")
    b = committed(
        bottlenecks.bottleneck_ask_owner, actor=world.carla, bottleneck=b, version=b.version, candidate=world.pieter
    )
    committed(
        bottlenecks.bottleneck_set_internal,
        actor=world.carla,
        bottleneck=b,
        version=b.version,
        internal=True,
        reason="Contract",
    )
    assert "Wachtlijst wijkverpleging Oost" in listed(client_for("pieter"))

    _change_role(world, world.pieter, Membership.Role.CLIENT_REPRESENTATIVE)

    assert "Wachtlijst wijkverpleging Oost" not in listed(client_for("pieter"))


def test_notices_of_an_item_made_visible_again_stay_with_a_member_made_representative(world, client_for):
    b = report(world, title="Contract thuiszorg herzien", internal=True, internal_reason="Contract")
    b = committed(
        bottlenecks.bottleneck_ask_owner, actor=world.carla, bottleneck=b, version=b.version, candidate=world.pieter
    )
    committed(
        bottlenecks.bottleneck_set_internal,
        actor=world.carla,
        bottleneck=b,
        version=b.version,
        internal=False,
        reason="",
    )

    _change_role(world, world.pieter, Membership.Role.CLIENT_REPRESENTATIVE)

    assert "Contract thuiszorg herzien" in listed(client_for("pieter"))


# --- a coordinator becomes a member ------------------------------------------------------------------


def _waiting_agreement(world, *, owner, title, review):
    """An agreement proposed to district nursing (Maarten), its review date `review`."""
    agreement = agreements.agreement_create(
        actor=owner, team=world.team_a, data={"title": title, "body": "Tekst", "owner": owner, "review_date": review}
    )
    agreements.party_add_organisation(actor=owner, agreement=agreement, organisation=world.nursing_a)
    committed(agreements.agreement_propose, actor=owner, agreement=agreement)
    return agreement


def test_a_coordinator_made_member_no_longer_has_what_asks_the_coordinators_to_act(world, client_for, clock):
    """Sofie and Carla coordinate. An agreement Carla owns still waits on district nursing after two
    reminders, and its review date is near: both coordinators heard of it. Made member, Sofie no
    longer acts for the coordinators: those notices go from her page; Carla keeps hers. The review
    date of the agreement Sofie owns is still hers to hear of."""
    from tests.work.test_reminders import day, run

    clock.to(day(0))
    tenancy.membership_change_role(actor=world.carla, membership=_membership(world, world.sofie), role="coordinator")
    review = day(30).date()
    _waiting_agreement(world, owner=world.carla, title="Medicatieoverdracht", review=review)
    _waiting_agreement(world, owner=world.sofie, title="Wondzorg thuis", review=review)
    run(clock, day(5))
    run(clock, day(10))  # the second reminder; the review date 28 days ahead
    sofie = client_for("sofie")
    before = listed(sofie)
    assert "Medicatieoverdracht" in before and "wacht na twee herinneringen nog steeds op" in before

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    page = listed(sofie)
    assert "Medicatieoverdracht" not in page
    assert "wacht na twee herinneringen nog steeds op" not in page
    # As owner she still reviews her own agreement.
    assert "Wondzorg thuis" in page
    assert page.count("Evaluatiedatum binnen 30 dagen") == 1
    assert before.count("Evaluatiedatum binnen 30 dagen") == 2
    # The other coordinator keeps hers: each coordinator has their own.
    carla = listed(client_for("carla"))
    assert "Medicatieoverdracht" in carla and "Wondzorg thuis" in carla
    still = "wacht na twee herinneringen nog steeds op"
    assert carla.count(still) == before.count(still)
    # The next run of the hourly job does not tell her again.
    run(clock, day(11))
    assert "Medicatieoverdracht" not in listed(sofie)


def test_a_coordinator_made_member_no_longer_hears_of_unowned_bottlenecks_or_signals(world, client_for, clock):
    """As coordinator Sofie heard that a bottleneck nobody owns is past its acceptance target, and
    that Rosa filed a signal (the coordinators triage it). Made member, she does neither: those go.
    That the bottleneck she owns is past its target is still hers; Carla keeps what she was told."""
    from tests.signals.conftest import file_signal
    from tests.work.test_reminders import day, run
    from wijkverband.bottlenecks.models import Bottleneck, Impact

    clock.to(day(0))
    tenancy.membership_change_role(actor=world.carla, membership=_membership(world, world.sofie), role="coordinator")
    report(world, impact=Impact.CRITICAL, title="Wachtlijst wijkverpleging")
    hers = report(world, impact=Impact.CRITICAL, title="Overdracht na ontslag")
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=hers, version=hers.version, candidate=world.sofie)
    hers = Bottleneck.objects.get(pk=hers.pk)
    bottlenecks.bottleneck_accept(actor=world.sofie, bottleneck=hers, version=hers.version)
    run(clock, day(11))  # the one unowned past accepting, hers past resolving
    committed(file_signal, world=world)
    sofie = client_for("sofie")
    before = listed(sofie)
    assert "Wachtlijst wijkverpleging" in before and "Heeft een signaal gemeld" in before

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    page = listed(sofie)
    assert "Wachtlijst wijkverpleging" not in page
    assert "Heeft een signaal gemeld" not in page
    assert "Overdracht na ontslag" in page and "Te laat" in page
    carla = listed(client_for("carla"))
    assert "Wachtlijst wijkverpleging" in carla and "Heeft een signaal gemeld" in carla


def _coordinating_sofie(world):
    tenancy.membership_change_role(actor=world.carla, membership=_membership(world, world.sofie), role="coordinator")


def test_a_coordinator_made_member_no_longer_has_the_leaving_notice_of_bottlenecks_that_need_an_owner(
    world, client_for
):
    """Pieter left owning a bottleneck: both coordinators heard it needs a new owner (to find one).
    Made member, Sofie finds no owners: that notice goes from her page and her count; Carla keeps hers."""
    _coordinating_sofie(world)
    b = report(world, title="Wachtlijst wijkverpleging")
    bottlenecks.bottleneck_ask_owner(actor=world.pieter, bottleneck=b, version=b.version, candidate=world.pieter)
    committed(tenancy.membership_remove, actor=world.pieter, membership=_membership(world, world.pieter))
    sofie = client_for("sofie")
    need_owner = "1 open knelpunt heeft een nieuwe eigenaar nodig"
    assert need_owner in listed(sofie)
    count = header_count(sofie)

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    assert need_owner not in listed(sofie)
    assert header_count(sofie) == count - 1
    assert need_owner in listed(client_for("carla"))


def _answered_without_owner_or_reporter(world, *, title):
    """Maarten reported, Pieter owned, Maarten escalated; both left; the region took it up: with
    neither the owner nor the reporter in the team, its coordinators hear the answer."""
    b = report(world, title=title)
    b = bottlenecks.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    b = bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    b = bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Speelt overal")
    for user in (world.pieter, world.maarten):
        committed(tenancy.membership_remove, actor=world.carla, membership=_membership(world, user))
    b.refresh_from_db()
    committed(bottlenecks.bottleneck_region_take_up, actor=world.olga, bottleneck=b, version=b.version, note="")
    return b


def test_a_coordinator_made_member_no_longer_has_the_regions_answer_told_to_the_coordinators(world, client_for):
    """The region took up a bottleneck whose owner and reporter had left: Sofie and Carla heard it as
    its coordinators. Made member, Sofie no longer does: it goes. The answer to the one she reported
    herself is still hers, and Carla keeps what she was told."""
    _coordinating_sofie(world)
    theirs = _answered_without_owner_or_reporter(world, title="Wachtlijst wijkverpleging")
    hers = report(world, actor=world.sofie, title="Overdracht na ontslag")
    hers = bottlenecks.bottleneck_escalate(actor=world.sofie, bottleneck=hers, version=hers.version, reason="Overal")
    committed(bottlenecks.bottleneck_region_respond, actor=world.olga, bottleneck=hers, version=hers.version, note="Ja")
    sofie = client_for("sofie")
    before = listed(sofie)
    assert theirs.title in before and "De regio heeft het regionaal opgepakt" in before
    assert hers.title in before
    count = header_count(sofie)

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    page = listed(sofie)
    assert theirs.title not in page and "De regio heeft het regionaal opgepakt" not in page
    assert hers.title in page and "De regio heeft gereageerd" in page
    # Pieter's leaving told her too that his item needs a new owner: that goes with it.
    assert header_count(sofie) == count - 2
    carla = listed(client_for("carla"))
    assert theirs.title in carla and "De regio heeft het regionaal opgepakt" in carla


# --- a member who owns an agreement becomes a client representative --------------------------------


def test_a_member_made_client_representative_no_longer_has_the_review_notice_of_the_agreement_they_owned(
    world, client_for, clock
):
    """Pieter owned an agreement whose review date is near, and heard of it as its owner. Made client
    representative he owns nothing (it passes to Carla): the review notice goes at once, not at the
    next run of the hourly job. Carla, who owns it now, keeps hers."""
    from tests.work.test_reminders import day, run

    clock.to(day(0))
    _waiting_agreement(world, owner=world.pieter, title="Wondzorg thuis", review=day(20).date())
    run(clock, day(1))
    pieter = client_for("pieter")
    assert "Wondzorg thuis" in listed(pieter) and "Evaluatiedatum binnen 30 dagen" in listed(pieter)
    count = header_count(pieter)

    _change_role(world, world.pieter, Membership.Role.CLIENT_REPRESENTATIVE)

    page = listed(pieter)
    assert "Wondzorg thuis" not in page and "Evaluatiedatum binnen 30 dagen" not in page
    assert header_count(pieter) == count - 1
    assert "Evaluatiedatum binnen 30 dagen" in listed(client_for("carla"))

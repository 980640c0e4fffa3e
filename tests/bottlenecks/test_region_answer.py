"""The overseer's answer to an escalation returns to the team's item and its owner."""

from tests.bottlenecks.helpers import fresh, report
from wijkverband.bottlenecks import services
from wijkverband.work.models import Notice, NoticeKind


def _owned_and_escalated(world):
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    b = services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    return services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Speelt overal")


def _answer_box(html: str) -> str:
    start = html.index('id="region-answer-heading"')
    return html[start : html.index("</section>", start)]


def test_the_overseers_response_shows_on_top_of_the_teams_item(world, client_for, clock):
    b = _owned_and_escalated(world)
    page = client_for("pieter").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode()
    assert 'id="region-answer-heading"' not in page  # no answer yet

    response = client_for("olga").post(
        f"/r/utrecht/bottlenecks/{b.pk}/do/respond/",
        {"respond-version": b.version, "respond-note": "Staat op de agenda van het regio-overleg"},
    )
    assert response.status_code == 302
    for persona in ("pieter", "maarten", "carla", "rosa", "olga"):
        box = _answer_box(client_for(persona).get(f"/t/oost/bottlenecks/{b.pk}/").content.decode())
        assert "Staat op de agenda van het regio-overleg" in box
        assert "Olga" in box


def test_the_owner_is_told_and_the_notice_leads_to_the_item(world, clock):
    b = _owned_and_escalated(world)
    services.bottleneck_region_respond(actor=world.olga, bottleneck=b, version=b.version, note="We bellen je")
    notice = Notice.objects.get(user=world.pieter, kind=NoticeKind.REGION_RESPONDED)
    assert notice.path == f"/t/oost/bottlenecks/{b.pk}/"
    # The notice names the item, never the answer's text.
    assert "We bellen" not in notice.title


def test_handing_back_shows_the_advice_and_a_new_escalation_starts_without_old_answers(world, client_for, clock):
    b = _owned_and_escalated(world)
    b = services.bottleneck_region_hand_back(
        actor=world.olga, bottleneck=b, version=b.version, advice="Pak het zelf op"
    )
    assert "Pak het zelf op" in _answer_box(client_for("pieter").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode())
    clock.shift(3600)
    b = fresh(b)
    services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Toch weer")
    page = client_for("pieter").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode()
    assert 'id="region-answer-heading"' not in page


def test_taking_it_up_is_told_as_taking_it_up_not_as_a_response(world, client_for, clock):
    """Found by an exploratory test: the owner heard "De regio heeft gereageerd" when the region
    took the item up (take-up used the notice of a response)."""
    from django.utils import translation

    from wijkverband.work.services.mail import notice_line

    b = _owned_and_escalated(world)
    services.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=b.version, note="")
    notice = Notice.objects.get(user=world.pieter, subject_id=b.pk, kind=NoticeKind.REGION_TOOK_UP)
    assert not Notice.objects.filter(subject_id=b.pk, kind=NoticeKind.REGION_RESPONDED).exists()
    pieter = client_for("pieter")
    pieter.cookies["django_language"] = "nl"
    page = pieter.get("/notifications/").content.decode()
    assert "De regio heeft het regionaal opgepakt" in page and "De regio heeft gereageerd" not in page
    with translation.override("nl"):  # the line of the mail and the digest
        assert "De regio heeft het regionaal opgepakt" in notice_line(notice)


def _leave(world, user):
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership
    from wijkverband.tenancy.policy import policy_forget

    membership = Membership.objects.get(team=world.team_a, user=user)
    tenancy_services.membership_remove(actor=world.carla, membership=membership)
    policy_forget(user)


def test_whoever_escalated_hears_the_regions_answer(world, clock):
    """Found by an exploratory test: a coordinator who escalated an item of someone else's waited for
    it in Mijn werk ("Wachten op anderen"); the answer took it away from there without a word."""
    b = report(world)
    b = services.bottleneck_ask_owner(actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter)
    b = services.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    b = services.bottleneck_escalate(actor=world.carla, bottleneck=b, version=b.version, reason="Speelt overal")
    services.bottleneck_region_respond(actor=world.olga, bottleneck=b, version=b.version, note="We bellen je")
    told = set(Notice.objects.filter(subject_id=b.pk, kind=NoticeKind.REGION_RESPONDED).values_list("user", flat=True))
    assert told == {world.carla.pk, world.pieter.pk, world.maarten.pk}


def test_when_owner_and_reporter_left_the_teams_coordinators_hear_the_answer(world, clock):
    b = _owned_and_escalated(world)  # reported and escalated by maarten, owned by pieter
    _leave(world, world.pieter)
    _leave(world, world.maarten)
    b = fresh(b)
    services.bottleneck_region_take_up(actor=world.olga, bottleneck=b, version=b.version, note="")
    told = set(Notice.objects.filter(subject_id=b.pk, kind=NoticeKind.REGION_TOOK_UP).values_list("user", flat=True))
    assert told == {world.carla.pk}


def test_while_the_reporter_is_in_the_team_the_coordinators_are_not_told(world, clock):
    b = _owned_and_escalated(world)
    _leave(world, world.pieter)  # the owner left; the reporter (maarten) is still there
    b = fresh(b)
    services.bottleneck_region_respond(actor=world.olga, bottleneck=b, version=b.version, note="Komt op de agenda")
    told = set(Notice.objects.filter(subject_id=b.pk, kind=NoticeKind.REGION_RESPONDED).values_list("user", flat=True))
    assert told == {world.maarten.pk}


def test_handed_back_without_an_owner_it_is_reported_again(world, clock):
    """Found by an exploratory test: the owner of an escalated item left; handed back it read
    "Opgepakt" without an owner and offered "Aan de slag"."""
    from wijkverband.bottlenecks.models import Status

    b = _owned_and_escalated(world)  # picked up by pieter before the escalation
    _leave(world, world.pieter)
    b = fresh(b)
    assert b.owner_id is None and b.status_before_escalation == Status.PICKED_UP
    b = services.bottleneck_region_hand_back(actor=world.olga, bottleneck=b, version=b.version, advice="Zelf oppakken")
    b = fresh(b)
    assert (b.status, b.owner_id) == (Status.REPORTED, None)

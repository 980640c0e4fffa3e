"""Someone leaves a team, or a coordinator removes them: what they held is let go, and the people
who now have to act on it are told at once (docs/tenancy.md, "Leaving a team")."""

import re

from django.test import TestCase

from tests.bottlenecks.helpers import fresh, report
from wijkverband.bottlenecks import notices as bottleneck_notices
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.mywork.selectors import my_work
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership
from wijkverband.work.models import Notice, NoticeKind


def _notices(user, kind=None):
    rows = Notice.objects.filter(user=user)
    return rows.filter(kind=kind) if kind else rows


def _sentences(client) -> list[str]:
    page = client.get("/notifications/").content.decode()
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'<a class="utrecht-link" href="[^"]*"[^>]*>([^<]*)</a>', page)
    ]


def _own(world, title, owner):
    b = report(world, title=title)
    return bottlenecks.bottleneck_ask_owner(actor=owner, bottleneck=b, version=b.version, candidate=owner)


def test_the_coordinators_are_told_once_how_many_bottlenecks_need_an_owner_and_see_them_at_once(world, client_for):
    """Found by an exploratory test: the leave question promised "de coördinatoren zoeken een
    nieuwe", but nobody was told, and a coordinator's Mijn werk showed the items under "Nog zonder
    eigenaar" only days later, once past their acceptance target."""
    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    services.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    first, second = _own(world, "Eerste van Pieter", world.pieter), _own(world, "Tweede van Pieter", world.pieter)
    asked = report(world, title="Gevraagd aan Pieter")
    # Anyone may ask for an owner while there is none: Maarten, a member, asked Pieter.
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=asked, version=asked.version, candidate=world.pieter
    )
    before = {name: _notices(world.persona(name)).count() for name in ("carla", "sofie", "maarten")}

    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")

    for item in (first, second, asked):
        b = fresh(item)
        assert b.owner_id is None and b.owner_candidate_id is None
    # One notice per coordinator for all three, whatever the number of items.
    for name in ("carla", "sofie"):
        assert _notices(world.persona(name)).count() == before[name] + 1
        notice = _notices(world.persona(name), NoticeKind.MEMBER_LEFT).get()
        assert notice.path == "/my-work/?team=oost" and notice.actor_id == world.pieter.pk
    assert "Pieter Apotheker heeft het wijkverband verlaten: 3 open knelpunten hebben een nieuwe eigenaar nodig" in (
        _sentences(client_for("carla"))
    )
    # Maarten asked Pieter: his request is withdrawn, and he hears of it, linked to the item.
    assert _notices(world.maarten).count() == before["maarten"] + 1
    notice = _notices(world.maarten, NoticeKind.MEMBER_LEFT).get()
    assert notice.path == f"/t/oost/bottlenecks/{asked.pk}/"
    assert (
        "Pieter Apotheker heeft het wijkverband verlaten: je vraag aan Pieter Apotheker om eigenaar te worden van"
        " 1 knelpunt vervalt" in _sentences(client_for("maarten"))
    )
    assert not _notices(world.pieter, NoticeKind.MEMBER_LEFT).exists()
    # The coordinators' Mijn werk lists them as needing an owner now, days before their target.
    for name in ("carla", "sofie"):
        unowned = {item.title for item in my_work(user=world.persona(name)).mine if item.kind == "unowned"}
        assert unowned == {"Eerste van Pieter", "Tweede van Pieter", "Gevraagd aan Pieter"}
    page = client_for("carla").get("/my-work/?team=oost").content.decode()
    assert "Nog zonder eigenaar" in page and "Eerste van Pieter" in page
    # Once someone is asked to own one, it leaves that list.
    b = fresh(first)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.maarten)
    unowned = {item.title for item in my_work(user=world.carla).mine if item.kind == "unowned"}
    assert unowned == {"Tweede van Pieter", "Gevraagd aan Pieter"}


def test_coordinators_told_before_by_the_hourly_check_are_told_again_when_the_owner_leaves(world, client_for):
    """The hourly check tells the coordinators of an unowned item past its acceptance target once
    (its key names the item and the target's date): an owner who took it on and then left must not
    leave it unowned without a word."""
    from datetime import timedelta

    from django.utils import timezone

    b = report(world, title="Laat opgepakt")
    later = timezone.localdate() + timedelta(days=10)
    assert bottleneck_notices.time_check(later) >= 1
    assert _notices(world.carla, NoticeKind.OVERDUE).count() == 1
    b = fresh(b)
    bottlenecks.bottleneck_ask_owner(actor=world.pieter, bottleneck=b, version=b.version, candidate=world.pieter)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")

    notice = _notices(world.carla, NoticeKind.MEMBER_LEFT).get()
    assert notice.path == f"/t/oost/bottlenecks/{b.pk}/" and notice.read_at is None
    assert (
        "Pieter Apotheker heeft het wijkverband verlaten: 1 open knelpunt heeft een nieuwe eigenaar nodig"
        in _sentences(client_for("carla"))
    )


def test_someone_removed_is_named_as_removed_and_whoever_removed_them_is_not_told(world, client_for):
    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    services.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    _own(world, "Van Pieter", world.pieter)
    pieter = Membership.objects.get(team=world.team_a, user=world.pieter)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("carla").post(f"/t/oost/members/{pieter.pk}/remove/")

    assert not _notices(world.carla, NoticeKind.MEMBER_REMOVED).exists()  # she saw it in the question
    assert _notices(world.sofie, NoticeKind.MEMBER_REMOVED).count() == 1
    assert (
        "Pieter Apotheker is uit het wijkverband gehaald: 1 open knelpunt heeft een nieuwe eigenaar nodig"
        in _sentences(client_for("sofie"))
    )
    # Carla's Mijn werk lists it all the same.
    assert "Van Pieter" in {item.title for item in my_work(user=world.carla).mine if item.kind == "unowned"}


def test_nobody_is_told_when_nothing_was_held(world, client_for):
    count = Notice.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    assert Notice.objects.count() == count


def test_the_notices_of_a_leaving_are_done_once_every_item_let_go_has_someone(world, client_for):
    """Noticed last session: the coordinators' "3 open knelpunten hebben een nieuwe eigenaar nodig"
    stayed unread, in the header's count, after each of the three had an owner again and Mijn werk
    listed none of them. It is read for everyone who got it once the last item let go has someone
    (an owner, someone asked) or is closed; another person's leaving keeps its own notice."""
    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    services.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    first, second = _own(world, "Eerste van Pieter", world.pieter), _own(world, "Tweede van Pieter", world.pieter)
    third = _own(world, "Derde van Pieter", world.pieter)
    of_maarten = _own(world, "Van Maarten", world.maarten)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("maarten").post("/t/oost/members/leave/")
    unread = Notice.objects.filter(read_at__isnull=True, kind=NoticeKind.MEMBER_LEFT)
    assert unread.filter(user=world.carla).count() == 2 and unread.filter(user=world.sofie).count() == 2

    b = fresh(first)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.carla)
    b = fresh(second)
    bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.sofie)
    assert unread.filter(user=world.carla).count() == 2  # the third still has nobody
    b = fresh(third)
    with TestCase.captureOnCommitCallbacks(execute=True):
        bottlenecks.bottleneck_close(
            actor=world.carla, bottleneck=b, version=b.version, reason="Opgelost buiten de log om."
        )
    # Pieter's notice is done for both coordinators; Maarten's item still needs an owner.
    for coordinator in (world.carla, world.sofie):
        (left,) = unread.filter(user=coordinator)
        assert left.actor_id == world.maarten.pk
    # Declining a request puts an item back among those needing an owner, but a notice once done stays done.
    b = fresh(second)
    bottlenecks.bottleneck_decline(actor=world.sofie, bottleneck=b, version=b.version, reason="Geen tijd deze maand.")
    assert unread.filter(user=world.carla).count() == 1
    b = fresh(of_maarten)
    bottlenecks.bottleneck_ask_owner(actor=world.sofie, bottleneck=b, version=b.version, candidate=world.sofie)
    assert not unread.exists()


def test_an_item_accepted_in_time_is_not_called_late_in_acceptance_when_its_owner_leaves(world, client_for):
    """Found by an exploratory test: an item accepted the day it was reported, whose owner was
    removed weeks later, read "te laat: niet op tijd geaccepteerd" on its page, counted as overdue,
    and the next hourly check told the coordinators again that it was past its acceptance target
    (the leaving had just told them). It needs a new owner, which is said; late it is only once past
    its resolution target."""
    from datetime import timedelta

    from django.utils import timezone

    from wijkverband.bottlenecks.models import Bottleneck

    today = timezone.localdate()
    b = _own(world, "Op tijd opgepakt", world.pieter)
    Bottleneck.objects.for_team(world.team_a).filter(pk=b.pk).update(
        accept_due=today - timedelta(days=20), resolve_due=today + timedelta(days=10)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    b = fresh(b)
    assert b.owner_id is None and not b.acceptance_overdue and not b.is_overdue
    page = client_for("carla").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode()
    assert "niet op tijd geaccepteerd" not in page
    assert "Op tijd opgepakt" not in client_for("carla").get("/t/oost/bottlenecks/?overdue=on").content.decode()
    overdue_before = _notices(world.carla, NoticeKind.OVERDUE).count()
    bottleneck_notices.time_check(today)
    assert _notices(world.carla, NoticeKind.OVERDUE).count() == overdue_before
    # Mijn werk keeps it under "Nog zonder eigenaar", due by its resolution target.
    (item,) = [item for item in my_work(user=world.carla).mine if item.kind == "unowned"]
    assert item.due == b.resolve_due
    # Past its resolution target it is late, as any item.
    Bottleneck.objects.for_team(world.team_a).filter(pk=b.pk).update(resolve_due=today - timedelta(days=7))
    assert fresh(b).is_overdue
    assert "Op tijd opgepakt" in client_for("carla").get("/t/oost/bottlenecks/?overdue=on").content.decode()


def test_an_item_accepted_once_shows_only_its_resolution_target_when_its_owner_leaves(world, client_for):
    """Found by an exploratory test: an accepted item whose owner left read "te accepteren vóór
    2 november 2026 · op te lossen vóór …" on its page, an acceptance target long met. Accepted
    once, what is due is its resolution, as Mijn werk says."""
    from django.utils.formats import date_format
    from django.utils.translation import override

    b = _own(world, "Op tijd opgepakt", world.pieter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    b = fresh(b)
    assert b.owner_id is None and b.first_accepted_at is not None
    page = client_for("carla").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode()
    with override("nl"):
        resolve_by, accept_by = date_format(b.resolve_due), date_format(b.accept_due)
    assert f"op te lossen uiterlijk {resolve_by}" in page
    assert "te accepteren uiterlijk" not in page and accept_by not in page
    # Never accepted, an unowned item still shows both.
    new = report(world, title="Nog niet opgepakt")
    page = client_for("carla").get(f"/t/oost/bottlenecks/{new.pk}/").content.decode()
    assert "te accepteren uiterlijk" in page and "op te lossen uiterlijk" in page


def test_the_asker_of_several_items_is_linked_to_a_list_that_holds_them(world, client_for):
    """Found by an exploratory test: Maarten owned one item and asked Pieter to take it over, and
    asked him to own an unowned one; when Pieter left, Maarten's notice linked to the list of
    unowned items, which left out the first (Maarten still owns it). And "je vraag om eigenaar te
    worden" read as Maarten asking to become owner himself."""
    handed = _own(world, "Van Maarten", world.maarten)
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=handed, version=handed.version, candidate=world.pieter
    )
    handed_too = _own(world, "Ook van Maarten", world.maarten)
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=handed_too, version=handed_too.version, candidate=world.pieter
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    notice = _notices(world.maarten, NoticeKind.MEMBER_LEFT).get()
    assert notice.path == "/t/oost/bottlenecks/?mine=on"
    page = client_for("maarten").get(notice.path).content.decode()
    assert "Van Maarten" in page and "Ook van Maarten" in page
    assert (
        "Pieter Apotheker heeft het wijkverband verlaten: je vraag aan Pieter Apotheker om eigenaar te worden van"
        " 2 knelpunten vervalt" in _sentences(client_for("maarten"))
    )


def test_the_asker_of_owned_and_unowned_items_is_linked_to_the_open_items(world, client_for):
    handed = _own(world, "Van Maarten", world.maarten)
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=handed, version=handed.version, candidate=world.pieter
    )
    unowned = report(world, title="Van niemand")
    bottlenecks.bottleneck_ask_owner(
        actor=world.maarten, bottleneck=unowned, version=unowned.version, candidate=world.pieter
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    # Maarten is no coordinator: his notice is of his two requests (the coordinators', of the unowned one).
    notice = _notices(world.maarten, NoticeKind.MEMBER_LEFT).get()
    assert notice.path == "/t/oost/bottlenecks/"
    page = client_for("maarten").get(notice.path).content.decode()
    assert "Van Maarten" in page and "Van niemand" in page

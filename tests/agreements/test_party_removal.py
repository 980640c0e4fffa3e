"""A party removed from a version that awaits decisions: added back, its people are asked again
(a new notice, not only a line in Mijn werk); removed from an agreement that was never adopted, its
decisions on the earlier versions stay on record, as they do when it leaves an adopted one."""

import pytest
from django.test import TestCase

from tests.agreements.conftest import version_data
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, Party
from wijkverband.work.models import Notice, NoticeKind


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def _edit(world, agreement, body):
    agreement = Agreement.objects.get(pk=agreement.pk)
    services.agreement_edit(
        actor=world.carla,
        agreement=agreement,
        base_version=agreement.version_count,
        data=version_data(world, body=body),
    )
    return Agreement.objects.get(pk=agreement.pk)


def _nursing(agreement):
    return Party.objects.get(agreement=agreement, organisation__name="Buurtzorg Oost")


def _requests(user, agreement):
    return Notice.objects.filter(user=user, kind=NoticeKind.ENDORSEMENT_REQUESTED, subject_id=agreement.pk)


@pytest.fixture
def pushed(monkeypatch):
    """The people whose open pages heard of a new notice."""
    from wijkverband.realtime import publish

    heard = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: heard.append(user_id))
    return heard


# --- added back to the same version: asked again, with a notice -----------------------------------


def test_a_party_removed_from_the_proposed_version_and_added_back_is_told_again(world, concept, pushed, client_for):
    agreement = committed(services.agreement_propose, actor=world.carla, agreement=concept)
    assert _requests(world.maarten, agreement).filter(read_at__isnull=True).count() == 1
    committed(services.party_remove, actor=world.carla, agreement=agreement, party=_nursing(agreement))
    assert not _requests(world.maarten, agreement).filter(read_at__isnull=True).exists()
    pushed.clear()

    committed(services.party_add_organisation, actor=world.carla, agreement=agreement, organisation=world.nursing_a)

    # A fresh, unread request for Buurtzorg's people: counted, pushed and in the next digest.
    [request] = _requests(world.maarten, agreement).filter(read_at__isnull=True)
    assert request.digested_at is None and request.emailed_at is None and request.actor == world.carla
    assert pushed == [world.maarten.pk]
    # Nobody who was never removed hears it twice.
    assert _requests(world.pieter, agreement).count() == 1
    # His notifications page shows it as new, on top.
    html = client_for("maarten").get("/notifications/").content.decode()
    newest = html[html.index('id="notices"') :]
    newest = newest[newest.index("<li") : newest.index("</li>")]
    assert "wv-notification--unread" in newest and "Vraagt je organisatie om in te stemmen" in newest


def test_a_party_of_the_version_in_force_removed_from_the_pending_one_and_added_back_is_told_again(
    world, adopted, pushed
):
    agreement = committed(_edit, world=world, agreement=adopted, body="Versie 2")
    assert _requests(world.maarten, agreement).filter(read_at__isnull=True, key__contains=":v2").count() == 1
    committed(services.party_remove, actor=world.carla, agreement=agreement, party=_nursing(agreement))
    pushed.clear()

    committed(services.party_add_organisation, actor=world.carla, agreement=agreement, organisation=world.nursing_a)

    assert _requests(world.maarten, agreement).filter(read_at__isnull=True).count() == 1
    assert pushed == [world.maarten.pk]
    assert _requests(world.pieter, agreement).filter(key__contains=":v2").count() == 1


def test_an_external_party_removed_and_added_back_is_told_again(world, concept, pushed):
    agreement = committed(services.agreement_propose, actor=world.carla, agreement=concept)
    insurer = committed(
        services.party_add_external, actor=world.carla, agreement=agreement, kind="insurer", name=world.insurer.name
    )
    committed(services.party_remove, actor=world.carla, agreement=agreement, party=insurer)
    pushed.clear()

    committed(
        services.party_add_external, actor=world.carla, agreement=agreement, kind="insurer", name=world.insurer.name
    )

    assert _requests(world.ines, agreement).filter(read_at__isnull=True).count() == 1
    assert pushed == [world.ines.pk]


def test_another_party_added_asks_nobody_twice(world, concept, pushed):
    agreement = committed(services.agreement_propose, actor=world.carla, agreement=concept)
    committed(services.party_remove, actor=world.carla, agreement=agreement, party=_nursing(agreement))
    committed(services.party_add_organisation, actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    pushed.clear()

    committed(services.party_add_organisation, actor=world.carla, agreement=agreement, organisation=world.social_a)

    assert pushed == [world.sofie.pk]
    assert _requests(world.maarten, agreement).count() == 1
    assert _requests(world.pieter, agreement).count() == 1

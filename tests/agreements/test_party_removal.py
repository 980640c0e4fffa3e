"""A party removed from a version that awaits decisions: added back, its people are asked again
(a new notice, not only a line in Mijn werk); removed from an agreement that was never adopted, its
decisions on the earlier versions stay on record, as they do when it leaves an adopted one."""

import pytest
from django.test import TestCase

from tests.agreements.conftest import edit_version
from wijkverband.agreements import selectors, services
from wijkverband.agreements.models import Agreement, Endorsement, Party
from wijkverband.work.models import Notice, NoticeKind


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def _nursing(agreement):
    return Party.objects.get(agreement=agreement, organisation__name="Buurtzorg Oost")


def _requests(user, agreement):
    return Notice.objects.filter(user=user, kind=NoticeKind.ENDORSEMENT_REQUESTED, subject_id=agreement.pk)


def _section(html: str, heading_id: str) -> str:
    part = html[html.index(f'id="{heading_id}"') :]
    return part[: part.index("</section>")]


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
    agreement = committed(edit_version, world=world, agreement=adopted, body="Versie 2")
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


# --- removed from an agreement never adopted: its decisions on earlier versions stay ----------------


@pytest.fixture
def endorsed_v1_then_removed(world, proposed):
    """Version 1 proposed: Buurtzorg and the pharmacy endorsed it, the GP not, so it was never
    adopted. Version 2 saved; Buurtzorg removed from it."""
    for person in (world.maarten, world.pieter):
        services.endorsement_record(actor=person, agreement=proposed, version_number=1, decision="endorsed")
    agreement = edit_version(world, proposed, "Versie 2")
    services.party_remove(actor=world.carla, agreement=agreement, party=_nursing(agreement))
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.adopted_version is None
    return agreement


def test_a_party_removed_from_a_proposed_agreement_keeps_its_decisions_on_earlier_versions(
    world, endorsed_v1_then_removed
):
    from wijkverband.audit.selectors import audit_chains_verify

    agreement = endorsed_v1_then_removed
    v1, v2 = (agreement.versions.get(number=n) for n in (1, 2))
    assert Endorsement.objects.filter(version=v1, party__organisation=world.nursing_a, decision="endorsed").exists()
    rows = {row.party.name: row for row in selectors.party_rows(agreement=agreement, version=v1)}
    assert sorted(rows) == ["Apotheek Linde", "Buurtzorg Oost", "Huisarts Oost"]
    assert rows["Buurtzorg Oost"].endorsed
    # It is no party of version 2: not asked, not counted, not missing.
    assert sorted(row.party.name for row in selectors.party_rows(agreement=agreement, version=v2)) == [
        "Apotheek Linde",
        "Huisarts Oost",
    ]
    assert sorted(row.party.name for row in selectors.party_rows(agreement=agreement)) == [
        "Apotheek Linde",
        "Huisarts Oost",
    ]
    check = selectors.accountability_check(
        version=v2,
        parties=selectors.party_rows(agreement=agreement),
        indicators=selectors.indicators_with_measurements(agreement=agreement),
    )
    endorsed = next(rule for rule in check.rules if rule.key == "endorsed")
    assert "Buurtzorg Oost" not in endorsed.missing
    assert world.nursing_a.pk not in selectors.undecided_organisation_ids(agreement=agreement)
    assert not selectors.endorsements_asked_of(user=world.maarten).filter(pk=agreement.pk).exists()
    # The two parties left decide on version 2, and it is adopted without Buurtzorg.
    for person in (world.carla, world.pieter):
        services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.adopted_version == v2
    assert all(check.broken is None for check in audit_chains_verify())


def test_the_coordinator_reads_what_a_removed_party_decided_on_an_earlier_version(
    world, endorsed_v1_then_removed, client_for
):
    agreement = endorsed_v1_then_removed
    client = client_for("carla")
    versions = client.get(f"/t/oost/agreements/{agreement.pk}/versions/").content.decode()
    v1_row = versions[versions.index('<span class="wv-cell-label">Versie </span>1') :]
    v1_row = v1_row[: v1_row.index("</tr>")]
    assert '<span class="wv-cell-label">Instemmingen: </span>2</td>' in v1_row, v1_row
    compare = client.get(f"/t/oost/agreements/{agreement.pk}/compare/?a=1&b=2").content.decode()
    parties = _section(compare, "field-parties")
    assert "Wel in versie 1, niet in versie 2:" in parties and "Buurtzorg Oost" in parties
    history = client.get(f"/t/oost/agreements/{agreement.pk}/history/").content.decode()
    assert "verwijderde een partij (versie 2): Buurtzorg Oost" in history


def test_a_party_removed_from_a_proposed_agreement_and_back_in_a_later_version_leaves_the_earlier_ones_as_they_were(
    world, endorsed_v1_then_removed
):
    agreement = edit_version(world, endorsed_v1_then_removed, "Versie 3")
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    agreement = Agreement.objects.get(pk=agreement.pk)
    names = {
        n: sorted(
            r.party.name for r in selectors.party_rows(agreement=agreement, version=agreement.versions.get(number=n))
        )
        for n in (1, 2, 3)
    }
    assert names[1] == names[3] == ["Apotheek Linde", "Buurtzorg Oost", "Huisarts Oost"]
    assert names[2] == ["Apotheek Linde", "Huisarts Oost"]
    assert Party.on_record.filter(agreement=agreement, organisation=world.nursing_a).count() == 2
    v1 = {r.party.name: r for r in selectors.party_rows(agreement=agreement, version=agreement.versions.get(number=1))}
    assert v1["Buurtzorg Oost"].endorsed
    # Asked on version 3 like any party of it.
    row = next(r for r in selectors.party_rows(agreement=agreement) if r.party.name == "Buurtzorg Oost")
    assert row.endorsement is None


def test_a_party_removed_and_added_back_to_the_same_proposed_version_is_one_party_again(
    world, endorsed_v1_then_removed
):
    agreement = endorsed_v1_then_removed
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    assert Party.on_record.filter(agreement=agreement, organisation=world.nursing_a).count() == 1
    for number in (1, 2):
        version = agreement.versions.get(number=number)
        assert "Buurtzorg Oost" in [r.party.name for r in selectors.party_rows(agreement=agreement, version=version)]


def test_a_party_only_of_the_current_version_removed_leaves_nothing_on_record(world, proposed):
    agreement = proposed
    party = services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.social_a)
    services.party_remove(actor=world.carla, agreement=agreement, party=party)
    assert not Party.on_record.filter(agreement=agreement, organisation=world.social_a).exists()


# --- an external party removed: its accounts no longer hear of what they may no longer read ----------


def test_an_external_party_removed_from_an_agreement_no_longer_has_its_notices(world, concept, pushed):
    """Ines's account reads the agreements the insurer is party to. Removed from one (only of its
    current version), it is a 404 to her: its request to decide goes from her notices page and her
    count, as a role change takes away what someone may no longer read."""
    from tests.work.test_event_notices import _signed_in

    agreement = committed(services.agreement_propose, actor=world.carla, agreement=concept)
    insurer = committed(
        services.party_add_external, actor=world.carla, agreement=agreement, kind="insurer", name=world.insurer.name
    )
    client = _signed_in(world.ines)
    title = agreement.current_version.title
    assert title in client.get("/notifications/").content.decode()
    pushed.clear()

    committed(services.party_remove, actor=world.carla, agreement=agreement, party=insurer)

    assert client.get(f"/t/oost/agreements/{agreement.pk}/").status_code == 404
    assert title not in client.get("/notifications/").content.decode()
    assert not Notice.objects.filter(user=world.ines, subject_id=agreement.pk).exists()
    assert pushed == [world.ines.pk]  # her open pages heard the new count
    # Buurtzorg, still a party, is still asked.
    assert _requests(world.maarten, agreement).filter(read_at__isnull=True).count() == 1


def test_an_external_party_of_the_version_in_force_removed_from_the_next_keeps_its_notices(world, proposed):
    """The insurer is party to the version in force and removed from the pending one: Ines still
    reads the agreement, so her notices of it stay."""
    insurer = committed(
        services.party_add_external, actor=world.carla, agreement=proposed, kind="insurer", name=world.insurer.name
    )
    for person in (world.carla, world.maarten, world.pieter, world.ines):
        committed(services.endorsement_record, actor=person, agreement=proposed, version_number=1, decision="endorsed")
    agreement = committed(edit_version, world=world, agreement=Agreement.objects.get(pk=proposed.pk), body="Versie 2")
    assert agreement.adopted_version is not None
    assert Notice.objects.filter(user=world.ines, subject_id=agreement.pk, key__contains=":v2").exists()

    committed(services.party_remove, actor=world.carla, agreement=agreement, party=Party.objects.get(pk=insurer.pk))

    assert Notice.objects.filter(user=world.ines, subject_id=agreement.pk).exists()

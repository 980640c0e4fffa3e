"""Regional items and offers: what the services do, refuse and tell whom."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from tests.bottlenecks.helpers import report
from tests.regional.helpers import medication_pattern, offer, take_up
from wijkverband.agreements import selectors as agreement_selectors
from wijkverband.agreements.models import Agreement, Party, PartyKind
from wijkverband.agreements.models import Status as AgreementStatus
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.core.guard import ClientDataRefused
from wijkverband.regional import services
from wijkverband.regional.models import Adoption, ItemStatus, OfferStatus, RegionalItem, RegionalLink
from wijkverband.work.models import Notice, NoticeKind

pytestmark = pytest.mark.usefixtures("clock")


def test_an_overseer_takes_a_pattern_up_with_an_owner_and_the_teams_items(world):
    a, b = medication_pattern(world)
    item = take_up(world, a, b, owner=world.ada)
    assert item.owner == world.ada
    assert set(RegionalLink.objects.filter(item=item).values_list("team_id", flat=True)) == {
        world.team_a.pk,
        world.team_b.pk,
    }
    assert AuditEvent.objects.filter(action="regional.item_created", object_id=str(item.pk)).exists()


def test_the_linked_items_reporters_hear_of_it_without_the_regions_text(world):
    a, b = medication_pattern(world)
    take_up(world, a, b)
    notices = Notice.objects.across_teams().filter(kind=NoticeKind.REGIONAL_LINKED)
    assert {(n.user_id, n.team_id) for n in notices} == {
        (world.maarten.pk, world.team_a.pk),
        (world.bram.pk, world.team_b.pk),
    }
    # About the team's own bottleneck, with its own title and link: never the regional item's text.
    mine = notices.get(user=world.maarten)
    assert mine.title == a.title and mine.path == f"/t/oost/bottlenecks/{a.pk}/"


def test_a_progress_update_tells_the_linked_items_people_and_moves_the_status(world):
    a, b = medication_pattern(world)
    item = take_up(world, a, b)
    update = services.regional_update_post(
        actor=world.olga, item=item, version=item.version, body="Ziekenhuis sluit aan.", status=ItemStatus.IN_PROGRESS
    )
    assert RegionalItem.objects.get(pk=item.pk).status == ItemStatus.IN_PROGRESS
    assert (update.from_status, update.to_status) == (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)
    assert set(
        Notice.objects.across_teams().filter(kind=NoticeKind.REGIONAL_PROGRESS).values_list("user_id", flat=True)
    ) == {world.maarten.pk, world.bram.pk}


def test_an_update_built_from_an_older_version_is_refused(world):
    item = take_up(world, *medication_pattern(world))
    services.regional_update_post(actor=world.olga, item=item, version=item.version, body="Eerste stap.")
    with pytest.raises(ActionRefused) as refused:
        services.regional_update_post(actor=world.ada, item=item, version=item.version, body="Tegelijk getypt.")
    assert refused.value.code == "stale"


def test_an_update_without_text_or_with_client_data_is_refused_and_changes_nothing(world):
    item = take_up(world, *medication_pattern(world))
    with pytest.raises(ActionRefused):
        services.regional_update_post(actor=world.olga, item=item, version=item.version, body="  ")
    with pytest.raises(ClientDataRefused):
        services.regional_update_post(
            actor=world.olga, item=item, version=item.version, body="Mevr. Jansen, BSN 111222333, wacht nog."
        )
    assert not item.updates.exists()


def test_the_owner_must_oversee_the_region(world):
    a, _b = medication_pattern(world)
    for owner in (world.rik, world.otto, world.carla):
        with pytest.raises(ActionRefused):
            take_up(world, a, owner=owner)
    assert not RegionalItem.objects.exists()


def test_only_the_regions_overseers_and_administrators_take_items_up(world):
    a, _b = medication_pattern(world)
    for actor in (world.rik, world.otto, world.carla, world.maarten):
        with pytest.raises(PermissionDenied):
            take_up(world, a, actor=actor)


def test_another_regions_bottleneck_cannot_be_linked(world):
    theirs = report(world, actor=world.chris, team=world.team_c, title="Elders")
    with pytest.raises(ActionRefused):
        take_up(world, theirs)
    assert not RegionalItem.objects.exists()


def test_a_bottleneck_belongs_to_one_regional_item_at_most(world):
    a, b = medication_pattern(world)
    take_up(world, a)
    with pytest.raises(ActionRefused):
        take_up(world, a, b)
    assert RegionalItem.objects.count() == 1


def test_a_coordinator_adopts_an_offer_as_the_teams_own_agreement(world):
    o = offer(world)
    agreement = services.regional_agreement_adopt(
        actor=world.carla,
        team=world.team_a,
        offer=o,
        title="Medicatieoverdracht Oost",
        organisations=[world.pharmacy, world.gp_a],
        externals=[(PartyKind.INSURER, "Zorgverzekeraar Midden"), (PartyKind.CLIENT_REPRESENTATION, "Cliëntenraad")],
    )
    agreement = Agreement.objects.for_team(world.team_a).get(pk=agreement.pk)
    assert agreement.status == AgreementStatus.CONCEPT
    assert agreement.current_version.title == "Medicatieoverdracht Oost"
    assert agreement.current_version.body == o.body
    assert set(Party.objects.for_team(world.team_a).filter(agreement=agreement).values_list("name", flat=True)) == {
        "Apotheek Linde",
        "Huisarts Oost",
        "Zorgverzekeraar Midden",
        "Cliëntenraad",
    }
    assert Adoption.objects.get(team=world.team_a, offer=o).agreement_id == agreement.pk
    # It is the team's agreement now: the accountability check reads it like any other.
    accountability = agreement_selectors.accountability_check(
        version=agreement.current_version,
        parties=agreement_selectors.party_rows(agreement=agreement),
        indicators=agreement_selectors.indicators_with_measurements(agreement=agreement),
    )
    check = {rule.key: rule.ok for rule in accountability.rules}
    assert check["triangle"] and check["indicators"] and not check["endorsed"]


def test_a_team_adopts_an_offer_once_and_never_a_withdrawn_one(world):
    o = offer(world)
    services.regional_agreement_adopt(
        actor=world.carla, team=world.team_a, offer=o, title="", organisations=[world.gp_a], externals=[]
    )
    with pytest.raises(ActionRefused):
        services.regional_agreement_adopt(
            actor=world.carla, team=world.team_a, offer=o, title="", organisations=[world.gp_a], externals=[]
        )
    withdrawn = services.regional_agreement_withdraw(actor=world.olga, offer=offer(world))
    assert withdrawn.status == OfferStatus.WITHDRAWN
    with pytest.raises(ActionRefused):
        services.regional_agreement_adopt(
            actor=world.carla, team=world.team_a, offer=withdrawn, title="", organisations=[world.gp_a], externals=[]
        )
    assert Adoption.objects.count() == 1


def test_only_a_coordinator_of_a_team_in_the_offers_region_adopts(world):
    o = offer(world)
    for actor, team in ((world.maarten, world.team_a), (world.olga, world.team_a), (world.chris, world.team_c)):
        with pytest.raises(PermissionDenied):
            services.regional_agreement_adopt(actor=actor, team=team, offer=o, title="", organisations=[], externals=[])
    assert not Adoption.objects.exists()


def test_an_organisation_of_another_team_cannot_become_a_party(world):
    o = offer(world)
    with pytest.raises(ActionRefused):
        services.regional_agreement_adopt(
            actor=world.carla, team=world.team_a, offer=o, title="", organisations=[world.nursing_b], externals=[]
        )
    assert not Agreement.objects.for_team(world.team_a).exists()


def test_an_offers_texts_have_the_limits_of_the_agreement_it_becomes(world, client_for):
    """A team's agreement refuses a text longer than its limit (agreements.models.TEXT_LIMITS): an
    offer with a longer one could be adopted but its agreement never saved again."""
    from wijkverband.agreements.models import TEXT_LIMITS
    from wijkverband.regional.models import RegionalAgreement

    page = client_for("olga").get("/r/utrecht/regional/agreements/new/").content.decode()
    for name, limit in TEXT_LIMITS.items():
        if name != "sources":  # an offer has no sources of its own: each team's analysis has
            assert f'maxlength="{limit}"' in re.search(rf'<textarea name="{name}"[^>]*>', page).group(0), name
    data = {"title": "Protocol", "body": "De apotheek belt.", "need": "x" * (TEXT_LIMITS["need"] + 1)}
    with pytest.raises(ActionRefused) as refused:
        services.regional_agreement_offer(actor=world.olga, region=world.region, data=data)
    assert refused.value.field == "need"
    assert not RegionalAgreement.objects.exists()

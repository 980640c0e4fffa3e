"""Links from a bottleneck to collaboration agreements of its own team."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.bottlenecks.helpers import fresh, report
from wijkverband.agreements import services as agreement_services
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import AgreementLink
from wijkverband.core.errors import ActionRefused

pytestmark = pytest.mark.usefixtures("clock")


def agreement(world, team=None, actor=None):
    data = {
        "title": "Ontslagmedicatie binnen een dag bij de apotheek",
        "need": "Overdracht na ontslag loopt vast.",
        "sources": "",
        "body": "Het ziekenhuis stuurt het overzicht bij ontslag mee.",
        "gain_quality": "Minder medicatiefouten",
        "gain_accessibility": "",
        "gain_affordability": "",
        "owner": actor or world.carla,
        "start_date": timezone.localdate(),
        "review_date": timezone.localdate() + timedelta(days=180),
        "change_note": "",
    }
    return agreement_services.agreement_create(actor=actor or world.carla, team=team or world.team_a, data=data)


def test_a_member_links_an_agreement_that_resolved_the_bottleneck(world, client_for):
    b = report(world)
    a = agreement(world)
    response = client_for("maarten").post(
        f"/t/oost/bottlenecks/{b.pk}/do/link-agreement/",
        {"link-agreement-agreement": str(a.pk), "link-agreement-kind": "resolved_by"},
    )
    assert response.status_code == 302
    link = AgreementLink.objects.get()
    assert (link.bottleneck_id, link.agreement_id, link.kind) == (b.pk, a.pk, "resolved_by")
    page = client_for("rosa").get(f"/t/oost/bottlenecks/{b.pk}/").content.decode()
    assert f"/t/oost/agreements/{a.pk}/" in page and "Ontslagmedicatie binnen een dag" in page
    assert fresh(b).events.last().kind == "agreement_linked"


def test_agreements_of_another_team_twice_or_by_readers_are_refused(world, client_for):
    b = report(world)
    other = agreement(world, team=world.team_b, actor=world.bram)
    response = client_for("maarten").post(
        f"/t/oost/bottlenecks/{b.pk}/do/link-agreement/",
        {"link-agreement-agreement": str(other.pk), "link-agreement-kind": "related"},
    )
    assert response.status_code == 400
    a = agreement(world)
    services.bottleneck_link_agreement(actor=world.maarten, bottleneck=b, agreement=a, kind="related")
    with pytest.raises(ActionRefused):
        services.bottleneck_link_agreement(actor=world.carla, bottleneck=b, agreement=a, kind="resolved_by")
    with pytest.raises(ActionRefused):
        services.bottleneck_link_agreement(actor=world.rosa, bottleneck=b, agreement=a, kind="related")
    with pytest.raises(ActionRefused):
        services.bottleneck_link_agreement(actor=world.carla, bottleneck=b, agreement=other, kind="related")
    assert AgreementLink.objects.count() == 1

"""The owner of an agreement leaves the team, or is removed: a coordinator owns it from then on
(agreements.services.membership_release), so that it does not wait on someone who can no longer
open it."""

import re

from django.test import TestCase

from tests.agreements.conftest import version_data
from tests.personas import make_user
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, Status
from wijkverband.mywork.selectors import my_work
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership
from wijkverband.work.models import Notice, NoticeKind


def _pieters(world, *, propose=True) -> Agreement:
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, owner=world.pieter, title="Van Pieter")
    )
    for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    if propose:
        agreement = services.agreement_propose(actor=world.carla, agreement=agreement)
    return agreement


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_an_owner_who_leaves_hands_the_agreement_to_a_coordinator_who_sees_it_waiting(world, client_for):
    """Found by an exploratory test: a proposed agreement whose owner left stayed theirs: the leave
    question did not mention it, nobody's Mijn werk showed "Wacht op instemming" for it any more,
    and the list's owner filter could not choose the owner who had gone."""
    agreement = _pieters(world)
    concept = _pieters(world, propose=False)
    pieter = client_for("pieter")
    question = _text(pieter.get("/t/oost/members/leave/").content.decode())
    assert "Eigenaar van 2 afspraken: Carla Coördinator (coördinator) wordt de eigenaar." in question

    with TestCase.captureOnCommitCallbacks(execute=True):
        pieter.post("/t/oost/members/leave/")

    for a in (agreement, concept):
        a = Agreement.objects.select_related("current_version").get(pk=a.pk)
        assert a.current_version.owner_id == world.carla.pk
        assert a.version_count == 1  # the same version: the parties are not asked to endorse again
    assert Agreement.objects.get(pk=agreement.pk).status == Status.PROPOSED
    waiting = {item.title for item in my_work(user=world.carla).waiting if item.kind == "endorsements"}
    assert waiting == {"Van Pieter"}
    carla = client_for("carla")
    assert "Van Pieter" in carla.get("/my-work/").content.decode()
    # Told once, for both, linked to the list of what she owns.
    notice = Notice.objects.get(user=world.carla, kind=NoticeKind.MEMBER_LEFT)
    assert notice.path == f"/t/oost/agreements/?owner={world.carla.pk}"
    notices = _text(carla.get("/notifications/").content.decode())
    assert "Pieter Apotheker heeft het wijkverband verlaten: je bent nu eigenaar van 2 afspraken" in notices
    history = _text(carla.get(f"/t/oost/agreements/{agreement.pk}/").content.decode())
    assert "Pieter Apotheker heeft het wijkverband verlaten (versie 1): Carla Coördinator is nu eigenaar" in history
    assert (
        f'<option value="{world.carla.pk}" selected>'
        in carla.get(f"/t/oost/agreements/?owner={world.carla.pk}").content.decode()
    )


def test_a_coordinator_who_removes_the_owner_takes_the_agreement_over(world, client_for):
    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    agreement = _pieters(world)
    pieter = Membership.objects.get(team=world.team_a, user=world.pieter)
    sofie_client = client_for("sofie")
    question = _text(sofie_client.get(f"/t/oost/members/{pieter.pk}/remove/").content.decode())
    assert "Eigenaar van 1 afspraak: jij wordt de eigenaar." in question

    with TestCase.captureOnCommitCallbacks(execute=True):
        sofie_client.post(f"/t/oost/members/{pieter.pk}/remove/")

    agreement = Agreement.objects.select_related("current_version").get(pk=agreement.pk)
    assert agreement.current_version.owner_id == world.sofie.pk  # not Carla, who joined first
    assert not Notice.objects.filter(kind=NoticeKind.MEMBER_REMOVED, subject_kind="team").exists()
    history = _text(sofie_client.get(f"/t/oost/agreements/{agreement.pk}/").content.decode())
    assert (
        "Pieter Apotheker is uit het wijkverband gehaald (versie 1): door Sofie Welzijn, die nu eigenaar is" in history
    )


def test_an_ended_agreement_keeps_its_owner_and_the_list_still_finds_it_by_them(world, client_for):
    agreement = _pieters(world)
    services.agreement_end(actor=world.carla, agreement=agreement, reason="Opgegaan in een nieuwe afspraak")
    tenancy.membership_remove(
        actor=world.pieter, membership=Membership.objects.get(team=world.team_a, user=world.pieter)
    )

    agreement = Agreement.objects.select_related("current_version").get(pk=agreement.pk)
    assert agreement.current_version.owner_id == world.pieter.pk  # the history stays as it was
    page = client_for("carla").get(f"/t/oost/agreements/?status=ended&owner={world.pieter.pk}").content.decode()
    # Offered, marked as no longer in the team.
    assert (
        f'<option value="{world.pieter.pk}" selected>Pieter Apotheker (niet meer in het wijkverband)</option>' in page
    )
    assert "Van Pieter" in page


def test_the_last_member_of_a_party_is_told_which_decisions_nobody_can_give_after_them(world, client_for):
    """Found by an exploratory test: Sanne was Welzijn Oost's only member; after she left, two
    agreements still waited for Welzijn Oost, which nobody could endorse for any more, and neither
    the leave question nor the removal question said so."""
    agreement = _pieters(world)  # parties: the GP practice, district nursing, the pharmacy
    _pieters(world, propose=False)  # a concept asks nobody yet
    question = _text(client_for("maarten").get("/t/oost/members/leave/").content.decode())
    org = world.nursing_a.name
    line = (
        f"Als laatste van {org} in dit wijkverband: 1 afspraak (“Van Pieter”) wacht op het besluit van {org}, dat"
        " daarna niemand meer kan geven. Een coördinator kan een collega uitnodigen of de partij verwijderen."
    )
    assert line in question
    maarten = Membership.objects.get(team=world.team_a, user=world.maarten)
    # The coordinator who removes him reads it about him, and is asked to act.
    removal = _text(client_for("carla").get(f"/t/oost/members/{maarten.pk}/remove/").content.decode())
    assert (
        f"{world.maarten.name} is de laatste van {org} in dit wijkverband: 1 afspraak (“Van Pieter”) wacht op het"
        f" besluit van {org}, dat daarna niemand meer kan geven. Nodig een collega van die organisatie uit of"
        " verwijder de partij." in removal
    )
    assert "Als laatste van" not in removal
    # With a colleague of district nursing in the team, someone can still decide.
    colleague = make_user("nina", "Nina Wijkverpleging")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=colleague, role=Membership.Role.MEMBER, organisation=world.nursing_a
    )
    assert "Als laatste van" not in _text(client_for("maarten").get("/t/oost/members/leave/").content.decode())
    Membership.objects.get(team=world.team_a, user=colleague).delete()
    assert line in _text(client_for("maarten").get("/t/oost/members/leave/").content.decode())
    # Once district nursing decided, nothing waits for it.
    services.endorsement_record(actor=world.maarten, agreement=agreement, version_number=1, decision="endorsed")
    assert "Als laatste van" not in _text(client_for("maarten").get("/t/oost/members/leave/").content.decode())


def test_the_last_member_of_a_party_sees_the_waiting_agreements_named_and_linked(world, client_for):
    """Found by an exploratory test: the warning said only "1 afspraak wacht op het besluit van …",
    naming none of them. It names a handful, each linked to its page, and counts the rest."""
    waiting = [_pieters(world) for _ in range(5)]
    html = client_for("maarten").get("/t/oost/members/leave/").content.decode()
    for agreement in waiting[:3]:
        assert f'“<a class="utrecht-link" href="/t/oost/agreements/{agreement.pk}/">Van Pieter</a>”' in html
    for agreement in waiting[3:]:
        assert f'href="/t/oost/agreements/{agreement.pk}/"' not in html
    assert "5 afspraken (“Van Pieter”, “Van Pieter”, “Van Pieter” en nog 2) wachten op het besluit van" in _text(html)
    # Four are named all: "and 1 more" would hide one that fits.
    services.endorsement_record(actor=world.maarten, agreement=waiting[0], version_number=1, decision="endorsed")
    page = _text(client_for("maarten").get("/t/oost/members/leave/").content.decode())
    assert "4 afspraken (“Van Pieter”, “Van Pieter”, “Van Pieter” en “Van Pieter”) wachten" in page


def test_a_title_in_the_last_member_warning_is_escaped(world, client_for):
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, owner=world.pieter, title="<b>Nacht</b> & dag")
    )
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    html = client_for("maarten").get("/t/oost/members/leave/").content.decode()
    assert "&lt;b&gt;Nacht&lt;/b&gt; &amp; dag</a>”" in html and "<b>Nacht</b>" not in html


def test_the_print_page_names_who_owns_the_agreement_now_and_the_filter_marks_who_left(world, client_for):
    """Found by an exploratory test: the print page of an agreement whose owner left while a newer
    version was pending named them as its owner (of the version in force), while the agreement's
    page said Carla owns it now; the list's owner filter offered people who left with no sign."""
    from tests.agreements.conftest import endorse_all

    agreement = endorse_all(world, _pieters(world))
    services.agreement_edit(
        actor=world.carla,
        agreement=agreement,
        base_version=1,
        data=version_data(world, owner=world.pieter, title="Van Pieter", body="Nieuwe tekst"),
    )
    # An ended agreement keeps the owner who left: the filter still offers them.
    ended = _pieters(world)
    services.agreement_end(actor=world.carla, agreement=ended, reason="Opgegaan in een andere afspraak")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("pieter").post("/t/oost/members/leave/")
    carla = client_for("carla")
    page = _text(carla.get(f"/t/oost/agreements/{agreement.pk}/print/").content.decode())
    assert "EigenaarCarla Coördinator" in page
    assert "Eigenaar van versie 1Pieter Apotheker (niet meer in het wijkverband)" in page
    assert "EigenaarPieter" not in page
    page = _text(carla.get(f"/t/oost/agreements/{ended.pk}/print/").content.decode())
    assert "EigenaarPieter Apotheker (niet meer in het wijkverband)" in page and "Eigenaar van versie" not in page
    html = carla.get("/t/oost/agreements/").content.decode()
    assert f'<option value="{world.pieter.pk}">Pieter Apotheker (niet meer in het wijkverband)</option>' in html
    assert f'<option value="{world.carla.pk}">Carla Coördinator</option>' in html

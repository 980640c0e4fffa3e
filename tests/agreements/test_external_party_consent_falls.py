"""An external party with an account of its own decides itself; once its last account leaves (or is
removed), a coordinator records its consent (services.consent_record refuses while such an account is
left). That fell to the coordinators without a word: the question before did not say it, and after
it nobody was told that "Medicatiebeoordeling thuis" now waited for them. The question says it now,
and the team's coordinators get one notice of a leaving (no one who removed her: she read it in the
question), naming the organisation and how many agreements wait for them to record its consent. It is
done once none does (its consent recorded, the party removed, the agreement ended, or an account of
the organisation back in the team)."""

import re

from django.test import Client, TestCase
from django.utils import timezone

from tests.agreements.conftest import version_data
from tests.personas import make_user
from tests.work.test_notice_rights import header_count
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, Party, PartyKind
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership, OrganisationKind
from wijkverband.work.models import Notice, NoticeKind

INSURER = "Zorgverzekeraar Domstad"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _waiting_for_the_insurer(world, title="Medicatiebeoordeling thuis") -> Agreement:
    """A proposed agreement of Oost with the insurer as external party (Ines's organisation): it waits
    for the insurer's decision, which Ines gives for it while she is in the team."""
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, title=title))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.party_add_external(actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=INSURER)
    return services.agreement_propose(actor=world.carla, agreement=agreement)


def _sofie_coordinates(world):
    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)


def _leaving_notices(user):
    return Notice.objects.filter(user=user, kind__in=[NoticeKind.MEMBER_LEFT, NoticeKind.MEMBER_REMOVED])


def _ines(world) -> Membership:
    return Membership.objects.get(team=world.team_a, user=world.ines)


def _record(world, agreement, who=None):
    agreement = Agreement.objects.get(pk=agreement.pk)
    party = Party.objects.get(agreement=agreement, organisation=world.insurer)
    services.consent_record(
        actor=who or world.carla,
        agreement=agreement,
        party=party,
        version_number=agreement.version_count,
        given_on=timezone.localdate(),
        where_given="Brief van de verzekeraar",
    )


def test_the_coordinators_are_told_when_the_insurers_last_account_leaves(world, client_for):
    agreement = _waiting_for_the_insurer(world)
    _sofie_coordinates(world)
    others = {name: Notice.objects.filter(user=world.persona(name)).count() for name in ("maarten", "pieter")}

    # Before: Ines reads what she lets go.
    question = _text(client_for("ines").get("/t/oost/members/leave/").content.decode())
    assert (
        f"Als laatste account van {INSURER} in dit wijkverband: 1 afspraak (“Medicatiebeoordeling thuis”) wacht op"
        f" de instemming van {INSURER}, die daarna een coördinator vastlegt." in question
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")

    for name in ("carla", "sofie"):
        notice = _leaving_notices(world.persona(name)).get()
        assert notice.kind == NoticeKind.MEMBER_LEFT and notice.actor_id == world.ines.pk and notice.read_at is None
        assert notice.path == f"/t/oost/agreements/{agreement.pk}/"
        page = _text(client_for(name).get("/notifications/").content.decode())
        assert (
            f"Ines Verzekeraar heeft het wijkverband verlaten: 1 afspraak wacht erop dat je de instemming van"
            f" {INSURER} vastlegt" in page
        )
        # What it names is an organisation and a count: no agreement's title, no text of anyone's.
        assert "Medicatiebeoordeling" not in notice.title
    # The members are not told: recording consent is a coordinator's.
    for name, count in others.items():
        assert Notice.objects.filter(user=world.persona(name)).count() == count
    # And it is theirs to do now: the agreement offers Carla to record it.
    page = _text(client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode())
    assert f"Instemming vastleggen van {INSURER}" in page


def test_who_removes_the_last_account_reads_it_before_and_the_other_coordinators_after(world, client_for):
    _waiting_for_the_insurer(world, title="Eerste afspraak")
    _waiting_for_the_insurer(world, title="Tweede afspraak")
    _sofie_coordinates(world)

    question = _text(client_for("carla").get(f"/t/oost/members/{_ines(world).pk}/remove/").content.decode())
    assert (
        f"Ines Verzekeraar is het laatste account van {INSURER} in dit wijkverband: 2 afspraken (“Eerste afspraak”"
        f" en “Tweede afspraak”) wachten op de instemming van {INSURER}, die daarna een coördinator vastlegt."
        in question
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("carla").post(f"/t/oost/members/{_ines(world).pk}/remove/")

    assert not _leaving_notices(world.carla).exists()  # she read it in the question
    notice = _leaving_notices(world.sofie).get()
    assert notice.kind == NoticeKind.MEMBER_REMOVED
    # Several: the team's agreements with the insurer among the parties.
    assert notice.path == "/t/oost/agreements/?party=kind%3Ainsurer"
    assert (
        f"Ines Verzekeraar is uit het wijkverband gehaald: 2 afspraken wachten erop dat je de instemming van"
        f" {INSURER} vastlegt" in _text(client_for("sofie").get("/notifications/").content.decode())
    )
    assert client_for("sofie").get(notice.path).status_code == 200


def test_the_notice_is_done_once_no_agreement_waits_for_them(world, client_for):
    first = _waiting_for_the_insurer(world, title="Eerste afspraak")
    second = _waiting_for_the_insurer(world, title="Tweede afspraak")
    third = _waiting_for_the_insurer(world, title="Derde afspraak")
    _sofie_coordinates(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")
    unread = Notice.objects.filter(read_at__isnull=True, kind=NoticeKind.MEMBER_LEFT)
    assert unread.filter(user=world.carla).count() == 1 and unread.filter(user=world.sofie).count() == 1

    _record(world, first)
    assert unread.count() == 2  # two still wait
    services.party_remove(
        actor=world.carla,
        agreement=Agreement.objects.get(pk=second.pk),
        party=Party.objects.get(agreement=second, organisation=world.insurer),
    )
    assert unread.count() == 2  # one still waits
    services.agreement_end(actor=world.carla, agreement=Agreement.objects.get(pk=third.pk), reason="Niet meer nodig.")
    assert not unread.exists()


def test_the_notice_is_done_when_an_account_of_the_organisation_is_back(world, client_for):
    _waiting_for_the_insurer(world)
    _sofie_coordinates(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")
    unread = Notice.objects.filter(read_at__isnull=True, kind=NoticeKind.MEMBER_LEFT)
    assert unread.count() == 2

    iris = make_user("iris", "Iris Verzekeraar")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=iris, role=Membership.Role.EXTERNAL_PARTY, organisation=world.insurer
    )
    # The insurer decides itself again (its new account is asked): nothing waits on the coordinators.
    assert not unread.exists()


def test_nobody_is_told_while_another_account_of_the_insurer_stays_or_nothing_waits(world, client_for):
    agreement = _waiting_for_the_insurer(world)
    _sofie_coordinates(world)
    iris = make_user("iris", "Iris Verzekeraar")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=iris, role=Membership.Role.EXTERNAL_PARTY, organisation=world.insurer
    )
    assert "laatste account" not in _text(client_for("ines").get("/t/oost/members/leave/").content.decode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")
    assert not _leaving_notices(world.sofie).exists()

    # Iris, the last one now, decided already: nothing waits for its consent.
    agreement = Agreement.objects.get(pk=agreement.pk)
    services.endorsement_record(actor=iris, agreement=agreement, version_number=1, decision="endorsed")
    iris_membership = Membership.objects.get(team=world.team_a, user=iris)
    question = _text(client_for("carla").get(f"/t/oost/members/{iris_membership.pk}/remove/").content.decode())
    assert "laatste account" not in question
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("carla").post(f"/t/oost/members/{iris_membership.pk}/remove/")
    assert not _leaving_notices(world.sofie).exists()


def test_an_ended_or_concept_agreement_is_not_counted(world, client_for):
    """Only what waits for a decision now: a concept is not put to the parties, an ended one asks nothing."""
    concept = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_external(actor=world.carla, agreement=concept, kind=PartyKind.INSURER, name=INSURER)
    ended = _waiting_for_the_insurer(world, title="Beëindigd")
    services.agreement_end(actor=world.carla, agreement=ended, reason="Niet meer nodig.")
    _sofie_coordinates(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")
    assert not _leaving_notices(world.sofie).exists()


# --- the last account is given another role ------------------------------------------------------------

MUNICIPALITY = "Gemeente Utrecht"


def _the_municipalitys_account(world):
    """The municipality takes part in Oost (its wijkteam) and is an external party to a proposed
    agreement; Ida is its account, who decides for it. Sofie coordinates beside Carla."""
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, title="Mantelzorg ontlasten")
    )
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.party_add_external(actor=world.carla, agreement=agreement, kind=PartyKind.MUNICIPALITY, name=MUNICIPALITY)
    agreement = services.agreement_propose(actor=world.carla, agreement=agreement)
    municipality = tenancy.organisation_add(
        actor=world.carla, team=world.team_a, name=MUNICIPALITY, kind=OrganisationKind.MUNICIPALITY
    )
    ida = make_user("ida", "Ida Gemeente")
    tenancy.membership_create(
        actor=None, team=world.team_a, user=ida, role=Membership.Role.EXTERNAL_PARTY, organisation=municipality
    )
    _sofie_coordinates(world)
    return agreement, Membership.objects.get(team=world.team_a, user=ida)


def _role_changed_notices(user):
    return Notice.objects.filter(user=user, kind=NoticeKind.MEMBER_ROLE_CHANGED)


def test_the_coordinators_are_told_when_the_last_account_is_made_client_representative(world, client_for):
    """Carla makes Ida client representative: the question before says the municipality's consent is
    a coordinator's to record after it (as for a removal), and then Sofie is told so, as when Ida
    leaves; Carla read it in the question. Recording the consent makes it done."""
    agreement, ida = _the_municipalitys_account(world)
    url = f"/t/oost/members/{ida.pk}/role/"
    sofie = client_for("sofie")
    count = header_count(sofie)

    question = _text(client_for("carla").post(url, {"role": Membership.Role.CLIENT_REPRESENTATIVE}).content.decode())
    assert (
        f"Ida Gemeente is het laatste account van {MUNICIPALITY} in dit wijkverband: 1 afspraak (“Mantelzorg"
        f" ontlasten”) wacht op de instemming van {MUNICIPALITY}, die daarna een coördinator vastlegt." in question
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("carla").post(url, {"role": Membership.Role.CLIENT_REPRESENTATIVE, "confirmed": "1"})

    assert header_count(sofie) == count + 1
    page = _text(sofie.get("/notifications/").content.decode())
    assert (
        f"Ida Gemeente heeft nu een rol waarin die geen eigenaar kan zijn: 1 afspraak wacht erop dat je de"
        f" instemming van {MUNICIPALITY} vastlegt" in page
    )
    notice = _role_changed_notices(world.sofie).get()
    assert notice.path == f"/t/oost/agreements/{agreement.pk}/" and notice.actor_id == ida.user_id
    assert not _role_changed_notices(world.carla).exists()  # she read it in the question
    assert f"Instemming vastleggen van {MUNICIPALITY}" in _text(
        client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    )

    agreement = Agreement.objects.get(pk=agreement.pk)
    party = Party.objects.get(agreement=agreement, organisation__name=MUNICIPALITY)
    services.consent_record(
        actor=world.carla,
        agreement=agreement,
        party=party,
        version_number=agreement.version_count,
        given_on=timezone.localdate(),
        where_given="Brief van de gemeente",
    )
    assert header_count(sofie) == count


def test_the_last_account_made_member_of_its_organisation_still_decides_and_nobody_is_told(world, client_for):
    """Made member of the municipality (which takes part in the team), Ida decides for it still: she
    is asked to, and the coordinators are not told that it waits for them."""
    agreement, ida = _the_municipalitys_account(world)
    sofie = client_for("sofie")
    count = header_count(sofie)
    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.membership_change_role(actor=world.carla, membership=ida, role=Membership.Role.MEMBER)

    assert header_count(sofie) == count
    assert not Notice.objects.filter(user__in=[world.carla, world.sofie], kind=NoticeKind.MEMBER_ROLE_CHANGED)
    ida_client = Client()
    ida_client.force_login(ida.user)
    assert "Mantelzorg ontlasten" in _text(ida_client.get("/my-work/").content.decode())


def test_a_coordinator_made_member_no_longer_has_the_consent_to_record(world, client_for):
    """Ines left: both coordinators were told the insurer's consent is theirs to record. Made member,
    Sofie records no consent (a coordinator's): that notice goes from her page and her count; Carla,
    who coordinates still, keeps hers."""
    _waiting_for_the_insurer(world)
    _sofie_coordinates(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for("ines").post("/t/oost/members/leave/")
    told = f"1 afspraak wacht erop dat je de instemming van {INSURER} vastlegt"
    sofie = client_for("sofie")
    assert told in _text(sofie.get("/notifications/").content.decode())
    count = header_count(sofie)

    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.membership_change_role(
            actor=world.carla,
            membership=Membership.objects.get(team=world.team_a, user=world.sofie),
            role=Membership.Role.MEMBER,
        )

    assert told not in _text(sofie.get("/notifications/").content.decode())
    assert header_count(sofie) == count - 1
    assert told in _text(client_for("carla").get("/notifications/").content.decode())

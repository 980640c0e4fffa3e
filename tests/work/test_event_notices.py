"""Every event that asks something of a person or tells them their work moved makes a notice for
the right people, and only them: never the actor, never another team, never a client
representative for an internal item (issue: "Mijn werk")."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from tests.bottlenecks.helpers import report
from wijkverband.agreements import services as agreements
from wijkverband.bottlenecks import services as bottlenecks
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.work.models import Notice, NoticeKind, SubjectKind
from wijkverband.work.services import Subject, notices_create

EVERYONE = ["carla", "maarten", "pieter", "sofie", "bram", "rosa", "rik", "olga", "ada", "otto", "chris"]


def got(world, kind, subject) -> set[str]:
    """The personas who have a notice of this kind about this item."""
    users = set(Notice.objects.filter(kind=kind, subject_id=subject.pk).values_list("user_id", flat=True))
    return {name for name in EVERYONE if world.persona(name).pk in users}


def unread(world, name, kind, subject) -> bool:
    return Notice.objects.filter(
        user=world.persona(name), kind=kind, subject_id=subject.pk, read_at__isnull=True
    ).exists()


def committed(fn, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


# --- agreements -------------------------------------------------------------------------------------


@pytest.fixture
def concept(world):
    today = timezone.localdate()
    agreement = agreements.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={
            "title": "Medicatieoverdracht",
            "body": "Tekst",
            "owner": world.carla,
            "review_date": today + timedelta(90),
        },
    )
    for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
        agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return agreement


def test_proposing_asks_the_members_of_each_party_organisation_to_endorse(world, concept):
    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    # carla proposed it (her GP practice is a party): not to herself; sofie's organisation is no party.
    assert got(world, NoticeKind.ENDORSEMENT_REQUESTED, concept) == {"maarten", "pieter"}


def test_an_external_party_added_to_the_pending_version_is_asked_to_decide(world, concept):
    """Found by an exploring tester: adding an insurer asked its account nothing, while adding a
    provider asked its members (notices.endorsement_requested)."""
    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    committed(
        agreements.party_add_external,
        actor=world.carla,
        agreement=concept,
        kind="insurer",
        name=world.insurer.name,
    )
    assert unread(world, "ines", NoticeKind.ENDORSEMENT_REQUESTED, concept)


def test_a_concepts_external_party_is_asked_only_when_it_is_proposed(world, concept):
    committed(
        agreements.party_add_external, actor=world.carla, agreement=concept, kind="insurer", name=world.insurer.name
    )
    assert not unread(world, "ines", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    assert unread(world, "ines", NoticeKind.ENDORSEMENT_REQUESTED, concept)


def test_a_party_removed_from_the_pending_version_is_asked_nothing_any_more(world, concept):
    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    insurer = committed(
        agreements.party_add_external, actor=world.carla, agreement=concept, kind="insurer", name=world.insurer.name
    )
    pharmacy = concept.parties.get(organisation=world.pharmacy)
    assert unread(world, "ines", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    assert unread(world, "pieter", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    committed(agreements.party_remove, actor=world.carla, agreement=concept, party=insurer)
    committed(agreements.party_remove, actor=world.carla, agreement=concept, party=pharmacy)
    assert not unread(world, "ines", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    assert not unread(world, "pieter", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    assert unread(world, "maarten", NoticeKind.ENDORSEMENT_REQUESTED, concept)  # still a party


def test_an_endorsement_tells_the_owner_and_parties_and_ends_that_organisations_request(world, concept):
    agreements.agreement_propose(actor=world.carla, agreement=concept)
    concept.refresh_from_db()
    committed(
        agreements.endorsement_record,
        actor=world.pieter,
        agreement=concept,
        version_number=concept.version_count,
        decision="endorsed",
    )
    assert got(world, NoticeKind.AGREEMENT_ENDORSED, concept) == {"carla", "maarten"}
    assert not unread(world, "pieter", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    assert unread(world, "maarten", NoticeKind.ENDORSEMENT_REQUESTED, concept)


def test_a_declined_endorsement_tells_the_owner_and_parties(world, concept):
    agreements.agreement_propose(actor=world.carla, agreement=concept)
    concept.refresh_from_db()
    agreements.endorsement_record(
        actor=world.maarten,
        agreement=concept,
        version_number=concept.version_count,
        decision="declined",
        reason="Nog niet",
    )
    assert got(world, NoticeKind.AGREEMENT_DECLINED, concept) == {"carla", "pieter"}


def test_adoption_tells_everyone_involved_and_ends_every_request(world, concept):
    agreements.agreement_propose(actor=world.carla, agreement=concept)
    for person in (world.carla, world.maarten, world.pieter):
        concept.refresh_from_db()
        agreements.endorsement_record(
            actor=person, agreement=concept, version_number=concept.version_count, decision="endorsed"
        )
    # pieter's endorsement adopted it: not to himself.
    assert got(world, NoticeKind.AGREEMENT_ADOPTED, concept) == {"carla", "maarten"}
    assert not Notice.objects.filter(kind=NoticeKind.ENDORSEMENT_REQUESTED, read_at__isnull=True).exists()


def test_a_new_version_asks_again_and_ends_the_old_requests(world, concept):
    agreements.agreement_propose(actor=world.carla, agreement=concept)
    concept.refresh_from_db()
    data = {"title": "Medicatieoverdracht", "body": "Nieuwe tekst", "owner": world.carla}
    agreements.agreement_edit(actor=world.carla, agreement=concept, base_version=concept.version_count, data=data)
    requests = Notice.objects.filter(user=world.maarten, kind=NoticeKind.ENDORSEMENT_REQUESTED)
    assert requests.count() == 2 and requests.filter(read_at__isnull=True).get().key.endswith(":v2")


def test_ending_tells_the_owner_and_parties(world, concept):
    agreements.agreement_propose(actor=world.carla, agreement=concept)
    concept.refresh_from_db()
    agreements.agreement_end(actor=world.carla, agreement=concept, reason="Vervangen")
    assert got(world, NoticeKind.AGREEMENT_ENDED, concept) == {"maarten", "pieter"}
    assert not Notice.objects.filter(kind=NoticeKind.ENDORSEMENT_REQUESTED, read_at__isnull=True).exists()


# --- bottlenecks ------------------------------------------------------------------------------------


def _ask(world, b, candidate, actor=None):
    b = Bottleneck.objects.get(pk=b.pk)
    return committed(
        bottlenecks.bottleneck_ask_owner,
        actor=actor or world.carla,
        bottleneck=b,
        version=b.version,
        candidate=candidate,
    )


def test_asking_someone_to_own_it_tells_only_them(world):
    b = report(world)
    _ask(world, b, world.pieter)
    assert got(world, NoticeKind.OWNERSHIP_ASKED, b) == {"pieter"}


def test_accepting_tells_the_reporter_and_who_asked_and_ends_the_request(world):
    b = report(world)  # reported by maarten
    b = _ask(world, b, world.pieter)
    committed(bottlenecks.bottleneck_accept, actor=world.pieter, bottleneck=b, version=b.version)
    assert got(world, NoticeKind.OWNERSHIP_ACCEPTED, b) == {"maarten", "carla"}
    assert not unread(world, "pieter", NoticeKind.OWNERSHIP_ASKED, b)


def test_declining_tells_the_reporter_and_who_asked(world):
    b = _ask(world, report(world), world.pieter)
    bottlenecks.bottleneck_decline(actor=world.pieter, bottleneck=b, version=b.version, reason="Geen tijd")
    assert got(world, NoticeKind.OWNERSHIP_DECLINED, b) == {"maarten", "carla"}


def test_an_escalation_reaches_the_overseers_of_the_teams_region_only(world):
    b = report(world)
    bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Vast")
    assert got(world, NoticeKind.ESCALATED, b) == {"olga", "ada"}  # not otto (another region), not rik


def test_the_regions_answer_reaches_the_owner_and_reporter_and_ends_the_escalation_notices(world):
    b = _ask(world, report(world), world.pieter)
    b = bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
    b = bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Vast")
    b = bottlenecks.bottleneck_region_respond(actor=world.olga, bottleneck=b, version=b.version, note="We bellen")
    assert got(world, NoticeKind.REGION_RESPONDED, b) == {"pieter", "maarten"}
    assert not unread(world, "ada", NoticeKind.ESCALATED, b)  # olga answered for the region
    bottlenecks.bottleneck_region_hand_back(actor=world.olga, bottleneck=b, version=b.version, advice="Zelf oppakken")
    assert got(world, NoticeKind.REGION_HANDED_BACK, b) == {"pieter", "maarten"}


def test_resolving_tells_the_reporter_and_the_organisations_it_affects_too(world):
    b = report(world)  # maarten, district nursing
    b = bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.carla)
    bottlenecks.bottleneck_signal(actor=world.pieter, bottleneck=b)  # the pharmacy: this affects us too
    b = Bottleneck.objects.get(pk=b.pk)
    bottlenecks.bottleneck_resolve(actor=world.carla, bottleneck=b, version=b.version, summary="Afspraak gemaakt")
    assert got(world, NoticeKind.RESOLVED, b) == {"maarten", "pieter"}


def test_nobody_hears_of_their_own_doing(world):
    b = report(world, actor=world.carla)
    b = bottlenecks.bottleneck_ask_owner(actor=world.carla, bottleneck=b, version=b.version, candidate=world.carla)
    bottlenecks.bottleneck_resolve(actor=world.carla, bottleneck=b, version=b.version, summary="Klaar")
    assert got(world, NoticeKind.RESOLVED, b) == set()


# --- the rule in one place --------------------------------------------------------------------------


@pytest.mark.parametrize("internal", [False, True])
def test_a_client_representative_never_hears_of_an_internal_item(world, internal):
    subject = Subject(team=world.team_a, kind=SubjectKind.BOTTLENECK, id=999, title="Iets", path="/", internal=internal)
    recipients = [world.persona(name).pk for name in EVERYONE]
    notices_create(kind=NoticeKind.RESOLVED, subject=subject, recipients=recipients, actor=world.carla, key="k")
    heard = {name for name in EVERYONE if Notice.objects.filter(user=world.persona(name), subject_id=999).exists()}
    readers = {"maarten", "pieter", "sofie", "olga", "ada"}  # team A's professionals, the region's overseers
    assert heard == (readers if internal else readers | {"rosa", "rik"})  # never carla (the actor), bram, otto, chris


def test_the_same_event_twice_makes_one_notice(world):
    subject = Subject(team=world.team_a, kind=SubjectKind.AGREEMENT, id=5, title="A", path="/")
    for _ in range(2):
        notices_create(kind=NoticeKind.AGREEMENT_ENDED, subject=subject, recipients=[world.maarten.pk], key="same")
    assert Notice.objects.filter(user=world.maarten, key="same").count() == 1


def test_the_same_event_twice_pushes_once_and_only_to_those_new_to_it(world, monkeypatch):
    """A retried job or an hourly check that finds the same request: whoever has the notice
    already is not pushed it again (their page would count it twice)."""
    from wijkverband.realtime import publish

    pushed = []
    monkeypatch.setattr(publish, "user_push", lambda *, user_id, frame: pushed.append(user_id))
    subject = Subject(team=world.team_a, kind=SubjectKind.AGREEMENT, id=5, title="A", path="/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert notices_create(kind=NoticeKind.AGREEMENT_ENDED, subject=subject, recipients=[world.maarten.pk], key="k")
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = notices_create(
            kind=NoticeKind.AGREEMENT_ENDED, subject=subject, recipients=[world.maarten.pk, world.sofie.pk], key="k"
        )
    assert made == 1 and pushed == [world.maarten.pk, world.sofie.pk]
    assert Notice.objects.filter(key="k").count() == 2


# --- people who join while a request waits ------------------------------------------------------------


def _request_keys(agreement, user) -> list[str]:
    return list(
        Notice.objects.filter(kind=NoticeKind.ENDORSEMENT_REQUESTED, subject_id=agreement.pk, user=user).values_list(
            "key", flat=True
        )
    )


def _signed_in(user):
    import time

    from django.test import Client

    from wijkverband.accounts.middleware import RENEWED_AT

    client = Client()
    client.force_login(user)
    session = client.session
    session[RENEWED_AT] = int(time.time())
    session.save()
    return client


def test_an_external_partys_account_made_after_the_request_is_asked_too(world, concept):
    """Found by a tester: the insurer's second account, made after the version was put to the parties,
    saw the request in Mijn werk and the header's count, but had no notice (the notices page said
    0), so no digest either. It gets the request the insurer's first account got: the same notice
    (same kind, key and asker), unread, on its notices page."""
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    committed(
        agreements.party_add_external, actor=world.carla, agreement=concept, kind="insurer", name=world.insurer.name
    )
    (asked,) = Notice.objects.filter(kind=NoticeKind.ENDORSEMENT_REQUESTED, subject_id=concept.pk, user=world.ines)
    invitation, _token = committed(
        tenancy.invitation_create,
        actor=world.carla,
        team=world.team_a,
        email="iris@verzekeraar.example",
        role=Membership.Role.EXTERNAL_PARTY,
        organisation=world.insurer,
        site_url="https://wijkverband.example",
    )
    iris, _membership = committed(
        tenancy.invitation_accept_with_new_account, invitation=invitation, name="Iris Verzekeraar", password="x" * 20
    )
    notice = Notice.objects.get(kind=NoticeKind.ENDORSEMENT_REQUESTED, subject_id=concept.pk, user=iris)
    assert (notice.key, notice.actor_id, notice.read_at) == (asked.key, world.carla.pk, None)
    assert _request_keys(concept, world.ines) == [asked.key]  # nobody else is asked twice

    from allauth.mfa.totp.internal.auth import TOTP

    from tests.personas import TOTP_SECRET

    TOTP.activate(iris, TOTP_SECRET)  # as she would before her first page
    response = _signed_in(iris).get("/notifications/")
    assert response.status_code == 200, response.get("Location")
    page = response.content.decode()
    assert "1 ongelezen melding" in page and "Medicatieoverdracht" in page


def test_a_new_member_of_an_organisation_the_request_waits_on_is_asked_too(world, concept):
    """Someone who joins the team for a party organisation that has not decided is asked, as its other
    members were; someone who joins for an organisation that decided already, or is no party, is not."""
    from wijkverband.tenancy import services as tenancy
    from wijkverband.tenancy.models import Membership

    committed(agreements.agreement_propose, actor=world.carla, agreement=concept)
    committed(
        agreements.endorsement_record, actor=world.maarten, agreement=concept, version_number=1, decision="endorsed"
    )
    key = _request_keys(concept, world.pieter)
    member = Membership.Role.MEMBER
    committed(  # bram, of the pharmacy in B, joins A for its pharmacy: it has not decided
        tenancy.membership_create,
        actor=world.carla,
        team=world.team_a,
        user=world.bram,
        role=member,
        organisation=world.pharmacy,
    )
    assert _request_keys(concept, world.bram) == key
    assert unread(world, "bram", NoticeKind.ENDORSEMENT_REQUESTED, concept)
    assert _request_keys(concept, world.pieter) == key  # once

    # Buurtzorg endorsed (maarten): a new nurse is asked nothing. Welzijn is no party.
    from tests.personas import make_user

    nurse, worker = make_user("nina", "Nina Wijkverpleging"), make_user("wim", "Wim Welzijn")
    committed(
        tenancy.membership_create,
        actor=world.carla,
        team=world.team_a,
        user=nurse,
        role=member,
        organisation=world.nursing_a,
    )
    committed(
        tenancy.membership_create,
        actor=world.carla,
        team=world.team_a,
        user=worker,
        role=member,
        organisation=world.social_a,
    )
    assert _request_keys(concept, nurse) == [] and _request_keys(concept, worker) == []

    # A client representative who becomes a member for the pharmacy now acts for it: asked.
    rosa = Membership.objects.get(team=world.team_a, user=world.rosa)
    committed(
        tenancy.membership_change_role, actor=world.carla, membership=rosa, role=member, organisation=world.pharmacy
    )
    assert _request_keys(concept, world.rosa) == key

"""Two people saving or endorsing at the same moment, in separate threads and database connections."""

import threading

import pytest
from django.db import connection

from tests.agreements.conftest import version_data
from tests.postgres import second_waits_for_first
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, AgreementVersion, Endorsement, Status
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership


def _race(*calls):
    """Run the calls at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the result is what we assert on
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_of_two_simultaneous_saves_on_the_same_version_exactly_one_wins(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    results = _race(
        lambda: services.agreement_edit(
            actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Carla")
        ),
        lambda: services.agreement_edit(
            actor=world.maarten, agreement=agreement, base_version=1, data=version_data(world, body="Maarten")
        ),
    )
    refused = [r for r in results if isinstance(r, ActionRefused)]
    saved = [r for r in results if isinstance(r, AgreementVersion)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].code == "conflict"
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.version_count == 2
    assert agreement.current_version.body == saved[0].body


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_endorsement_racing_an_edit_never_counts_for_the_new_version(world):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    results = _race(
        lambda: services.agreement_edit(
            actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Anders")
        ),
        lambda: services.endorsement_record(
            actor=world.maarten, agreement=agreement, version_number=1, decision="endorsed"
        ),
    )
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, ActionRefused)], results
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.version_count == 2
    # Either the endorsement came first (for version 1, which is then outdated) or it was refused.
    assert not Endorsement.objects.filter(version=agreement.current_version).exists()
    if isinstance(results[1], Endorsement):  # it came first: version 1 was adopted, version 2 awaits
        assert agreement.status == Status.ADOPTED and agreement.adopted_version.number == 1
        assert agreement.has_pending_version
    else:
        assert results[1].code == "outdated"
        assert agreement.status == Status.PROPOSED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_save_that_waited_for_an_adoption_reads_the_agreement_as_adopted(world):
    """The endorsement adopts the agreement and keeps its transaction open until the save waits for
    the agreement's lock. Once it commits, the save reads the agreement as adopted: locking and
    reading in one statement gave the new adopted version's id beside no adopted version (PostgreSQL
    reads the locked row again after the wait, not the rows joined to it), and the save failed."""
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.nursing_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    results = second_waits_for_first(
        lambda: services.endorsement_record(
            actor=world.maarten, agreement=agreement, version_number=1, decision="endorsed"
        ),
        lambda: services.agreement_edit(
            actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Anders")
        ),
    )
    assert isinstance(results["first"], Endorsement), results
    assert isinstance(results["second"], AgreementVersion), results
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.status == Status.ADOPTED and agreement.adopted_version.number == 1
    assert agreement.current_version.number == 2 and agreement.current_version.body == "Anders"
    assert agreement.has_pending_version


def _remove(world, person):
    """A coordinator removes `person` from team A (in a thread of its own, scoped as the test is)."""
    membership = Membership.objects.get(team=world.team_a, user=person)
    return tenancy.membership_remove(actor=world.carla, membership=membership)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_owner_removed_while_their_agreement_is_saved_hands_over_the_new_version(world):
    """Carla saves a new version of Pieter's agreement while Pieter is removed from the team: the
    removal waits for the save and then hands the agreement, as saved, to a coordinator. Nothing
    may stay with someone who is no longer in the team."""
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, owner=world.pieter, title="Van Pieter")
    )
    results = second_waits_for_first(
        lambda: services.agreement_edit(
            actor=world.carla,
            agreement=agreement,
            base_version=1,
            data=version_data(world, owner=world.pieter, title="Van Pieter", body="Anders"),
        ),
        lambda: _remove(world, world.pieter),
    )
    assert isinstance(results["first"], AgreementVersion), results
    assert results["second"] is None, results
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.current_version.number == 2 and agreement.current_version.body == "Anders"
    assert agreement.current_version.owner == world.carla


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_save_naming_an_owner_who_is_being_removed_is_refused(world):
    """Pieter is being removed while Carla saves his agreement with him still as its owner (her form
    was opened before): the save waits for the removal and is refused, so the agreement stays with
    the coordinator it was handed to. It used to check the owner before the removal committed, and
    saved a version owned by someone no longer in the team."""
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, owner=world.pieter, title="Van Pieter")
    )
    results = second_waits_for_first(
        lambda: _remove(world, world.pieter),
        lambda: services.agreement_edit(
            actor=world.carla,
            agreement=agreement,
            base_version=1,
            data=version_data(world, owner=world.pieter, title="Van Pieter", body="Anders"),
        ),
    )
    assert results["first"] is None, results
    assert isinstance(results["second"], ActionRefused), results
    assert "eigenaar" in str(results["second"]).lower() or "owner" in str(results["second"]).lower()
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.version_count == 1 and agreement.current_version.owner == world.carla


# --- a request to endorse made while its person is made client representative ---------------------


def _concept_for_district_nursing(world) -> Agreement:
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    for organisation in (world.gp_a, world.nursing_a):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return agreement


def _maarten_made_client_representative(world):
    membership = Membership.objects.get(team=world.team_a, user=world.maarten)
    return tenancy.membership_change_role(
        actor=world.carla, membership=membership, role=Membership.Role.CLIENT_REPRESENTATIVE
    )


def _requests_of(user):
    from wijkverband.work.models import Notice, NoticeKind

    return Notice.objects.filter(user=user, kind=NoticeKind.ENDORSEMENT_REQUESTED)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_member_made_client_representative_while_he_is_asked_to_endorse_keeps_no_request(world):
    """The request is under way (Carla proposes; Maarten is a member still) when he is made client
    representative: the change waits for it and then takes it away, with his other requests."""
    agreement = _concept_for_district_nursing(world)

    results = second_waits_for_first(
        lambda: services.agreement_propose(actor=world.carla, agreement=agreement),
        lambda: _maarten_made_client_representative(world),
    )

    assert isinstance(results["first"], Agreement), results
    assert isinstance(results["second"], Membership), results
    assert not _requests_of(world.maarten).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_request_made_while_its_member_is_made_client_representative_leaves_him_out(world):
    """The other order: the change is under way when Carla proposes. The request leaves him out (his
    membership is held by the change: team_readers_held)."""
    from tests.postgres import second_while_first_open

    agreement = _concept_for_district_nursing(world)

    results = second_while_first_open(
        lambda: _maarten_made_client_representative(world),
        lambda: services.agreement_propose(actor=world.carla, agreement=agreement),
    )

    assert isinstance(results["first"], Membership), results
    assert isinstance(results["second"], Agreement), results
    assert not _requests_of(world.maarten).exists()

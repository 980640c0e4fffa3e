"""Notices and notice preferences written at the same moment as what they depend on, in separate
connections."""

import pytest
from django.db import connection

from tests.bottlenecks.helpers import report
from tests.postgres import second_waits_for_first, second_while_first_open
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership, RegionRole
from wijkverband.work.models import Notice, NoticeKind, NoticePreference
from wijkverband.work.services import notice_preferences_set


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_two_unsubscribes_at_once_both_stay_off(world):
    """Olga follows the one-click "stop these e-mails" link of a mention mail and, at the same
    moment, that of an escalation mail. Each saved every preference as it had read them: the second
    waited for the first and wrote its e-mails about mentions back on, and Olga kept getting the
    mails she had stopped. Each now changes only what it was asked to."""
    notice_preferences_set(actor=world.olga, digest="weekly")

    results = second_waits_for_first(
        lambda: notice_preferences_set(actor=world.olga, email_mentions=False),
        lambda: notice_preferences_set(actor=world.olga, email_escalations=False),
    )
    assert isinstance(results["first"], NoticePreference), results
    assert isinstance(results["second"], NoticePreference), results
    preference = NoticePreference.objects.get(user=world.olga)
    assert (preference.email_mentions, preference.email_escalations) == (False, False)
    assert preference.digest == "weekly" and preference.email_ownership


def _resolve(world, bottleneck, actor=None):
    return bottleneck_services.bottleneck_resolve(
        actor=actor or world.carla, bottleneck=bottleneck, version=bottleneck.version, summary="Afspraak gemaakt."
    )


def _leave(world, user):
    membership = Membership.objects.get(team=world.team_a, user=user)
    return tenancy.membership_remove(actor=user, membership=membership)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_notice_made_while_its_person_leaves_the_team_goes_with_them(world):
    """Carla resolves the bottleneck Pieter reported while Pieter leaves the team. The leaving took
    away his notices of the team before the resolution's notice had committed, and that one stayed:
    in his list and his next digest, linking to a team that is a 404 to him. His leaving now waits
    for the resolution and takes its notice away with the rest."""
    bottleneck = report(world, actor=world.pieter)

    results = second_waits_for_first(lambda: _resolve(world, bottleneck), lambda: _leave(world, world.pieter))
    assert isinstance(results["first"], Bottleneck), results
    assert results["second"] is None, results
    assert not Membership.objects.filter(team=world.team_a, user=world.pieter).exists()
    assert not Notice.objects.across_teams().filter(user=world.pieter, team=world.team_a).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_notice_for_someone_whose_removal_is_under_way_is_not_made(world):
    """The other order: Carla removes Pieter, and in another tab resolves the bottleneck he reported.
    The resolution read him as a member (the removal had not committed), made his notice and
    committed after the removal: a notice of a team he was no longer in. He is now left out."""
    bottleneck = report(world, actor=world.pieter)

    def remove():
        membership = Membership.objects.get(team=world.team_a, user=world.pieter)
        return tenancy.membership_remove(actor=world.carla, membership=membership)

    results = second_waits_for_first(remove, lambda: _resolve(world, bottleneck))
    assert results["first"] is None, results
    assert isinstance(results["second"], Bottleneck), results
    assert not Notice.objects.across_teams().filter(user=world.pieter, team=world.team_a).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_notice_made_while_its_persons_role_changes_still_reaches_them(world):
    """Carla makes Maarten a coordinator and, in another tab, resolves the bottleneck he reported:
    he stays in the team, so he hears of it. (A notice leaves out only someone being removed; a
    change of role holds the membership without keeping notices from it.)"""
    bottleneck = report(world, actor=world.maarten)

    def promote():
        membership = Membership.objects.get(team=world.team_a, user=world.maarten)
        return tenancy.membership_change_role(
            actor=world.carla, membership=membership, role=Membership.Role.COORDINATOR
        )

    results = second_waits_for_first(promote, lambda: _resolve(world, bottleneck))
    assert isinstance(results["first"], Membership), results
    assert isinstance(results["second"], Bottleneck), results
    assert Notice.objects.across_teams().filter(user=world.maarten, kind=NoticeKind.RESOLVED).exists()


def _internal_for_maarten(world):
    return report(world, actor=world.maarten, title="Contract thuiszorg herzien", internal=True, internal_reason="x")


def _demote(world, user):
    membership = Membership.objects.get(team=world.team_a, user=user)
    return tenancy.membership_change_role(
        actor=world.carla, membership=membership, role=Membership.Role.CLIENT_REPRESENTATIVE
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_notice_of_an_internal_item_made_while_its_person_becomes_representative_goes(world):
    """Carla resolves the internal bottleneck Maarten reported while, in another tab, she makes him a
    client representative. The role change took away his notices of internal items before the
    resolution's notice had committed, and that one stayed, linking to a 404. The change now waits
    for it and takes it away."""
    bottleneck = _internal_for_maarten(world)

    results = second_waits_for_first(lambda: _resolve(world, bottleneck), lambda: _demote(world, world.maarten))
    assert isinstance(results["first"], Bottleneck), results
    assert isinstance(results["second"], Membership), results
    assert not Notice.objects.across_teams().filter(user=world.maarten, kind=NoticeKind.RESOLVED).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_notice_of_an_internal_item_for_someone_becoming_representative_is_not_made(world):
    """The other order: the resolution read Maarten as a member (the change had not committed) and
    made his notice after the change had taken his notices of internal items away. He is now left out."""
    bottleneck = _internal_for_maarten(world)

    results = second_waits_for_first(lambda: _demote(world, world.maarten), lambda: _resolve(world, bottleneck))
    assert isinstance(results["first"], Membership), results
    assert isinstance(results["second"], Bottleneck), results
    assert not Notice.objects.across_teams().filter(user=world.maarten, kind=NoticeKind.RESOLVED).exists()


def _escalate(world, bottleneck):
    return bottleneck_services.bottleneck_escalate(
        actor=world.maarten, bottleneck=bottleneck, version=bottleneck.version, reason="Regio"
    )


def _end_olgas_region_role(world):
    region_role = RegionRole.objects.get(region=world.region, user=world.olga)
    return tenancy.region_role_remove(actor=world.ada, region_role=region_role)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_escalation_made_while_the_overseers_region_role_ends_goes_with_it(world):
    """Maarten escalates while Ada ends Olga's region role: the removal waits for the escalation's
    notice and takes it away with Olga's others."""
    bottleneck = report(world)

    results = second_waits_for_first(lambda: _escalate(world, bottleneck), lambda: _end_olgas_region_role(world))
    assert isinstance(results["first"], Bottleneck), results
    assert results["second"] is None, results
    assert not Notice.objects.across_teams().filter(user=world.olga).exists()
    assert Notice.objects.across_teams().filter(user=world.ada, kind=NoticeKind.ESCALATED).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_escalation_for_an_overseer_whose_region_role_is_ending_is_not_made(world):
    """The escalation read Olga's region role while its removal had not committed, and told her after
    the removal had taken her notices away. She is now left out (the escalation does not wait: the
    removal writes to the region's audit chain, the escalation to the team's)."""
    bottleneck = report(world)

    results = second_while_first_open(lambda: _end_olgas_region_role(world), lambda: _escalate(world, bottleneck))
    assert results["first"] is None, results
    assert isinstance(results["second"], Bottleneck), results
    assert not Notice.objects.across_teams().filter(user=world.olga).exists()
    assert Notice.objects.across_teams().filter(user=world.ada, kind=NoticeKind.ESCALATED).exists()


# --- a mention's job while its thread is closed to client representatives ---------------------------


def _mentioned_rosa(world):
    """Carla mentions Rosa (a client representative) in a thread opened to representatives; the
    mention's job waits in the queue, as it does for the moment between the post and the worker."""
    from tests.threads.helpers import post, topic
    from tests.work.helpers import queued_tasks

    thread = topic(world, title="Formatie en roosters", open_to_representatives=True)
    with queued_tasks():
        message = post(thread, world.carla, "@rosa wil je meelezen?").message
    assert not Notice.objects.filter(user=world.rosa).exists()
    return thread, message


def _close(world, thread):
    from wijkverband.threads import services as threads

    return threads.thread_set_open_to_representatives(actor=world.carla, thread=thread, open_to_representatives=False)


def _mention_job(message):
    from wijkverband.threads.services.notifications import post_notices

    return post_notices(message.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_mention_whose_job_runs_while_the_thread_closes_to_representatives_is_not_made(world):
    """Carla mentions Rosa and, before the worker ran the mention's job, closes the thread to client
    representatives. The job read the thread as it was committed (open) while the closing was under
    way, and wrote Rosa's notice after the closing had taken away those of representatives: it stayed
    in her list, count and digest, linking to a thread that is a 404 to her. The job now reads the
    thread under a lock the closing holds, so it waits and leaves her out."""
    thread, message = _mentioned_rosa(world)

    results = second_waits_for_first(lambda: _close(world, thread), lambda: _mention_job(message))
    assert not isinstance(results["first"], Exception), results
    assert results["second"] is None, results
    assert not Notice.objects.filter(user=world.rosa).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_mention_made_while_the_thread_closes_to_representatives_goes_with_the_closing(world):
    """The other order: the job runs first and the closing comes while it is still open. The closing
    took away representatives' notices before the job's had committed, and Rosa's stayed; it now
    waits for the job and takes her notice away."""
    thread, message = _mentioned_rosa(world)

    results = second_waits_for_first(lambda: _mention_job(message), lambda: _close(world, thread))
    assert results["first"] is None, results
    assert not isinstance(results["second"], Exception), results
    assert not Notice.objects.filter(user=world.rosa).exists()


# --- an invitation's mail fails while the coordinator who invited is made member ---------------------


def _carla_invited(world, settings):
    """Carla invited someone (Sofie is a coordinator too, so Carla may be made member); the mail
    server refuses the address for good at the next attempt."""
    from wijkverband.work.models import Mail

    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    from tests.work.helpers import queued_tasks

    with queued_tasks():  # its mail waits in the outbox, unsent
        invitation, _token = tenancy.invitation_create(
            actor=world.carla, team=world.team_a, email="nieuw@example.nl", role="member", organisation=world.social_a
        )
    settings.EMAIL_BACKEND = "tests.work.test_invitation_mail.RefusingBackend"
    return Mail.objects.get(key=invitation.mail_key)


def _refused(mail):
    from wijkverband.work.services.mail import mail_send

    return mail_send(mail.pk)


def _carla_made_member(world):
    membership = Membership.objects.get(team=world.team_a, user=world.carla)
    return tenancy.membership_change_role(actor=world.ada, membership=membership, role=Membership.Role.MEMBER)


def _invitation_notices(user):
    from wijkverband.work.models import SubjectKind

    return Notice.objects.across_teams().filter(user=user, subject_kind=SubjectKind.INVITATION)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_invitation_notice_made_while_its_coordinator_is_made_member_goes_to_the_coordinators(world, settings):
    """Found in a review: the mail of Carla's invitation was refused while Ada made Carla member. The
    notice read Carla as coordinator (the change had not committed), reached her after the change had
    taken away her invitations' notices, and stayed: "Uitnodiging kon niet worden bezorgd", which she
    can no longer act on, and Sofie, who can, never heard. The notice now reads who manages the
    members under a lock the role change holds: it waits, sees Carla a member, and tells Sofie."""
    mail = _carla_invited(world, settings)

    results = second_waits_for_first(lambda: _carla_made_member(world), lambda: _refused(mail))

    assert isinstance(results["first"], Membership), results
    assert results["second"] is False, results
    assert Membership.objects.get(team=world.team_a, user=world.carla).role == Membership.Role.MEMBER
    assert not _invitation_notices(world.carla).exists()
    (notice,) = _invitation_notices(world.sofie)
    assert notice.kind == NoticeKind.INVITATION_UNDELIVERED and notice.title == "nieuw@example.nl"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_coordinator_made_member_while_her_invitations_notice_is_made_waits_and_takes_it_away(world, settings):
    """The other order: the notice is under way (Carla is a coordinator still) when Ada makes her
    member. The change waits for the notice and then takes it away with her other invitations' ones."""
    mail = _carla_invited(world, settings)

    results = second_waits_for_first(lambda: _refused(mail), lambda: _carla_made_member(world))

    assert results["first"] is False, results
    assert isinstance(results["second"], Membership), results
    assert not _invitation_notices(world.carla).exists()


def _ada_invited(world, settings):
    from tests.work.helpers import queued_tasks
    from wijkverband.tenancy.models import Invitation
    from wijkverband.work.models import Mail

    with queued_tasks():  # its mail waits in the outbox, unsent
        invitation, _token = tenancy.invitation_create(
            actor=world.ada, team=world.team_a, email="nieuw@example.nl", role="member", organisation=world.social_a
        )
    settings.EMAIL_BACKEND = "tests.work.test_invitation_mail.RefusingBackend"
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    return Mail.objects.get(key=invitation.mail_key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_invitation_notice_made_while_its_region_administrator_is_made_overseer_goes_to_the_coordinators(
    world, settings
):
    """The same for the region: Ada invited, and is made overseer while the mail is refused."""
    mail = _ada_invited(world, settings)

    def made_overseer():
        return tenancy.region_role_assign(
            actor=None, region=world.region, user=world.ada, role=RegionRole.Role.OVERSEER
        )

    results = second_waits_for_first(made_overseer, lambda: _refused(mail))

    assert isinstance(results["first"], RegionRole), results
    assert results["second"] is False, results
    assert not _invitation_notices(world.ada).exists()
    assert _invitation_notices(world.carla).count() == 1


# --- the hourly job tells the coordinators while one of them is made member ---------------------------


def _unowned_past_its_target(world):
    """Sofie coordinates with Carla; a bottleneck nobody owns: the day the hourly job finds it past
    its acceptance target, it tells the coordinators ("Te laat")."""
    from datetime import timedelta

    from django.utils import timezone

    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    b = report(world, title="Wachtlijst wijkverpleging")
    return b, timezone.localdate() + timedelta(days=10)


def _sofie_made_member(world):
    membership = Membership.objects.get(team=world.team_a, user=world.sofie)
    return tenancy.membership_change_role(actor=world.carla, membership=membership, role=Membership.Role.MEMBER)


def _overdue_told(b) -> set[int]:
    return set(Notice.objects.filter(subject_id=b.pk, kind=NoticeKind.OVERDUE).values_list("user_id", flat=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_the_hourly_job_run_while_a_coordinator_is_made_member_tells_only_the_coordinators(world):
    """Found in a review: the hourly job read Sofie as coordinator while Carla made her member (the
    change had not committed), and its "past the acceptance target" reached her after the change had
    taken such notices away: it stayed, about finding an owner, which she no longer does. The job now
    reads the coordinators under a lock the change holds: it waits, and tells Carla only."""
    from wijkverband.bottlenecks import notices as bottleneck_notices

    b, later = _unowned_past_its_target(world)

    results = second_waits_for_first(lambda: _sofie_made_member(world), lambda: bottleneck_notices.time_check(later))

    assert isinstance(results["first"], Membership), results
    assert results["second"] == 1, results
    assert _overdue_told(b) == {world.carla.pk}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_a_coordinator_made_member_while_the_hourly_job_tells_the_coordinators_waits_and_takes_it_away(world):
    """The other order: the job is telling the coordinators (Sofie one of them still) when Carla makes
    her member. The change waits for the job's notices and then takes hers away."""
    from wijkverband.bottlenecks import notices as bottleneck_notices

    b, later = _unowned_past_its_target(world)

    results = second_waits_for_first(lambda: bottleneck_notices.time_check(later), lambda: _sofie_made_member(world))

    assert results["first"] == 2, results
    assert isinstance(results["second"], Membership), results
    assert _overdue_told(b) == {world.carla.pk}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers with a file lock")
def test_an_agreements_review_notice_made_while_a_coordinator_is_made_member_reaches_its_owner_not_her(world):
    """The same for an agreement's review date near, told to its owner (Maarten) and the coordinators."""
    from datetime import timedelta

    from django.utils import timezone

    from wijkverband.agreements import notices as agreement_notices
    from wijkverband.agreements import services as agreements

    sofie = Membership.objects.get(team=world.team_a, user=world.sofie)
    tenancy.membership_change_role(actor=world.carla, membership=sofie, role=Membership.Role.COORDINATOR)
    review = timezone.localdate() + timedelta(days=20)
    agreement = agreements.agreement_create(
        actor=world.maarten,
        team=world.team_a,
        data={"title": "Wondzorg thuis", "body": "Tekst", "owner": world.maarten, "review_date": review},
    )
    agreements.party_add_organisation(actor=world.maarten, agreement=agreement, organisation=world.pharmacy)
    agreements.agreement_propose(actor=world.maarten, agreement=agreement)

    results = second_waits_for_first(
        lambda: _sofie_made_member(world), lambda: agreement_notices.time_check(timezone.localdate())
    )

    assert isinstance(results["first"], Membership), results
    told = set(
        Notice.objects.filter(subject_id=agreement.pk, kind=NoticeKind.REVIEW_SOON).values_list("user_id", flat=True)
    )
    assert told == {world.maarten.pk, world.carla.pk}, results

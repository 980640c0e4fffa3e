"""The scoped managers: no read of team data without a team in scope (docs/tenancy.md)."""

import pytest
from django.test import Client
from django_scopes import ScopeError, scope

from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Bottleneck, Category, Impact
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.scoping import team_scope
from wijkverband.threads import services as thread_services
from wijkverband.threads.models import Thread
from wijkverband.work.models import Notice


def _report(world, team, actor, title):
    category = Category.objects.for_team(team).filter(team__isnull=True).first()
    return bottleneck_services.bottleneck_report(
        actor=actor,
        team=team,
        title=title,
        description="",
        category=category,
        impact=Impact.LOW,
        affected_kinds=[],
        internal=False,
        internal_reason="",
    )


@pytest.fixture
def items(world):
    return (
        _report(world, world.team_a, world.maarten, "Oost"),
        _report(world, world.team_b, world.bram, "Zuid"),
        _report(world, world.team_c, world.chris, "Vathorst"),
    )


def test_a_read_without_a_team_in_scope_fails_loudly(items):
    with scope():
        for read in (
            lambda: list(Bottleneck.objects.all()),
            lambda: Bottleneck.objects.filter(title="Oost").exists(),
            lambda: Membership.objects.count(),
            lambda: Bottleneck.objects.get(pk=items[0].pk),
            lambda: Bottleneck.objects.select_for_update().first(),
        ):
            with pytest.raises(ScopeError):
                read()


def test_related_managers_fail_loudly_too(world, items):
    with scope(), pytest.raises(ScopeError):
        list(world.team_a.memberships.all())


def test_inside_a_team_scope_every_read_is_that_teams(world, items):
    with team_scope(world.team_a):
        assert [b.title for b in Bottleneck.objects.all()] == ["Oost"]
        assert not Bottleneck.objects.filter(pk=items[1].pk).exists()  # another team's id: not there
        assert {m.team_id for m in world.team_a.memberships.all()} == {world.team_a.pk}


def test_a_region_scope_reads_the_regions_teams_only(world, items):
    with team_scope([world.team_a, world.team_b]):
        assert sorted(b.title for b in Bottleneck.objects.all()) == ["Oost", "Zuid"]


def test_for_team_names_its_team_whatever_the_scope(world, items):
    with scope():
        assert [b.title for b in Bottleneck.objects.for_team(world.team_b)] == ["Zuid"]
    with team_scope(world.team_a):
        assert [b.title for b in Bottleneck.objects.for_team(world.team_c.pk)] == ["Vathorst"]
    with pytest.raises(ValueError):
        Bottleneck.objects.for_team(None)


def test_writes_need_no_scope_but_updates_and_deletes_do(world, items):
    with scope():
        thread = Thread.objects.create(team=world.team_a, title="Nieuw")
        assert thread.pk
        with pytest.raises(ScopeError):
            Thread.objects.filter(pk=thread.pk).update(title="Anders")
        with pytest.raises(ScopeError):
            Thread.objects.filter(pk=thread.pk).delete()


def test_the_built_in_categories_belong_to_every_teams_scope(world):
    own = bottleneck_services.category_add(actor=world.carla, team=world.team_a, name="Eigen categorie")
    with team_scope(world.team_a):
        names = {c.label for c in Category.objects.all()}
    with team_scope(world.team_b):
        others = {c.pk for c in Category.objects.all()}
    assert "Eigen categorie" in names and len(names) > 1
    assert own.pk not in others and others  # team B: the built-in ones, not A's own


def test_services_give_the_same_answer_outside_any_scope(world):
    """A service called from a background task or the socket names its team itself."""
    with scope():
        thread = thread_services.thread_create(actor=world.carla, team=world.team_a, title="Zonder scope")
        posted = thread_services.message_post(actor=world.carla, thread=thread, body="hallo", client_id=_uuid())
        assert thread_services.read_marker_set(actor=world.maarten, thread=thread, seq=posted.message.seq) == 1


def _uuid():
    import uuid

    return str(uuid.uuid4())


def test_the_header_counts_notifications_of_every_team_on_any_teams_page(world):
    """A person's own rows are read across their teams, explicitly: a page of team A must not
    narrow pieter's notification count to team A."""
    for team, author in ((world.team_a, world.carla), (world.team_b, world.bram)):
        thread = thread_services.thread_create(actor=author, team=team, title="Overleg")
        thread_services.message_post(actor=author, thread=thread, body="@Pieter kijk even", client_id=_uuid())
    assert Notice.objects.filter(user=world.pieter, read_at__isnull=True).count() == 2
    client = Client()
    client.force_login(world.pieter)
    page = client.get("/t/oost/").content.decode()
    assert '<span data-count>2</span> <span class="wv-count__word">nieuw</span>' in page


def test_a_page_outside_any_team_reads_across_the_persons_teams(world):
    client = Client()
    client.force_login(world.pieter)
    home = client.get("/").content.decode()
    assert "Utrecht Oost" in home and "Utrecht Zuid" in home


def test_a_view_that_asks_for_a_right_that_does_not_exist_fails_at_import():
    from django.core.exceptions import ImproperlyConfigured

    from wijkverband.tenancy.entry import region_view, team_view

    with pytest.raises(ImproperlyConfigured):
        team_view(needs="can_contibute")
    with pytest.raises(ImproperlyConfigured):
        region_view(needs="can_contribute")  # a team right, not a region right

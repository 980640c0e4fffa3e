"""The team switcher and the two counts in every page's header: what they show, and what they cost."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.selectors import switcher_places, user_memberships, user_region_roles
from wijkverband.work.models import Notice, NoticeKind, SubjectKind
from wijkverband.work.selectors import NoticeTally, newest_notice_id, notice_tally, unread_notice_count

pytestmark = pytest.mark.django_db


def _switcher(html: str) -> list[str]:
    """The switcher's entries as "text -> href [current]", in order."""
    block = html[html.index('class="utrecht-link-list wv-switcher__list"') :]
    block = block[: block.index("</ul>")]
    entries = []
    for item in re.findall(r'<li class="utrecht-link-list__item">(.*?)</li>', block, re.S):
        link = re.search(r'<a class="utrecht-link" href="([^"]+)"( aria-current="page")?>(.*?)</a>', item, re.S)
        if link is None:
            entries.append(re.sub(r"\s+", " ", item).strip())
            continue
        text = re.sub(r"<[^>]+>", "", link.group(3))
        entries.append(f"{' '.join(text.split())} -> {link.group(1)}{' [current]' if link.group(2) else ''}")
    return entries


def test_a_person_in_two_teams_sees_both_by_name_with_the_one_they_are_in_marked(world, client_for):
    html = client_for("pieter").get("/t/zuid/").content.decode()
    assert _switcher(html) == ["Utrecht Oost (Lid) -> /t/oost/", "Utrecht Zuid (Lid) -> /t/zuid/ [current]"]


def test_an_external_party_is_taken_to_the_agreements_and_a_coordinator_sees_their_role(world, client_for):
    assert _switcher(client_for("ines").get("/").content.decode()) == [
        "Utrecht Oost (Externe partij) -> /t/oost/agreements/"
    ]
    assert _switcher(client_for("carla").get("/").content.decode()) == ["Utrecht Oost (Coördinator) -> /t/oost/"]


def test_a_region_role_is_listed_after_the_teams_and_marked_on_the_region_page(world, client_for):
    Membership.objects.create(team=world.team_c, user=world.olga, role=Membership.Role.CLIENT_REPRESENTATIVE)
    html = client_for("olga").get("/r/utrecht/").content.decode()
    assert _switcher(html) == [
        "Vathorst (Cliëntvertegenwoordiger) -> /t/vathorst/",
        "Regio ROSE Utrecht (Regiocoördinator (ROSE)) -> /r/utrecht/ [current]",
    ]


def test_someone_in_no_team_is_told_so(world):
    nobody = get_user_model().objects.create_user(email="niemand@example.org", password="x", name="Niemand")
    client = Client()
    client.force_login(nobody)
    assert _switcher(client.get("/").content.decode()) == ["Je bent nog geen lid van een wijkverband."]


EVERY_PERSONA = ["carla", "maarten", "sofie", "pieter", "bram", "rosa", "olga", "ada", "otto", "rik", "chris", "ines"]


@pytest.mark.parametrize("name", EVERY_PERSONA)
def test_the_switchers_one_compiled_query_answers_as_the_orm_for_every_persona(world, name):
    person = world.persona(name)
    expected = [("team", m.team_id, m.team.name, m.team.slug, m.role) for m in user_memberships(user=person)]
    expected += [("region", r.region_id, r.region.name, r.region.slug, r.role) for r in user_region_roles(user=person)]
    places = switcher_places(user=person)
    assert [(p.kind, p.pk, p.name, p.slug, p.role) for p in places] == expected


def test_the_start_page_lists_the_switcher(world, client_for):
    Membership.objects.create(team=world.team_c, user=world.olga, role=Membership.Role.CLIENT_REPRESENTATIVE)
    html = client_for("olga").get("/").content.decode()
    assert _switcher(html) == [
        "Vathorst (Cliëntvertegenwoordiger) -> /t/vathorst/",
        "Regio ROSE Utrecht (Regiocoördinator (ROSE)) -> /r/utrecht/",
    ]


def _notice(team, user, *, read=False):
    return Notice.objects.create(
        team=team,
        user=user,
        kind=NoticeKind.ACTIVITY,
        subject_kind=SubjectKind.THREAD,
        subject_id=1,
        title="Algemeen",
        path="/",
        key=f"activity:test:{Notice.objects.count()}",
        read_at=timezone.now() if read else None,
    )


def test_the_notice_tally_is_the_unread_count_and_the_newest_notice_in_every_team(world):
    assert notice_tally(user=world.pieter) == NoticeTally(0, 0)
    _notice(world.team_a, world.pieter)
    newest = _notice(world.team_b, world.pieter, read=True)
    _notice(world.team_a, world.carla)  # someone else's
    assert notice_tally(user=world.pieter) == NoticeTally(unread=1, newest_id=newest.pk)
    assert notice_tally(user=world.pieter) == (
        unread_notice_count(user=world.pieter),
        newest_notice_id(user=world.pieter),
    )


def test_the_header_is_one_query_for_the_switcher_and_one_for_both_counts(world, client_for, settings):
    """The switcher (teams and regions) and the header's two counts (unread notices, and the
    newest notice that tells whether the kept "Mijn werk" count still holds) were four queries
    on every page."""
    settings.MY_WORK_COUNT_SECONDS = 30
    Membership.objects.create(team=world.team_c, user=world.olga, role=Membership.Role.CLIENT_REPRESENTATIVE)
    _notice(world.team_c, world.olga)
    client = client_for("olga")
    client.get("/t/vathorst/threads/")  # keeps the Mijn werk count
    with CaptureQueriesContext(connection) as page:
        html = client.get("/t/vathorst/threads/").content.decode()
    sqls = [q["sql"] for q in page.captured_queries]
    assert len([sql for sql in sqls if '"tenancy_membership"' in sql and '"tenancy_regionrole"' in sql]) == 1
    assert len([sql for sql in sqls if "work_notice" in sql]) == 1
    assert not any('"tenancy_regionrole"' in sql and '"tenancy_membership"' not in sql for sql in sqls)
    assert "data-unread-notifications><span data-count>1</span>" in html
    assert len(_switcher(html)) == 2


@pytest.mark.parametrize("path", ["/t/oost/threads/", "/"])
def test_a_page_reads_its_header_in_one_trip_and_the_second_factor_rule_with_the_session(world, client_for, path):
    """Each trip to the database costs a page on a busy worker more than its query (its thread
    waits for the GIL again): the header's switcher and its counts go to PostgreSQL in one query
    string (core.header), and the second-factor rule is read in the session's statement, with the
    person. A redirect reads no header. Where the session's read did not read the person (its copy
    in the session row is someone else's), the rule asks a query of its own."""
    from wijkverband.accounts.models import Session
    from wijkverband.core import rows
    from wijkverband.tenancy.selectors import _switcher_places
    from wijkverband.work.selectors import _notice_tally

    def _start_of(build) -> str:
        """The longest piece of the query's text as compiled once, between its parameters."""
        return max(rows._compiled_sql(build, connection.alias)[0].split("%s"), key=len)

    client = client_for("maarten")
    client.get(path)

    def trips(method, path, **extra):
        with CaptureQueriesContext(connection) as page:
            response = getattr(client, method)(path, **extra)
        assert response.status_code in {200, 302}, response.status_code
        sqls = [q["sql"] for q in page.captured_queries]
        return (
            [sql for sql in sqls if "mfa_authenticator" in sql],
            [sql for sql in sqls if _start_of(_switcher_places) in sql],
            [sql for sql in sqls if _start_of(_notice_tally) in sql],
        )

    checks, switchers, tallies = trips("get", path)
    assert len(checks) == 1 and "accounts_session" in checks[0]
    assert len(switchers) == 1 and len(tallies) == 1
    # One trip on PostgreSQL; SQLite takes one statement at a time.
    assert (switchers == tallies) is (connection.vendor == "postgresql")
    checks, switchers, tallies = trips("post", "/notifications/")
    assert len(checks) == 1 and "accounts_session" in checks[0] and switchers == tallies == []

    Session.objects.update(user_id=world.carla.pk)  # the person is then read as Django reads them
    checks, switchers, _tallies = trips("get", path)
    assert len(checks) == 2 and checks[1] not in switchers and len(switchers) == 1


def test_the_header_counts_what_the_view_marked_read(world, client_for):
    """The header is read when the page is rendered, after the view: opening the thread a notice
    was about marks it read, and that page's header no longer counts it."""
    import uuid

    from wijkverband.threads import services as threads

    thread = threads.thread_create(actor=world.carla, team=world.team_a, title="Overleg")
    threads.message_post(actor=world.carla, thread=thread, body="@Maarten kijk je mee?", client_id=uuid.uuid4())
    client = client_for("maarten")
    assert "data-unread-notifications><span data-count>1</span>" in client.get("/t/oost/threads/").content.decode()
    html = client.get(f"/t/oost/threads/{thread.pk}/").content.decode()
    assert "data-unread-notifications hidden><span data-count>0</span>" in html
    assert Notice.objects.across_teams().filter(user=world.maarten, read_at__isnull=True).count() == 0

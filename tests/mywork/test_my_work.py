"""Mijn werk: what is asked of a person, what is theirs, what they wait for, across teams and regions."""

import re
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.mywork.conftest import ask_confirmation, ask_owner, escalate, proposed_agreement, report
from wijkverband.agreements.models import Endorsement
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.mywork.selectors import asked_count, my_work
from wijkverband.threads.models import Acknowledgement
from wijkverband.work.models import Notice


def kinds(items):
    return [(item.kind, item.title) for item in items]


def test_ownership_asked_shows_for_the_candidate_and_as_waiting_for_who_asked(world):
    b = ask_owner(world, report(world))
    pieter = my_work(user=world.pieter)
    assert kinds(pieter.asked) == [("own", b.title)]
    assert pieter.asked[0].who == world.carla.name
    assert kinds(my_work(user=world.carla).waiting) == [("ownership", b.title)]
    assert asked_count(user=world.pieter) == 1
    assert not my_work(user=world.bram).total  # another team
    assert not my_work(user=world.maarten).asked  # the reporter is not asked


def test_endorsement_asked_of_every_professional_of_a_party_organisation(world):
    agreement = proposed_agreement(world)
    title = agreement.current_version.title
    assert kinds(my_work(user=world.pieter).asked) == [("endorse", title)]
    assert not my_work(user=world.maarten).asked  # nursing is no party
    assert not my_work(user=world.rosa).asked
    assert kinds(my_work(user=world.carla).waiting) == [("endorsements", title)]
    assert my_work(user=world.carla).waiting[0].pending == 2
    # carla's own organisation (the GP) is a party too: she is asked as well
    assert kinds(my_work(user=world.carla).asked) == [("endorse", title)]


def test_confirmation_asked_until_confirmed(world):
    thread, message = ask_confirmation(world)
    assert kinds(my_work(user=world.maarten).asked) == [("confirm", thread.title)]
    assert not my_work(user=world.carla).asked  # the author
    assert not my_work(user=world.rosa).asked
    assert not my_work(user=world.bram).asked


def test_escalation_waits_on_the_regions_overseers_and_on_who_escalated(world):
    b = escalate(world, report(world))
    assert kinds(my_work(user=world.olga).asked) == [("respond", b.title)]
    assert kinds(my_work(user=world.ada).asked) == [("respond", b.title)]
    assert not my_work(user=world.otto).asked  # another region
    assert not my_work(user=world.rik).asked  # a representative answers nothing
    assert kinds(my_work(user=world.maarten).waiting) == [("escalation", b.title)]
    assert kinds(my_work(user=world.maarten).mine) == [("owned", b.title)]


def test_owned_bottlenecks_and_reviews_due_are_mine_overdue_first(world, client_for):
    today = timezone.localdate()
    late = report(world, title="Te laat")
    soon = report(world, title="Op tijd")
    for b in (late, soon):
        ask_owner(world, b, actor=world.maarten, candidate=world.maarten)
    Bottleneck.objects.filter(pk=late.pk).update(resolve_due=today - timedelta(days=7))
    Bottleneck.objects.filter(pk=soon.pk).update(resolve_due=today - timedelta(days=1) + timedelta(days=5))
    agreement = proposed_agreement(world, owner=world.maarten, organisations=[world.nursing_a])
    agreement.current_version.review_date = today + timedelta(days=10)
    agreement.current_version.save()
    work = my_work(user=world.maarten)
    assert [(i.kind, i.title, i.overdue) for i in work.mine] == [
        ("owned", "Te laat", True),
        ("owned", "Op tijd", False),
        ("review", agreement.current_version.title, False),
    ]
    # One word for it on the page: its opening said "Wat over de termijn is, staat bovenaan" above
    # items marked "te laat".
    page = client_for("maarten").get("/my-work/").content.decode()
    assert "Wat te laat is, staat bovenaan." in page and ">te laat<" in page
    assert "over de termijn" not in page


def test_waiting_time_counts_working_days_against_the_target(world):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0)), tick=False):  # Monday
        b = ask_owner(world, report(world))  # impact high: two working days to accept
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 9, 10, 0)), tick=False):  # Monday after
        item = my_work(user=world.pieter).asked[0]
        assert (item.waited_days, item.target_days, item.overdue) == (5, 2, True)
        response_text = item.title
        # The line under the title, in Dutch and in English.
        with translation.override("nl"):
            assert item.wait_line == (
                "Wacht 5 werkdagen (termijn: 2 werkdagen) · uiterlijk 4 maart 2026 · gevraagd door Carla Coördinator"
            )
            waiting = my_work(user=world.carla).waiting[0]
            assert waiting.wait_line == (
                "Wacht 5 werkdagen (termijn: 2 werkdagen) · uiterlijk 4 maart 2026 · wacht op Pieter Apotheker"
            )
        with translation.override("en"):
            assert item.wait_line == (
                "Waiting 5 working days (target 2 working days) · due 4 March 2026 · asked by Carla Coördinator"
            )
    assert response_text == b.title


def test_the_page_lists_the_sections_and_filters_by_team_without_javascript(world, client_for):
    a = ask_owner(world, report(world, title="In Oost"))
    z = ask_owner(world, report(world, team=world.team_b, actor=world.bram, title="In Zuid"), actor=world.bram)
    client = client_for("pieter")
    page = client.get("/my-work/").content.decode()
    assert a.title in page and z.title in page
    assert 'name="team"' in page
    filtered = client.get("/my-work/?team=zuid").content.decode()
    assert z.title in filtered and a.title not in filtered
    part = client.get("/my-work/?part=list").content.decode()
    assert "<html" not in part and a.title in part
    # A team the person is not in filters nothing (and leaks nothing)
    assert a.title in client.get("/my-work/?team=vathorst").content.decode()


def test_the_header_counts_what_is_asked_of_me(world, client_for):
    ask_owner(world, report(world))
    page = client_for("pieter").get("/").content.decode()
    assert "data-my-work-count" in page and "data-my-work-count hidden" not in page
    assert client_for("pieter").get("/my-work/count/").json() == {"count": 1, "unread": 1}  # the ask's notice
    assert client_for("bram").get("/my-work/count/").json() == {"count": 0, "unread": 0}


def test_the_live_refresh_also_gives_the_unread_notices_in_as_many_queries_as_before(world, client_for):
    """A page whose socket came back asks /my-work/count/ (app.js): what was pushed while the socket
    was down never came, so the header's unread count comes with it. Read in the query that stamps
    the kept count (newest notice), so the refresh costs no more trips than it did."""
    ask_owner(world, report(world))
    pieter = client_for("pieter")
    pieter.get("/my-work/count/")  # the session's first read out of the way
    with CaptureQueriesContext(connection) as trips:
        answer = pieter.get("/my-work/count/").json()
    assert answer == {"count": 1, "unread": 1}
    assert len(trips.captured_queries) == 3, [q["sql"] for q in trips.captured_queries]
    Notice.objects.across_teams().filter(user=world.pieter).update(read_at=timezone.now())
    assert pieter.get("/my-work/count/").json() == {"count": 1, "unread": 0}


def test_accept_in_place_without_javascript(world, client_for):
    b = ask_owner(world, report(world))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for("pieter").post(
            f"/t/oost/my-work/own/{b.pk}/accept/", {"version": b.version + 1 - 1, "next": "/my-work/"}
        )
    # At the word that it is done (base.html's #done), which takes the focus without JavaScript.
    assert response.status_code == 302 and response["Location"] == "/my-work/#done"
    b.refresh_from_db()
    assert b.owner == world.pieter
    assert not my_work(user=world.pieter).asked
    assert not my_work(user=world.carla).waiting


def test_accept_with_htmx_answers_the_item_in_place(world, client_for):
    b = ask_owner(world, report(world))
    b.refresh_from_db()
    response = client_for("pieter").post(
        f"/t/oost/my-work/own/{b.pk}/accept/", {"version": b.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # The answer goes into the page's messages, out of band: the list refresh that the trigger
    # starts replaces the list, and would wipe an answer kept inside it.
    page = BeautifulSoup(response.content, "html.parser")
    answer = page.select_one("#messages[hx-swap-oob='innerHTML'] [data-work-answer]")
    assert answer.get_text(strip=True) == f"Je bent nu eigenaar van “{b.title}”."
    assert "role" not in answer.attrs  # the region is a status; only a refusal is an alert
    assert response["HX-Trigger"] == "wv-work-changed"
    b.refresh_from_db()
    assert b.owner == world.pieter


def test_refused_in_place_answers_as_an_alert_and_changes_nothing(world, client_for):
    b = ask_owner(world, report(world))
    b.refresh_from_db()
    response = client_for("pieter").post(
        f"/t/oost/my-work/own/{b.pk}/accept/", {"version": b.version - 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    answer = BeautifulSoup(response.content, "html.parser").select_one("#messages [data-work-answer]")
    assert answer["role"] == "alert" and "utrecht-alert--error" in answer["class"]
    assert Bottleneck.objects.get(pk=b.pk).owner is None


def test_accepting_twice_in_place_says_you_already_own_it(world, client_for):
    """Back and resend (or a second tab): it is done, not someone else's change."""
    b = ask_owner(world, report(world))
    b.refresh_from_db()
    pieter = client_for("pieter")
    url = f"/t/oost/my-work/own/{b.pk}/accept/"
    pieter.post(url, {"version": b.version, "next": "/my-work/"})
    response = pieter.post(url, {"version": b.version}, HTTP_HX_REQUEST="true")
    answer = BeautifulSoup(response.content, "html.parser").select_one("#messages [data-work-answer]")
    assert answer.get_text(strip=True) == "Je bent al eigenaar van dit knelpunt."
    assert "role" not in answer.attrs and "utrecht-alert--ok" in answer["class"]


def test_decline_needs_a_reason_and_changes_nothing_without_one(world, client_for):
    b = ask_owner(world, report(world))
    b.refresh_from_db()
    response = client_for("pieter").post(f"/t/oost/my-work/own/{b.pk}/decline/", {"version": b.version, "reason": ""})
    assert response.status_code == 400
    assert "Geef aan waarom je het afwijst" in response.content.decode()
    assert Bottleneck.objects.get(pk=b.pk).owner_candidate == world.pieter
    client_for("pieter").post(f"/t/oost/my-work/own/{b.pk}/decline/", {"version": b.version, "reason": "Geen tijd"})
    assert Bottleneck.objects.get(pk=b.pk).owner_candidate is None


def _decline_item(html, b):
    page = BeautifulSoup(html, "html.parser")
    return page.select_one(f"li#work-own-{b.team_id}-{b.pk}")


@pytest.mark.parametrize("htmx", [False, True])
def test_a_decline_reason_with_client_data_is_refused_at_its_field_and_kept(world, client_for, htmx):
    """Found by an exploratory test: the refusal came back with "Afwijzen" closed, the reason
    gone, and a message naming "Toelichting", a word not on that form."""
    b = ask_owner(world, report(world))
    b.refresh_from_db()
    typed = "Ik ken Jan Jansen 12-03-1945 niet"
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for("pieter").post(
        f"/t/oost/my-work/own/{b.pk}/decline/", {"version": b.version, "reason": typed, "next": "/my-work/"}, **extra
    )
    assert response.status_code == (200 if htmx else 400)
    if htmx:
        assert response["HX-Reswap"] == "outerHTML"  # the item stays, instead of leaving the list
    item = _decline_item(response.content, b)
    assert item.select_one("details").has_attr("open")
    box = item.select_one("input[name=reason]")
    assert box["value"] == typed and box["aria-invalid"] == "true"
    error = item.select_one(f"#{box['aria-describedby'].split()[0]}").get_text(" ", strip=True)
    label = item.select_one(f"label[for={box['id']}]").get_text(strip=True)
    assert error.startswith(f"{label} lijkt cliëntgegevens te bevatten")
    assert "Toelichting" not in response.content.decode()
    assert Bottleneck.objects.get(pk=b.pk).owner_candidate == world.pieter


def test_endorse_in_place(world, client_for):
    agreement = proposed_agreement(world)
    response = client_for("pieter").post(
        f"/t/oost/my-work/endorse/{agreement.pk}/", {"version": agreement.version_count}
    )
    assert response.status_code == 302
    assert Endorsement.objects.filter(agreement=agreement, party__organisation=world.pharmacy).exists()
    assert not my_work(user=world.pieter).asked


def test_endorse_an_older_version_is_refused_and_changes_nothing(world, client_for):
    agreement = proposed_agreement(world)
    response = client_for("pieter").post(f"/t/oost/my-work/endorse/{agreement.pk}/", {"version": 99})
    assert response.status_code == 302
    assert not Endorsement.objects.filter(agreement=agreement).exists()


def test_confirm_in_place(world, client_for):
    thread, message = ask_confirmation(world)
    response = client_for("maarten").post(f"/t/oost/my-work/confirm/{thread.pk}/{message.pk}/")
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(message=message, user=world.maarten).exists()
    assert not my_work(user=world.maarten).asked


def test_the_team_home_starts_with_for_you(world, client_for):
    b = ask_owner(world, report(world))
    page = client_for("pieter").get("/t/oost/").content.decode()
    assert page.index("for-you-heading") < page.index("core-heading")
    assert b.title in page
    assert b.title not in client_for("bram").get("/t/zuid/").content.decode()


def test_the_start_pages_count_says_it_counts_what_is_asked_of_you(world, client_for):
    """It said "Mijn werk: 1 item" while Mijn werk held more (what is theirs, what they wait
    for): the count is of what is asked, as the header's, and says so."""
    ask_owner(world, report(world))
    page = client_for("pieter").get("/").content.decode()
    assert "Mijn werk: 1 gevraagd van jou</a>" in page
    assert "Mijn werk: 1 item" not in page


def test_an_overseers_start_page_shows_the_regions_queue(world, client_for):
    b = escalate(world, report(world))
    page = client_for("olga").get("/").content.decode()
    assert "Je bent nog geen lid" not in page and "teams-heading" not in page
    assert "Opschalingen van ROSE Utrecht" in page  # pages are Dutch
    assert b.title in page
    assert b.title not in client_for("otto").get("/").content.decode()


def test_an_overseers_start_page_lists_an_escalation_to_answer_once(world, client_for):
    """Found by an exploratory test at 390 × 844: an overseer saw each escalation waiting for the
    region twice, under "Voor jou" ("Antwoorden namens de regio") and again as a row of the region's
    queue right below it: eight blocks for four escalations. It is listed once now, as something asked
    of them; the queue below says so and keeps what is not asked (an answered escalation the team
    has not closed), with the link to the whole queue."""
    from wijkverband.bottlenecks import services as bottleneck_services

    waiting = escalate(world, report(world, title="Wachtende escalatie"))
    page = client_for("olga").get("/").content.decode()
    assert page.count(waiting.title) == 1
    assert "Antwoorden namens de regio" in page and "Opschalingen van ROSE Utrecht" in page
    assert "Wat nog op antwoord van de regio wacht, staat hierboven." in page
    assert "wv-escalations" not in page  # no table: every row of it is listed above
    assert "Alle opschalingen (1 knelpunt)" in page

    answered = escalate(world, report(world, title="Beantwoorde escalatie"))
    answered.refresh_from_db()
    bottleneck_services.bottleneck_region_respond(
        actor=world.olga, bottleneck=answered, version=answered.version, note="Bespreken we in het ROSE-overleg"
    )
    page = client_for("olga").get("/").content.decode()
    assert page.count(waiting.title) == 1 and page.count(answered.title) == 1
    table = page[page.index("wv-escalations") : page.index("</table>")]
    assert answered.title in table and waiting.title not in table
    assert "Alle opschalingen (2 knelpunten)" in page
    # With nothing asked, no word about "above".
    Bottleneck.objects.filter(pk=waiting.pk).update(status="closed")
    page = client_for("olga").get("/").content.decode()
    assert "staat hierboven" not in page and answered.title in page


def test_the_escalation_queue_puts_overdue_first_and_shows_the_wait(world, client_for):
    old = escalate(world, report(world, title="Oude escalatie"))
    new = escalate(world, report(world, title="Nieuwe escalatie"))
    Bottleneck.objects.filter(pk=old.pk).update(escalated_at=timezone.now() - timedelta(days=30))
    Bottleneck.objects.filter(pk=new.pk).update(escalated_at=timezone.now() - timedelta(days=60))
    # both overdue: the longest waiting first; then one answered-in-time one stays below
    fresh = escalate(world, report(world, title="Verse escalatie"))
    page = client_for("olga").get("/r/utrecht/bottlenecks/escalations/").content.decode()
    assert page.index(new.title) < page.index(old.title) < page.index(fresh.title)
    assert "data-overdue" in page
    assert "van 5 werkdagen" in page


def test_an_answered_escalation_goes_below_those_waiting_and_is_no_longer_late(world, client_for):
    """Found by an exploratory test: answered, an escalation still showed "te laat · 9 van 5
    werkdagen" and stood above one still waiting."""
    from wijkverband.bottlenecks import services as bottleneck_services

    answered = escalate(world, report(world, title="Beantwoorde escalatie"))
    waiting = escalate(world, report(world, title="Wachtende escalatie"))
    Bottleneck.objects.filter(pk=answered.pk).update(escalated_at=timezone.now() - timedelta(days=20))
    Bottleneck.objects.filter(pk=waiting.pk).update(escalated_at=timezone.now() - timedelta(days=2))
    answered.refresh_from_db()
    bottleneck_services.bottleneck_region_respond(
        actor=world.olga, bottleneck=answered, version=answered.version, note="Bespreken we in het ROSE-overleg"
    )
    page = client_for("olga").get("/r/utrecht/bottlenecks/escalations/").content.decode()
    assert page.index(waiting.title) < page.index(answered.title)
    row = page[page.index(answered.title) : page.index("</tr>", page.index(answered.title))]
    assert "te laat" not in row and "data-overdue" not in row
    assert "niet meer" in row and "beantwoord" in row


# --- queries ---------------------------------------------------------------------------------------


def _spread_work(world, teams: int, per_team: int):
    """pieter in `teams` teams, each with items of every kind waiting on him."""
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership, OrganisationKind

    made = [(world.team_a, [world.gp_a, world.pharmacy])]
    for n in range(teams - 1):
        team = tenancy_services.team_create(
            actor=None, region=world.region, name=f"Team {n}", slug=f"team-{n}", municipality="Utrecht"
        )
        pharmacy = tenancy_services.organisation_add(
            actor=None, team=team, name="Apotheek Linde", kind=OrganisationKind.PHARMACY
        )
        gp = tenancy_services.organisation_add(actor=None, team=team, name=f"Huisarts {n}", kind=OrganisationKind.GP)
        role = Membership.Role
        tenancy_services.membership_create(
            actor=None, team=team, user=world.pieter, role=role.MEMBER, organisation=pharmacy
        )
        tenancy_services.membership_create(
            actor=None, team=team, user=world.carla, role=role.COORDINATOR, organisation=gp
        )
        made.append((team, [gp, pharmacy]))
    for team, organisations in made:
        for i in range(per_team):
            proposed_agreement(world, team=team, title=f"Afspraak {team.slug} {i}", organisations=organisations)
            proposed_agreement(
                world,
                team=team,
                title=f"Eigen afspraak {team.slug} {i}",
                owner=world.pieter,
                organisations=organisations,
            )
            b = report(world, actor=world.carla, team=team, title=f"Knelpunt {team.slug} {i}")
            ask_owner(world, b, actor=world.carla)
            mine = report(world, actor=world.carla, team=team, title=f"Eigen {team.slug} {i}")
            ask_owner(world, mine, actor=world.pieter, candidate=world.pieter)
            escalate(world, mine, actor=world.pieter)
            ask_confirmation(world, team=team, title=f"Gesprek {team.slug} {i}")
    return made


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_my_work_and_the_count_cost_the_same_queries_for_one_or_many_teams(world, client_for):
    _spread_work(world, teams=1, per_team=1)
    client = client_for("pieter")
    client.get("/my-work/")  # warm the session and the rights
    small_page = _queries(lambda: client.get("/my-work/"))
    small_count = _queries(lambda: asked_count(user=world.pieter))
    small_olga = _queries(lambda: my_work(user=world.olga))
    # (Under KIND_LIMIT a kind: a kind with more also counts them, one query more.)
    _spread_work(world, teams=5, per_team=2)
    assert my_work(user=world.pieter).total > 20
    client.get("/my-work/")  # the header counts the new asks once (new notices), then keeps the count
    assert _queries(lambda: client.get("/my-work/")) == small_page
    assert _queries(lambda: client.get("/my-work/?team=team-2")) == small_page  # filtered in SQL
    assert _queries(lambda: asked_count(user=world.pieter)) == small_count == 1
    assert _queries(lambda: my_work(user=world.olga)) == small_olga


def _header_count(client) -> str:
    import re

    page = client.get("/my-work/").content.decode()
    return re.search(r"data-my-work-count[^>]*><span data-count>(\d+)</span>", page).group(1)


def test_the_header_count_is_kept_and_counted_again_when_something_new_is_asked(world, client_for, settings):
    settings.MY_WORK_COUNT_SECONDS = 30  # (the suite counts on every page: tests/conftest.py)
    pieter = client_for("pieter")
    assert _header_count(pieter) == "0"
    # Kept: the next page does not count again (only the newest-notice lookup).
    with CaptureQueriesContext(connection) as kept:
        pieter.get("/my-work/count/")  # (counts afresh: the live refresh)
    with CaptureQueriesContext(connection) as page:
        _header_count(pieter)
    assert not any(
        "COALESCE((SELECT COUNT(*)" in q["sql"] and "accounts_user" in q["sql"] for q in page.captured_queries
    )
    assert any("COALESCE((SELECT COUNT(*)" in q["sql"] for q in kept.captured_queries)
    # Something new is asked of him (it comes with a notice): the very next page counts it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        b = ask_owner(world, report(world))
    assert _header_count(pieter) == "1"
    # His own write (he takes it on) drops the kept count: the page he lands on shows it done.
    with TestCase.captureOnCommitCallbacks(execute=True):
        pieter.post(f"/t/oost/my-work/own/{b.pk}/accept/", {"version": b.version, "next": "/my-work/"})
    assert _header_count(pieter) == "0"


def test_a_change_without_a_notice_shows_within_the_keeping_time_or_at_once_without_keeping(
    world, client_for, settings, monkeypatch
):
    from wijkverband.core import header
    from wijkverband.mywork import selectors
    from wijkverband.work.selectors import NoticeTally

    settings.MY_WORK_COUNT_SECONDS = 30
    # As if no notice came with it, where the count endpoint and where the page's header read it.
    monkeypatch.setattr(selectors, "newest_notice_id", lambda user: 0)
    tally = header._READS["notice_tally"]
    monkeypatch.setitem(
        header._READS,
        "notice_tally",
        header.HeaderRead(statement=tally.statement, result=lambda row: NoticeTally(0, 0)),
    )
    pieter = client_for("pieter")
    assert _header_count(pieter) == "0"
    ask_owner(world, report(world))
    assert _header_count(pieter) == "0"  # kept (for MY_WORK_COUNT_SECONDS)
    settings.MY_WORK_COUNT_SECONDS = 0
    assert _header_count(pieter) == "1"


def test_a_cache_that_cannot_be_read_only_costs_the_count(world, client_for, monkeypatch, settings):
    settings.MY_WORK_COUNT_SECONDS = 30
    from django.core.cache import cache

    def away(*args, **kwargs):
        raise ConnectionError("redis away")

    monkeypatch.setattr(cache, "get", away)
    monkeypatch.setattr(cache, "set", away)
    ask_owner(world, report(world))
    assert _header_count(client_for("pieter")) == "1"


def test_the_kept_query_of_the_count_counts_as_the_orm_for_every_persona(world):
    """asked_count runs the ORM's query compiled once per process with the person's id put in
    (core.rows.Compiled). For that the query must have one shape for everyone, the id only a
    parameter; and what it counts must be what the six selectors count."""
    from django.contrib.auth import get_user_model

    from wijkverband.agreements import selectors as agreements
    from wijkverband.bottlenecks import selectors as bottlenecks
    from wijkverband.mywork.selectors import _asked_counts
    from wijkverband.signals import selectors as signals
    from wijkverband.threads import selectors as threads
    from wijkverband.wijkcard import selectors as wijkcard

    ask_owner(world, report(world))
    escalate(world, report(world, title="Wachtlijst wijkverpleging"))
    proposed_agreement(world)
    ask_confirmation(world)
    people = get_user_model().objects.order_by("pk")
    sql = {_asked_counts(person.pk).query.sql_with_params()[0] for person in people}
    assert len(sql) == 1, "the count's query changes shape with the person"
    counted = {}
    for person in people:
        selectors = [
            agreements.endorsements_asked_of(user=person),
            bottlenecks.ownership_asked_of(user=person),
            threads.confirmations_asked_of(user=person),
            bottlenecks.escalations_to_answer(user=person),
            wijkcard.corrections_asked_of(user=person),
            signals.to_triage_for(user=person),
        ]
        counted[person.email] = (asked_count(user=person), sum(queryset.count() for queryset in selectors))
    assert all(kept == orm for kept, orm in counted.values()), counted
    # Not all nought: the endorsements, the ownership, the confirmations, the region's queue.
    assert counted[world.pieter.email][0] >= 2
    assert counted[world.olga.email][0] >= 1
    assert counted[world.maarten.email][0] >= 1


def test_a_compiled_query_refuses_a_builder_that_does_not_use_its_value_as_a_parameter(world):
    from django.contrib.auth import get_user_model
    from django.db.models.expressions import RawSQL

    from wijkverband.core import rows

    def ignores(_user_id):
        return get_user_model().objects.filter(pk=1).values_list("pk")

    def inlines(user_id):
        return get_user_model().objects.filter(pk=RawSQL(str(user_id), [])).values_list("pk")  # noqa: S611 - a test of the refusal

    def as_text(user_id):
        return get_user_model().objects.filter(email=str(user_id), pk=user_id).values_list("pk")

    for build in (ignores, inlines, as_text):
        with pytest.raises(ValueError, match="must use its value"):
            rows.Compiled(build, world.pieter.pk)


def test_a_compiled_query_must_be_declared_so_a_new_worker_compiles_it_before_it_listens(world):
    """A query for rows.Compiled that nobody declared with @rows.compiled would be compiled by a
    worker's first page after a restart instead of by its warm-up (config/asgi.py): refused."""
    from django.contrib.auth import get_user_model

    from wijkverband.core import rows

    def undeclared(user_id):
        return get_user_model().objects.filter(pk=user_id).values_list("pk")

    with pytest.raises(ValueError, match=r"declare \S*undeclared with @rows.compiled"):
        rows.Compiled(undeclared, world.pieter.pk)
    declared = rows.compiled(lambda user_id: get_user_model().objects.filter(pk=user_id).values_list("pk"))
    try:
        assert rows.run(rows.Compiled(declared, world.pieter.pk)) == [(world.pieter.pk,)]
    finally:
        del rows._DECLARED[declared]


def test_a_bottleneck_nobody_took_on_by_its_target_is_the_coordinators_until_someone_owns_it(world, client_for):
    """The hourly job told the coordinators once that an item had no owner past its acceptance
    target; Mijn werk did not show it, so once the notice was read nothing said it still waited."""
    today = timezone.localdate()
    late = report(world, title="Niemand pakt het op")
    on_time = report(world, title="Net gemeld")
    Bottleneck.objects.filter(pk=late.pk).update(accept_due=today - timedelta(days=7))
    carla = my_work(user=world.carla)
    assert [(i.kind, i.title, i.overdue) for i in carla.mine] == [("unowned", "Niemand pakt het op", True)]
    assert on_time.title not in [i.title for i in carla.mine]
    assert carla.mine[0].label == "No owner yet"
    # Only the team's coordinators: not its members, not another team's coordinator, not the region.
    for persona in ("maarten", "pieter", "rosa", "chris", "olga", "ines"):
        assert "unowned" not in {i.kind for i in my_work(user=getattr(world, persona)).mine}, persona
    # The page links to the bottleneck's "ask someone to own it" form, which has that anchor.
    page = BeautifulSoup(client_for("carla").get("/my-work/").content, "html.parser")
    link = page.select_one('[data-work-item="unowned"] .wv-actions a')
    assert link["href"] == f"/t/oost/bottlenecks/{late.pk}/?open=ask-owner#action-ask-owner"
    # Followed without JavaScript, the form is open (with it, app.js puts the focus in it too).
    detail = BeautifulSoup(client_for("carla").get(link["href"].split("#")[0]).content, "html.parser")
    assert detail.select_one("details#action-ask-owner").has_attr("open")
    assert not detail.select_one("details#action-resolve, details#action-close").has_attr("open")
    plain = BeautifulSoup(client_for("carla").get(f"/t/oost/bottlenecks/{late.pk}/").content, "html.parser")
    assert not plain.select_one("details#action-ask-owner").has_attr("open")
    # Asked of someone, it waits on them; owned, it is gone.
    ask_owner(world, late)
    carla = my_work(user=world.carla)
    assert "unowned" not in {i.kind for i in carla.mine}
    assert ("ownership", late.title) in kinds(carla.waiting)


def test_more_than_the_page_shows_is_counted_in_full(world, client_for):
    """Found by an exploratory test: 83 asked of an overseer, 25 shown, and the page said "Nog 1
    item staat hier niet" (each kind fetched one more than it shows, and counted that)."""
    from wijkverband.mywork.selectors import KIND_LIMIT

    for i in range(KIND_LIMIT + 3):
        ask_owner(world, report(world, title=f"Knelpunt {i}"))
    work = my_work(user=world.pieter)
    assert len(work.asked) == KIND_LIMIT
    assert work.more == 3 and work.left_out["own"] == 3
    assert asked_count(user=world.pieter) == len(work.asked) + work.more == work.asked_total
    page = client_for("pieter").get("/my-work/").content.decode()
    # Said in the kind's own section, and counted in its heading (it was a line under the last
    # section, "Wachten op anderen", and the heading said 25).
    asked = page[page.index('id="asked-heading"') : page.index('id="mine-heading"')]
    assert f"({KIND_LIMIT + 3})" in asked
    assert "En nog 3 van “Gevraagd als eigenaar” die hier niet staan" in asked


def test_an_empty_mijn_werk_speaks_to_the_persons_roles(world, client_for):
    """Found by an exploratory test: a client representative and the insurer read "Je bent geen
    eigenaar van een open knelpunt of van een afspraak die geëvalueerd moet worden"."""
    with translation.override("nl"):
        for persona in ("rosa", "ines"):
            page = client_for(persona).get("/my-work/").content.decode()
            assert "Er wacht nu niets van jou." in page and "geen eigenaar van een open knelpunt" not in page
        assert "geen eigenaar van een open knelpunt" in client_for("maarten").get("/my-work/").content.decode()


def test_an_overseers_empty_mijn_werk_speaks_of_regional_items(world, client_for):
    """Found by an exploratory test: an overseer and a region administrator with nothing of their
    own read "Je bent geen eigenaar van een open knelpunt of van een afspraak die geëvalueerd moet
    worden": they own regional items, never bottlenecks or agreements."""
    with translation.override("nl"):
        for persona in ("olga", "ada"):
            page = client_for(persona).get("/my-work/").content.decode()
            assert "Je bent geen eigenaar van een open regionaal knelpunt." in page
            assert "geen eigenaar van een open knelpunt" not in page


def test_what_waits_on_others_past_the_page_is_not_the_readers_to_pick_up(world, client_for):
    """Found by an exploratory test: "En nog 3 van “Wacht op een eigenaar” die hier niet staan: pak
    eerst de oudste op, hierboven" under "Wachten op anderen", where there is nothing to pick up."""
    from wijkverband.mywork.selectors import KIND_LIMIT

    for i in range(KIND_LIMIT + 3):
        ask_owner(world, report(world, title=f"Knelpunt {i}"))
    page = client_for("carla").get("/my-work/").content.decode()
    waiting = page[page.index('id="waiting-heading"') :]
    assert "En nog 3 van “Wacht op een eigenaar” die hier niet staan: de oudste staan hierboven." in waiting
    assert "pak eerst de oudste op" not in waiting
    # Pieter, who is asked, is still told to pick the oldest up first.
    asked = client_for("pieter").get("/my-work/").content.decode()
    assert "die hier niet staan: pak eerst de oudste op, hierboven." in asked


def test_items_waiting_since_the_same_day_go_oldest_first_not_by_title(world):
    """Found by an exploratory test: twenty-five requests of one morning read "Vraag eigenaar 11,
    12, …, 2, 20": the same due date and the same day sorted by title, not by age as the page says."""
    asked = []
    with time_machine.travel(timezone.now().replace(hour=9, minute=0), tick=False) as clock:
        for i in range(12):
            asked.append(ask_owner(world, report(world, title=f"Vraag eigenaar {i + 1}")).title)
            clock.shift(timedelta(minutes=1))
    titles = [item.title for item in my_work(user=world.pieter).asked]
    assert titles == asked  # 1, 2, …, 12: oldest first
    assert [item.title for item in my_work(user=world.carla).waiting] == asked


def _wait_lines(page: str) -> dict[str, str]:
    """{an item's title: the line under it} on the Mijn werk page."""
    soup = BeautifulSoup(page, "html.parser")
    return {
        li.select_one(".wv-work-item__what a").get_text(): li.select_one(".wv-work-item__wait").get_text()
        for li in soup.select("li.wv-work-item")
    }


def test_a_wait_that_began_today_says_since_today_and_what_you_own_says_how_long_it_is_open(world, client_for):
    """Found by a tester: everything asked today read "Wacht 0 werkdagen", and what the person owns
    (a regional item, a bottleneck) "Wacht …" as if it waited on them: what is theirs is open."""
    from tests.regional.helpers import category
    from wijkverband.regional import services as regional

    def at(day):  # March 2026, 10:00 in Amsterdam
        return time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, day, 10, 0)), tick=False)

    def take_up(title):
        regional.regional_item_create(
            actor=world.olga, region=world.region, title=title, description="Overleg met het ziekenhuis.",
            owner=world.olga, category=category("medicatie"), bottlenecks=(),
        )  # fmt: skip

    def lines(who, lang="nl"):
        client = client_for(who)
        client.cookies["django_language"] = lang
        return _wait_lines(client.get("/my-work/").content.decode())

    with at(2):  # a Monday
        owned = report(world, title="Van Pieter")
        ask_owner(world, owned, actor=world.pieter, candidate=world.pieter)  # high: resolved within 20 working days
        take_up("Regionaal")
    with at(5):  # Thursday
        asked = ask_owner(world, report(world, title="Donderdag gevraagd"))  # high: accept within 2 working days
    with at(7):  # Saturday
        weekend = ask_owner(world, report(world, title="Op zaterdag gevraagd"))
    with at(8):  # Sunday: no working day since Saturday
        pieter, olga, carla = lines("pieter"), lines("olga"), lines("carla")
        assert pieter[asked.title].startswith("Wacht 1 werkdag (termijn: 2 werkdagen) · ")
        assert pieter[weekend.title].startswith("Wacht sinds zaterdag (termijn: 2 werkdagen) · ")
        assert carla[weekend.title].startswith("Wacht sinds zaterdag (termijn: 2 werkdagen) · ")
        assert pieter[owned.title].startswith("Staat 4 werkdagen open (termijn: 20 werkdagen) · ")
        assert olga["Regionaal"] == "Staat 4 werkdagen open"
        english = lines("pieter", "en")
        assert english[weekend.title].startswith("Waiting since Saturday (target 2 working days) · ")
        assert english[owned.title].startswith("Open for 4 working days (target 20 working days) · ")
        assert lines("olga", "en")["Regionaal"] == "Open for 4 working days"
    with at(9):  # Monday
        today = ask_owner(world, report(world, title="Nu gevraagd"))
        take_up("Net opgepakt")
        pieter, olga, english = lines("pieter"), lines("olga"), lines("olga", "en")
        assert pieter[today.title].startswith("Wacht sinds vandaag (termijn: 2 werkdagen) · ")
        assert pieter[weekend.title].startswith("Wacht 1 werkdag (termijn: 2 werkdagen) · ")
        assert olga["Net opgepakt"] == "Staat sinds vandaag open"
        assert english["Net opgepakt"] == "Open since today"
        for shown in (pieter, olga, english):
            assert not any(" 0 " in line for line in shown.values()), shown


@pytest.mark.parametrize("path", ["/my-work/", "/t/oost/", "/"])
def test_the_forms_next_never_repeats_client_data_put_in_the_address(world, client_for, path):
    """Mijn werk's forms (the page, and its panels on the team's and the start page) sent the person
    back to the whole address: a crafted link with a BSN in its query was shown in every form's
    `next`. Only the path goes now, and the query only without client data."""
    ask_owner(world, report(world))
    page = client_for("pieter").get(f"{path}?note=111222333&team=").content.decode()
    nexts = re.findall(r'name="next" value="([^"]*)"', page)
    assert len(nexts) > 1  # the language form's and at least one item's
    assert "111222333" not in page
    assert set(nexts) == {path}
    clean = client_for("pieter").get(f"{path}?team=oost").content.decode()
    assert set(re.findall(r'name="next" value="([^"]*)"', clean)) == {f"{path}?team=oost"}


def test_a_region_representative_filters_by_the_teams_of_their_region_only(world, client_for):
    """Rik represents clients in region Utrecht (teams Oost and Zuid): his suggestions wait in both,
    and he filters by either, as a member does; never by a team of another region (Vathorst)."""
    from tests.wijkcard.conftest import add_entry
    from wijkverband.wijkcard import services as wijkcard

    oost = add_entry(world, contact_point="Triagelijn Oost")
    zuid = add_entry(
        world, actor=world.bram, team=world.team_b, organisation=world.nursing_b, maintainer=world.bram,
        contact_point="Triagelijn Zuid",
    )  # fmt: skip
    wijkcard.suggestion_create(actor=world.rik, entry=oost, text="Nummer veranderd in Oost?")
    wijkcard.suggestion_create(actor=world.rik, entry=zuid, text="Nummer veranderd in Zuid?")
    client = client_for("rik")
    page = client.get("/my-work/").content.decode()
    assert "Triagelijn Oost" in page and "Triagelijn Zuid" in page
    options = re.findall(r'<option value="([^"]+)"', page.split('id="my-work-team"')[1].split("</select>")[0])
    assert options == ["oost", "zuid"]
    filtered = client.get("/my-work/?team=zuid").content.decode()
    assert "Triagelijn Zuid" in filtered and "Triagelijn Oost" not in filtered


def test_the_team_filter_shows_only_when_there_is_something_to_choose(world, client_for):
    """Maarten is in one team: the page offered him "Team: All teams / Utrecht Oost", two choices
    that show the same. It is left out for him; Pieter (two teams) and the region's people (whose
    "All teams" holds the region's own work too) keep it."""
    ask_owner(world, report(world, title="In Oost"))
    one_team = client_for("maarten").get("/my-work/").content.decode()
    assert 'name="team"' not in one_team and "All teams" not in one_team
    assert "Mijn werk" in one_team or "My work" in one_team
    # Still filters when the address asks (a bookmark of before).
    assert client_for("maarten").get("/my-work/?team=oost").status_code == 200
    for persona in ("pieter", "olga", "ada", "rik"):
        page = client_for(persona).get("/my-work/").content.decode()
        assert 'name="team"' in page, persona
        assert "Utrecht Oost" in page.split('name="team"', 1)[1].split("</select>", 1)[0], persona


def test_the_action_buttons_read_as_dutch_sentences_to_a_screen_reader(world, client_for):
    """Found by a walk of Mijn werk: the confirm button read "Bevestigen het bericht in …", which
    is not Dutch; its neighbours read "Instemmen met …", "Accepteren als eigenaar van …"."""
    thread, message = ask_confirmation(world)
    page = BeautifulSoup(client_for("maarten").get("/my-work/").content, "html.parser")
    names = [" ".join(button.get_text().split()) for button in page.select("[data-work-item] button")]
    assert f"Bevestigen van het bericht in “{thread.title}”" in names, names


def test_an_answer_sent_in_place_after_the_session_ended_leads_the_whole_page_to_sign_in(world, settings):
    """Found by a walk of Mijn werk: "Bevestigen" sent in place (htmx) after the session had ended
    was answered with a redirect to the sign-in page, which htmx followed inside the page: the
    item left the list (its form swaps with "delete") as if it were done, and nothing was. The
    list's live refresh put the sign-in page into the list. An htmx request that must sign in now
    takes the whole page there (HX-Redirect), back to the page it was sent from, and with the word
    that the session expired."""
    thread, message = ask_confirmation(world)
    client = Client()
    client.force_login(world.maarten)
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    on_the_page = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/my-work/"}
    with time_machine.travel(later):
        answered = client.post(
            f"/t/oost/my-work/confirm/{thread.pk}/{message.pk}/",
            {"next": "/my-work/"},
            HTTP_REFERER="http://testserver/my-work/",
            **on_the_page,
        )
        assert answered.status_code != 302, "htmx follows a redirect inside the page"
        assert answered["HX-Redirect"] == "/accounts/login/?next=/my-work/"
        refreshed = client.get("/my-work/?part=list", **on_the_page)
        assert refreshed.status_code != 302
        assert refreshed["HX-Redirect"] == "/accounts/login/?next=/my-work/"
        page = client.get(answered["HX-Redirect"])
    assert [str(m) for m in page.context["messages"]] == ["Je sessie is verlopen; meld je opnieuw aan."]
    assert not Acknowledgement.objects.exists()

"""The discussion of an agreement or a bottleneck: exactly one thread, made with its subject, shown
(and posted in) on the subject's own page, for exactly the people the thread policy lets read it."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.agreements.conftest import version_data
from tests.bottlenecks.helpers import fresh, report
from tests.threads.helpers import post
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Agreement
from wijkverband.audit.models import AuditEvent
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy.policy import team_rights
from wijkverband.threads import selectors, services
from wijkverband.threads.models import Message, ReadMarker, SubjectKind, Thread
from wijkverband.threads.panels import DISCUSSION_MESSAGES, subject_thread_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def agreement(world, **overrides):
    return agreement_services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, **overrides)
    )


def thread_of(subject) -> Thread:
    kind = SubjectKind.AGREEMENT if isinstance(subject, Agreement) else SubjectKind.BOTTLENECK
    return Thread.objects.get(team=subject.team, subject_kind=kind, subject_id=subject.pk)


def agreement_url(a, suffix=""):
    return f"/t/oost/agreements/{a.pk}/{suffix}"


def bottleneck_url(b):
    return f"/t/oost/bottlenecks/{b.pk}/"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def discussion(html: str) -> str | None:
    """The discussion section of a subject's page, or None when the page has none."""
    match = re.search(r'<section[^>]*id="discussion".*?</section>', html, re.S)
    return match.group(0) if match else None


def client_id_of(section: str) -> str:
    return re.search(r'name="client_id" value="([0-9a-f-]{36})"', section).group(1)


# --- one thread per subject, made with it ----------------------------------------------------------


def test_creating_an_agreement_creates_exactly_one_thread(world):
    a = agreement(world, title="Valpreventie")
    threads = Thread.objects.filter(subject_kind=SubjectKind.AGREEMENT, subject_id=a.pk)
    assert threads.count() == 1
    thread = threads.get()
    assert (thread.team, thread.title, thread.created_by, thread.seq) == (world.team_a, "Valpreventie", world.carla, 0)
    assert not thread.open_to_representatives and not thread.internal and not thread.escalated


def test_reporting_a_bottleneck_creates_exactly_one_thread_internal_when_the_item_is(world):
    b = report(world, title="Wachttijd wijkverpleging")
    hidden = report(world, title="Aanbesteding", internal=True, internal_reason="Loopt nog")
    assert Thread.objects.filter(subject_kind=SubjectKind.BOTTLENECK).count() == 2
    assert (thread_of(b).title, thread_of(b).internal, thread_of(b).created_by) == (
        "Wachttijd wijkverpleging",
        False,
        world.maarten,
    )
    assert thread_of(hidden).internal


def test_a_refused_create_leaves_no_thread(world):
    with pytest.raises(ActionRefused):
        agreement(world, title="")
    assert not Thread.objects.exists()


def test_renaming_the_subject_renames_its_thread(world):
    a = agreement(world, title="Oud")
    agreement_services.agreement_edit(
        actor=world.carla, agreement=a, base_version=1, data=version_data(world, title="Nieuw")
    )
    assert thread_of(a).title == "Nieuw"
    b = report(world, title="Eerst")
    bottleneck_services.bottleneck_edit(
        actor=world.maarten,
        bottleneck=b,
        version=b.version,
        title="Daarna",
        description=b.description,
        category=b.category,
        impact=b.impact,
        affected_kinds=["apotheek"],
    )
    assert thread_of(b).title == "Daarna"


def test_escalation_uses_the_thread_made_with_the_bottleneck(world):
    b = report(world)
    thread = thread_of(b)
    bottleneck_services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regio nodig")
    assert Thread.objects.filter(subject_kind=SubjectKind.BOTTLENECK).count() == 1
    thread.refresh_from_db()
    assert thread.escalated
    assert post(thread, world.olga, "De regio kijkt mee").created


@pytest.mark.parametrize("persona", ["carla", "maarten", "olga", "rosa", "rik"])
def test_showing_a_subjects_page_writes_nothing(world, client_for, persona):
    a = agreement(world)
    b = report(world)
    post(thread_of(a), world.maarten, "Eerste bericht")
    post(thread_of(b), world.carla, "Ook hier")
    services.thread_set_open_to_representatives(actor=world.carla, thread=thread_of(a), open_to_representatives=True)

    def state():
        return (
            Thread.objects.count(),
            list(Thread.objects.order_by("pk").values_list("seq", "title")),
            Message.objects.count(),
            list(ReadMarker.objects.order_by("pk").values_list("user", "seq")),
            AuditEvent.objects.count(),
        )

    before = state()
    client = client_for(persona)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(agreement_url(a)).status_code == 200
        assert client.get(bottleneck_url(b)).status_code == 200
    assert state() == before
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    # The session middleware may touch the session row; nothing else is written.
    assert [sql for sql in writes if "accounts_session" not in sql] == []


def test_a_subject_without_a_thread_shows_no_discussion_and_still_writes_nothing(world, client_for):
    a = agreement(world)
    Thread.objects.all().delete()  # as before the backfill ran
    html = page(client_for("carla").get(agreement_url(a)))
    assert discussion(html) is None
    assert not Thread.objects.exists()


# --- who sees the discussion on the page -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown", "form"),
    [
        ("carla", True, True),
        ("maarten", True, True),
        ("olga", True, False),  # overseers read; they post only in escalated bottleneck threads
        ("rosa", False, False),  # not opened to representatives
        ("rik", False, False),
    ],
)
def test_the_agreement_page_shows_the_discussion_to_those_who_may_read_it(world, client_for, persona, shown, form):
    a = agreement(world)
    post(thread_of(a), world.maarten, "Wie neemt de medicatielijst mee?")
    html = page(client_for(persona).get(agreement_url(a)))
    section = discussion(html)
    assert (section is not None) == shown
    assert ("Wie neemt de medicatielijst mee?" in html) == shown
    assert ('id="thread-live"' in html) == shown
    assert ("wijkverband/js/threads.js" in html) == shown
    if shown:
        assert "data-thread-log" in section and 'role="log"' in section
        assert ("data-post-form" in section) == form
        assert f'href="/t/oost/threads/{thread_of(a).pk}/"' in section


@pytest.mark.parametrize("persona", ["rosa", "rik"])
def test_representatives_read_an_opened_discussion_and_cannot_post(world, client_for, persona):
    a = agreement(world)
    post(thread_of(a), world.maarten, "Voor iedereen leesbaar")
    services.thread_set_open_to_representatives(actor=world.carla, thread=thread_of(a), open_to_representatives=True)
    section = discussion(page(client_for(persona).get(agreement_url(a))))
    assert section is not None and "Voor iedereen leesbaar" in section
    assert "data-post-form" not in section
    response = client_for(persona).post(
        f"/t/oost/threads/{thread_of(a).pk}/post/",
        {"body": "Mag ik?", "client_id": "8f1c1a0e-8a8e-4a55-9b7c-2f7f8a1b9c01"},
    )
    assert response.status_code == 403
    assert not Message.objects.filter(body="Mag ik?").exists()


@pytest.mark.parametrize(
    ("persona", "shown", "form"),
    [
        ("carla", True, True),
        ("maarten", True, True),
        ("olga", True, False),
        ("rosa", False, False),
        ("rik", False, False),
    ],
)
def test_the_bottleneck_page_shows_the_discussion_to_those_who_may_read_it(world, client_for, persona, shown, form):
    b = report(world)
    post(thread_of(b), world.maarten, "Apotheek belt morgen terug")
    section = discussion(page(client_for(persona).get(bottleneck_url(b))))
    assert (section is not None) == shown
    if shown:
        assert "Apotheek belt morgen terug" in section
        assert ("data-post-form" in section) == form


def test_overseers_post_in_the_discussion_of_an_escalated_bottleneck(world, client_for):
    b = report(world)
    bottleneck_services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regio nodig")
    client = client_for("olga")
    section = discussion(page(client.get(bottleneck_url(b))))
    assert "data-post-form" in section
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/t/oost/threads/{thread_of(b).pk}/post/",
            {"body": "De regio pakt dit op", "client_id": client_id_of(section), "return_to": "subject"},
        )
    assert response["Location"] == f"/t/oost/bottlenecks/{b.pk}/#discussion"
    assert "De regio pakt dit op" in discussion(page(client.get(bottleneck_url(b))))


def test_an_internal_bottlenecks_discussion_never_reaches_representatives(world, client_for):
    b = report(world)
    thread = thread_of(b)
    post(thread, world.maarten, "Vertrouwelijk overleg")
    services.thread_set_open_to_representatives(actor=world.carla, thread=thread, open_to_representatives=True)
    assert "Vertrouwelijk overleg" in page(client_for("rosa").get(bottleneck_url(b)))
    bottleneck_services.bottleneck_set_internal(
        actor=world.carla, bottleneck=b, version=b.version, internal=True, reason="Aanbesteding"
    )
    thread.refresh_from_db()
    assert thread.internal and not thread.open_to_representatives  # closed as well
    # The audit log names who closed it (it said "Wie: -": an exploratory test of the privacy officer's view)
    closed = AuditEvent.objects.filter(action="thread.representatives_closed", object_id=str(thread.pk)).get()
    assert closed.actor_id == world.carla.pk
    for persona in ("rosa", "rik"):
        client = client_for(persona)
        assert client.get(bottleneck_url(b)).status_code == 404
        assert client.get(f"/t/oost/threads/{thread.pk}/").status_code == 404
        assert client.get(f"/t/oost/threads/{thread.pk}/events/?after=0").status_code == 404
        user = world.persona(persona)
        listed = selectors.team_threads(user=user, team=world.team_a, rights=team_rights(user=user, team=world.team_a))
        assert thread.pk not in {t.pk for t in listed}
    # Still there for the team and the region.
    assert "Vertrouwelijk overleg" in discussion(page(client_for("maarten").get(bottleneck_url(b))))
    assert "Vertrouwelijk overleg" in discussion(page(client_for("olga").get(bottleneck_url(b))))
    # Opening it to representatives is refused while the item is internal.
    with pytest.raises(ActionRefused):
        services.thread_set_open_to_representatives(actor=world.carla, thread=thread, open_to_representatives=True)
    response = client_for("carla").post(f"/t/oost/threads/{thread.pk}/settings/", {"open_to_representatives": "on"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert not thread.open_to_representatives
    # Visible again: the item, not its discussion, until a coordinator opens that again.
    bottleneck_services.bottleneck_set_internal(
        actor=world.carla, bottleneck=fresh(b), version=fresh(b).version, internal=False, reason=""
    )
    rosa = client_for("rosa")
    assert discussion(page(rosa.get(bottleneck_url(b)))) is None
    services.thread_set_open_to_representatives(actor=world.carla, thread=thread, open_to_representatives=True)
    assert "Vertrouwelijk overleg" in discussion(page(rosa.get(bottleneck_url(b))))


def test_outsiders_get_404_on_the_page_and_on_the_post_url(world, client_for):
    a = agreement(world)
    b = report(world)
    for thread, url in ((thread_of(a), agreement_url(a)), (thread_of(b), bottleneck_url(b))):
        for persona in ("bram", "otto", "chris"):
            client = client_for(persona)
            assert client.get(url).status_code == 404
            response = client.post(
                f"/t/oost/threads/{thread.pk}/post/",
                {"body": "Van buiten", "client_id": "0b7c6f0e-1d7a-4c4e-9a43-5a1e2f3d4c5b", "return_to": "subject"},
            )
            assert response.status_code == 404
            # Their own team's URL with our thread id: the same 404.
            own = {"bram": "zuid", "otto": "vathorst", "chris": "vathorst"}[persona]
            assert client.post(f"/t/{own}/threads/{thread.pk}/post/", {"body": "x"}).status_code == 404
    assert not Message.objects.exists()


# --- posting from the subject's page ---------------------------------------------------------------


@pytest.mark.parametrize("subject", ["agreement", "bottleneck"])
def test_posting_from_the_page_without_javascript_returns_to_the_discussion_once(world, client_for, subject):
    item = agreement(world) if subject == "agreement" else report(world)
    url = agreement_url(item) if subject == "agreement" else bottleneck_url(item)
    client = client_for("maarten")
    section = discussion(page(client.get(url)))
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*data-post-form', section)
    assert form.group(1) == f"/t/oost/threads/{thread_of(item).pk}/post/#post-form"
    assert 'name="return_to" value="subject"' in section
    data = {"body": "Vanaf de **pagina**", "client_id": client_id_of(section), "return_to": "subject"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.post(form.group(1), data)
        # The same form sent again (double click, reload): nothing new, same answer.
        again = client.post(form.group(1), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"{url}#discussion"
    assert Message.objects.filter(thread=thread_of(item)).count() == 1
    assert thread_of(item).seq == 1
    section = discussion(page(client_for("carla").get(url)))
    assert "Vanaf de <strong>pagina</strong>" in section
    # A fresh form gets a fresh client id.
    assert client_id_of(discussion(page(client.get(url)))) != data["client_id"]


def test_a_refused_post_from_the_page_keeps_the_text_on_the_thread_page(world, client_for):
    a = agreement(world)
    response = client_for("maarten").post(
        f"/t/oost/threads/{thread_of(a).pk}/post/",
        {"body": "   ", "client_id": "3c0f2a4e-1b2c-4d3e-8f4a-5b6c7d8e9f00", "return_to": "subject"},
    )
    assert response.status_code == 400
    assert not Message.objects.exists()


@pytest.mark.parametrize("subject", ["agreement", "bottleneck"])
@pytest.mark.parametrize("body", ["", "lang " * 2001])
def test_a_refused_post_from_the_page_without_javascript_opens_at_a_focused_error_summary(
    world, client_for, subject, body
):
    """Found by an exploratory walk: sent empty (or too long) from the agreement's or bottleneck's page
    without JavaScript, the answer opened at the top of the thread page with only the box's error: no
    summary, nothing focused, the person had to hunt for why."""
    item = agreement(world) if subject == "agreement" else report(world)
    url = agreement_url(item) if subject == "agreement" else bottleneck_url(item)
    client = client_for("maarten")
    section = discussion(page(client.get(url)))
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*data-post-form', section).group(1)
    response = client.post(
        action.split("#")[0], {"body": body, "client_id": client_id_of(section), "return_to": "subject"}
    )
    assert response.status_code == (400 if not body else 413)
    html = response.content.decode()
    summary = re.search(r'<div class="utrecht-alert[^"]*wv-error-summary"[^>]*>.*?</div>', html, re.S).group(0)
    assert "autofocus" in summary.split(">", 1)[0]
    reason = "Schrijf eerst een bericht." if not body else "hooguit 10.000 tekens"  # the page is Dutch
    link = re.search(r'<a class="utrecht-link" href="#id_body">(.*?)</a>', summary, re.S)
    assert link and reason in link.group(1)
    assert reason in re.search(r'id="id_body_error">(.*?)</div>', html, re.S).group(1)
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert box.strip() == body.strip()  # what was typed is kept
    # Sent again from here, it still goes back to the agreement's or bottleneck's page.
    form = re.search(r'<form method="post"[^>]*data-post-form.*?</form>', html, re.S).group(0)
    assert 'name="return_to" value="subject"' in form
    assert not Message.objects.exists()


def test_a_post_with_return_to_on_a_team_topic_goes_to_the_thread(world, client_for):
    thread = services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    response = client_for("maarten").post(
        f"/t/oost/threads/{thread.pk}/post/",
        {"body": "Hallo", "client_id": "5d6e7f80-1a2b-4c3d-9e8f-a0b1c2d3e4f5", "return_to": "subject"},
    )
    message = Message.objects.get()
    assert response["Location"] == f"/t/oost/threads/{thread.pk}/#message-{message.pk}"


def test_the_page_shows_only_the_newest_messages_with_a_link_to_all(world, client_for):
    a = agreement(world)
    thread = thread_of(a)
    for n in range(DISCUSSION_MESSAGES + 5):
        post(thread, world.maarten, f"Bericht nummer {n:03d}")
    section = discussion(page(client_for("carla").get(agreement_url(a))))
    assert section.count('<article class="wv-message') == DISCUSSION_MESSAGES
    assert "Bericht nummer 004" not in section and "Bericht nummer 005" in section
    assert "Bericht nummer 019" in section
    assert f'href="/t/oost/threads/{thread.pk}/"' in section
    live = re.search(r'<script id="thread-live" type="application/json">(.*?)</script>', section).group(1)
    assert f'"thread": {thread.pk}' in live and f'"seq": {DISCUSSION_MESSAGES + 5}' in live


def test_empty_subject_threads_stay_out_of_the_thread_list(world, client_for):
    a = agreement(world)
    report(world)
    rights = team_rights(user=world.carla, team=world.team_a)
    assert list(selectors.team_threads(user=world.carla, team=world.team_a, rights=rights)) == []
    post(thread_of(a), world.maarten, "Nu wel")
    listed = selectors.team_threads(user=world.carla, team=world.team_a, rights=rights)
    assert [t.pk for t in listed] == [thread_of(a).pk]


# --- queries ---------------------------------------------------------------------------------------


def test_the_discussion_panel_takes_a_constant_number_of_queries(world, rf, django_assert_num_queries):
    a = agreement(world)
    thread = thread_of(a)
    post(thread, world.maarten, "Graag bevestigen", asks_ack=True)
    post(thread, world.maarten, "Gewoon een bericht")
    request = rf.get("/")
    request.user = world.carla
    rights = team_rights(user=world.carla, team=world.team_a)

    def panel():
        return subject_thread_panel(
            request=request, team=world.team_a, rights=rights, kind=SubjectKind.AGREEMENT, subject_id=a.pk
        )

    # The thread with unread counts, its newest messages, the read markers, the acknowledgements
    # and the team's professionals (the last two only because a message asks for confirmation),
    # and the people, organisations and roles the composer suggests after "@".
    with django_assert_num_queries(6):
        few = panel()
    assert len(few["page"].messages) == 2
    authors = (world.pieter, world.sofie, world.carla)  # under the per-person rate limit
    for n in range(40):
        post(thread, authors[n % 3], f"Meer {n}", asks_ack=n % 4 == 0)
        services.read_marker_set(actor=authors[(n + 1) % 3], thread=thread, seq=n)
    with django_assert_num_queries(6):
        many = panel()
    assert len(many["page"].messages) == DISCUSSION_MESSAGES


# --- the backfill migration ------------------------------------------------------------------------


def test_the_backfill_gives_every_existing_subject_exactly_one_thread(world):
    migration = importlib.import_module("wijkverband.threads.migrations.0003_subject_threads_backfill")
    a = agreement(world, title="Van voor de threads")
    agreement_services.agreement_edit(
        actor=world.carla, agreement=a, base_version=1, data=version_data(world, title="Nieuwe titel")
    )
    other = agreement_services.agreement_create(
        actor=world.bram, team=world.team_b, data=version_data(world, title="Zuid", owner=world.bram)
    )
    b = report(world, title="Oud knelpunt")
    hidden = report(world, title="Intern", internal=True, internal_reason="Gevoelig")
    escalated = report(world, title="Naar de regio")
    bottleneck_services.bottleneck_escalate(
        actor=world.maarten, bottleneck=escalated, version=escalated.version, reason="Regio"
    )
    kept = thread_of(escalated)
    post(kept, world.maarten, "Al besproken")
    # As before this change: no subject threads, except the one an escalation opened (and that
    # one did not know its bottleneck was internal).
    Thread.objects.exclude(pk=kept.pk).delete()
    Bottleneck.objects.filter(pk=escalated.pk).update(internal=True)

    migration.backfill(apps, None)
    migration.backfill(apps, None)  # running it again changes nothing

    assert Thread.objects.filter(subject_kind=SubjectKind.AGREEMENT).count() == 2
    assert Thread.objects.filter(subject_kind=SubjectKind.BOTTLENECK).count() == 3
    assert (thread_of(a).title, thread_of(a).team, thread_of(a).created_by) == (
        "Nieuwe titel",
        world.team_a,
        world.carla,
    )
    assert (thread_of(other).team, thread_of(other).title) == (world.team_b, "Zuid")
    assert (thread_of(b).title, thread_of(b).internal, thread_of(b).created_by) == (
        "Oud knelpunt",
        False,
        world.maarten,
    )
    assert thread_of(hidden).internal and not thread_of(hidden).escalated
    assert thread_of(escalated).pk == kept.pk
    assert thread_of(escalated).internal and thread_of(escalated).escalated and thread_of(escalated).seq == 1
    assert thread_of(b).seq == 0 and thread_of(b).last_activity_at == fresh(b).created_at


def test_the_pages_with_a_discussion_have_no_inline_script_style_or_event_handlers(world, client_for):
    a = agreement(world)
    b = report(world)
    post(thread_of(a), world.maarten, "**Vet** <script>alert(1)</script>", asks_ack=True)
    post(thread_of(b), world.maarten, '<a href="#" onclick="x()">link</a>')
    for url in (agreement_url(a), bottleneck_url(b)):
        html = page(client_for("carla").get(url))
        assert discussion(html) is not None
        for match in re.finditer(r"<script\b([^>]*)>", html):
            attributes = match.group(1)
            assert "src=" in attributes or 'type="application/json"' in attributes, match.group(0)
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)


@pytest.mark.parametrize("subject", ["agreement", "bottleneck"])
def test_a_subject_threads_page_links_back_to_its_subject(world, client_for, subject):
    item = agreement(world) if subject == "agreement" else report(world)
    url = agreement_url(item) if subject == "agreement" else bottleneck_url(item)
    text = client_for("maarten").get(f"/t/oost/threads/{thread_of(item).pk}/").content.decode()
    assert re.search(rf'<a class="utrecht-link" href="{re.escape(url)}" data-subject-link>', text)


def test_a_team_topic_has_no_subject_link(world, client_for):
    from tests.threads.helpers import topic

    text = client_for("maarten").get(f"/t/oost/threads/{topic(world).pk}/").content.decode()
    assert "data-subject-link" not in text

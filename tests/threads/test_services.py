import threading
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends import locmem
from django.db import connection
from django.test import TestCase
from django.utils import timezone, translation

from tests.threads.helpers import post, topic
from tests.work.helpers import queued_tasks, run_queued_tasks
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.realtime import presence
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.policy import team_rights
from wijkverband.threads import selectors, services
from wijkverband.threads.models import (
    Acknowledgement,
    Event,
    Message,
    MessageRevision,
    SubjectKind,
    Thread,
)
from wijkverband.threads.services import notifications
from wijkverband.work.models import Mail, Notice
from wijkverband.work.services import notice_preferences_set

pytestmark = pytest.mark.django_db


def test_each_change_takes_the_next_sequence_number_without_gaps(world):
    thread = topic(world)
    first = post(thread, world.carla, "een").message
    second = post(thread, world.maarten, "twee").message
    services.message_edit(actor=world.carla, message=first, body="een!")
    services.message_delete(actor=world.maarten, message=second)
    thread.refresh_from_db()
    seqs = list(Event.objects.filter(thread=thread).order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4]
    assert thread.seq == 4
    assert (first.seq, second.seq) == (1, 2)


def test_a_refused_change_takes_no_sequence_number(world):
    thread = topic(world)
    post(thread, world.carla, "een")
    with pytest.raises(ActionRefused):
        post(thread, world.carla, "   ")
    with pytest.raises(PermissionDenied):
        post(thread, world.rosa, "mag niet")
    assert post(thread, world.carla, "twee").message.seq == 2


def test_posting_the_same_client_id_again_returns_the_same_ack_and_creates_nothing(world):
    thread = topic(world)
    client_id = str(uuid.uuid4())
    first = post(thread, world.carla, "Hallo", client_id=client_id)
    again = post(thread, world.carla, "Hallo (retry)", client_id=client_id)
    assert first.created and not again.created
    assert first.ack == again.ack
    assert Message.objects.filter(thread=thread).count() == 1
    assert Event.objects.filter(thread=thread).count() == 1


def test_another_person_may_use_the_same_client_id(world):
    thread = topic(world)
    client_id = str(uuid.uuid4())
    post(thread, world.carla, "a", client_id=client_id)
    post(thread, world.maarten, "b", client_id=client_id)
    assert Message.objects.filter(thread=thread).count() == 2


def test_a_client_id_used_in_another_thread_is_refused(world):
    client_id = str(uuid.uuid4())
    post(topic(world, title="Een"), world.carla, "a", client_id=client_id)
    with pytest.raises(ActionRefused) as refused:
        post(topic(world, title="Twee"), world.carla, "b", client_id=client_id)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize("client_id", ["", "not-a-uuid", None, 12, "x" * 100])
def test_a_bad_client_id_is_refused(world, client_id):
    thread = topic(world)
    with pytest.raises(ActionRefused) as refused:
        services.message_post(actor=world.carla, thread=thread, body="Hallo", client_id=client_id)
    assert refused.value.code == "invalid"
    assert not Message.objects.exists()


def test_a_message_over_10_000_characters_is_too_large_and_says_so_in_characters(world):
    """It said "hooguit 10 kB", which nobody can check, and counted bytes: 5,001 "é" were too long."""
    thread = topic(world)
    with translation.override("nl"), pytest.raises(ActionRefused) as refused:
        post(thread, world.carla, "x" * 10_001)
    assert refused.value.code == "too_large"
    assert str(refused.value.message) == "Dit bericht is te lang: hooguit 10.000 tekens, dit zijn er 10.001."
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        post(thread, world.carla, "é" * 10_001)
    assert str(refused.value.message) == "This message is too long: at most 10,000 characters, this one has 10,001."
    assert not Message.objects.exists()
    # Characters, not bytes: 10,000 of two (or four) bytes each are allowed, a line break counts one
    # however it was sent (a form sends CR LF).
    assert post(thread, world.carla, "é" * 10_000).message.seq == 1
    assert post(thread, world.carla, "🙂" * 10_000).message.seq == 2
    assert post(thread, world.carla, "x\r\n" * 5_000).message.seq == 3


def test_a_message_with_a_nul_character_is_refused_and_changes_nothing(world):
    # Found by the property test on PostgreSQL, which cannot store NUL in text.
    thread = topic(world)
    with pytest.raises(ActionRefused) as refused:
        post(thread, world.carla, "voor\x00na")
    assert refused.value.code == "invalid"
    assert not Message.objects.exists()


def test_posting_too_fast_is_rate_limited(world, settings):
    import time_machine

    thread = topic(world)
    # Within one minute's window (on a loaded machine the posts could otherwise straddle two).
    with time_machine.travel(timezone.now(), tick=False):
        for i in range(services.POSTS_PER_MINUTE):
            post(thread, world.carla, f"bericht {i}")
        with pytest.raises(ActionRefused) as refused:
            post(thread, world.carla, "te veel")
        assert refused.value.code == "rate_limited"
        assert Message.objects.filter(thread=thread).count() == services.POSTS_PER_MINUTE
        post(thread, world.maarten, "iemand anders mag nog")


def test_a_post_is_built_while_its_count_is_on_the_way_and_written_only_after_the_answer(
    world, redis_cache, monkeypatch
):
    """The rate limit's round trip to Redis overlaps the building of the post (docs/realtime.md,
    "Cost of a post"); the answer still comes before the first write, so a refused post writes
    nothing."""
    from wijkverband.core import ratelimit

    thread = topic(world)
    steps = []

    def logged(name, original):
        def call(*args, **kwargs):
            steps.append(name)
            return original(*args, **kwargs)

        return call

    monkeypatch.setattr(ratelimit, "_send", logged("sent", ratelimit._send))
    monkeypatch.setattr(ratelimit, "_answer", logged("answered", ratelimit._answer))
    monkeypatch.setattr(services, "render_message", logged("built", services.render_message))

    def writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "WITH")):
            steps.append("written")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(writes):
        post(thread, world.carla, "een")
    assert steps[:3] == ["sent", "built", "answered"] and steps[3:] and set(steps[3:]) == {"written"}


def test_representatives_read_only_opened_threads_and_never_post(world):
    closed = topic(world, title="Team")
    opened = topic(world, title="Open", open_to_representatives=True)
    rosa_rights = team_rights(user=world.rosa, team=world.team_a)
    visible = {t.pk for t in selectors.team_threads(user=world.rosa, team=world.team_a, rights=rosa_rights)}
    assert visible == {opened.pk}
    with pytest.raises(PermissionDenied):
        post(opened, world.rosa, "mag ik?")
    with pytest.raises(PermissionDenied):
        post(closed, world.rik, "en ik?")


def test_overseers_read_every_thread_and_post_only_when_escalated(world):
    thread = services.thread_for_subject(team=world.team_a, kind=SubjectKind.BOTTLENECK, subject_id=7, title="Knelpunt")
    with pytest.raises(PermissionDenied):
        post(thread, world.olga, "Vanuit de regio")
    services.thread_set_escalated(actor=world.carla, thread=thread, escalated=True)
    assert post(thread, world.olga, "Vanuit de regio").created
    with pytest.raises(PermissionDenied):
        post(thread, world.otto, "andere regio")


def test_a_member_escalates_a_thread_and_the_overseer_may_end_the_escalation_but_not_start_it(world):
    thread = services.thread_for_subject(team=world.team_a, kind=SubjectKind.BOTTLENECK, subject_id=7, title="Knelpunt")
    for outsider in (world.olga, world.bram, world.rosa):
        with pytest.raises(PermissionDenied):
            services.thread_set_escalated(actor=outsider, thread=thread, escalated=True)
    services.thread_set_escalated(actor=world.maarten, thread=thread, escalated=True)
    for outsider in (world.otto, world.bram, world.rosa):
        with pytest.raises(PermissionDenied):
            services.thread_set_escalated(actor=outsider, thread=thread, escalated=False)
    services.thread_set_escalated(actor=world.olga, thread=thread, escalated=False)
    thread.refresh_from_db()
    assert not thread.escalated


def test_there_is_exactly_one_thread_per_subject(world):
    first = services.thread_for_subject(team=world.team_a, kind=SubjectKind.AGREEMENT, subject_id=3, title="Afspraak")
    again = services.thread_for_subject(team=world.team_a, kind=SubjectKind.AGREEMENT, subject_id=3, title="Anders")
    other_team = services.thread_for_subject(team=world.team_b, kind=SubjectKind.AGREEMENT, subject_id=3, title="B")
    assert first.pk == again.pk != other_team.pk
    assert Thread.objects.filter(subject_kind="agreement", subject_id=3).count() == 2
    with pytest.raises(ValueError):
        services.thread_for_subject(team=world.team_a, kind="topic", subject_id=3, title="x")


def test_an_edit_keeps_the_earlier_text_and_marks_the_message_edited(world):
    thread = topic(world)
    message = post(thread, world.maarten, "Eerste versie").message
    services.message_edit(actor=world.maarten, message=message, body="Tweede versie")
    message.refresh_from_db()
    assert message.edited_at is not None and "Tweede" in message.body_html
    assert list(MessageRevision.objects.filter(message=message).values_list("body", flat=True)) == ["Eerste versie"]
    with pytest.raises(PermissionDenied):
        services.message_edit(actor=world.carla, message=message, body="coordinator edits someone else")


def test_delete_leaves_a_tombstone_by_author_or_coordinator_only(world):
    thread = topic(world)
    message = post(thread, world.maarten, "Geheim").message
    with pytest.raises(PermissionDenied):
        services.message_delete(actor=world.pieter, message=message)
    services.message_delete(actor=world.carla, message=message)
    replay = selectors.thread_events_after(thread=thread, after=0)
    assert [e["data"]["deleted"] for e in replay.events] == [True, True]
    assert all("Geheim" not in e["data"]["html"] for e in replay.events)
    with pytest.raises(ActionRefused):
        services.message_delete(actor=world.maarten, message=message)
    assert AuditEvent.objects.filter(action="message.deleted").count() == 1


def test_acknowledgements_once_per_person_and_the_author_sees_who_has_not(world):
    thread = topic(world)
    message = post(thread, world.carla, "Graag bevestigen", asks_ack=True).message
    services.message_acknowledge(actor=world.maarten, message=message)
    services.message_acknowledge(actor=world.maarten, message=message)
    with pytest.raises(ActionRefused):
        services.message_acknowledge(actor=world.carla, message=message)
    with pytest.raises(PermissionDenied):
        services.message_acknowledge(actor=world.rosa, message=message)
    assert Acknowledgement.objects.filter(message=message).count() == 1
    page = selectors.thread_page(thread=thread, user=world.carla)
    view = page.messages[0]
    assert [u.pk for u in view.acknowledged_by] == [world.maarten.pk]
    professionals = set(
        Membership.objects.filter(team=world.team_a, role__in=["member", "coordinator"]).values_list("user", flat=True)
    )
    assert {u.pk for u in view.not_acknowledged_by} == professionals - {world.carla.pk, world.maarten.pk}
    assert world.pieter.pk in professionals


def test_unread_counts_follow_read_markers(world):
    thread = topic(world)
    post(thread, world.carla, "een")
    post(thread, world.carla, "twee")
    post(thread, world.maarten, "drie (eigen bericht telt niet)")
    rights = team_rights(user=world.maarten, team=world.team_a)
    assert selectors.team_threads(user=world.maarten, team=world.team_a, rights=rights)[0].unread == 2
    services.read_marker_set(actor=world.maarten, thread=thread, seq=1)
    assert selectors.team_unread_total(user=world.maarten, team=world.team_a, rights=rights) == 1
    services.read_marker_set(actor=world.maarten, thread=thread, seq=0)  # never moves back
    assert selectors.team_unread_total(user=world.maarten, team=world.team_a, rights=rights) == 1
    assert services.read_marker_set(actor=world.maarten, thread=thread, seq=999) == 3  # clamped to the head
    page = selectors.thread_page(thread=thread, user=world.carla)
    # Named once, under the last message of someone else's he read ("drie" is his own).
    assert [[u.pk for u in view.read_by] for view in page.messages] == [[], [world.maarten.pk], []]


def test_replay_after_a_seq_equals_a_fresh_load(world):
    thread = topic(world)
    a = post(thread, world.carla, "a").message
    post(thread, world.maarten, "b")
    services.message_edit(actor=world.carla, message=a, body="a2")
    seen = {e["data"]["id"]: e["data"] for e in selectors.thread_events_after(thread=thread, after=0).events}
    fresh = {m.pk: m for m in Message.objects.filter(thread=thread)}
    assert set(seen) == set(fresh)
    assert seen[a.pk]["html"] == fresh[a.pk].body_html and seen[a.pk]["edited_at"]
    assert [e["seq"] for e in selectors.thread_events_after(thread=thread, after=1).events] == [2, 3]


def test_replay_past_the_bound_answers_reset(world):
    thread = topic(world)
    for i in range(4):
        post(thread, world.carla, f"m{i}")
    assert selectors.thread_events_after(thread=thread, after=0, limit=3).reset
    assert not selectors.thread_events_after(thread=thread, after=1, limit=3).reset


def test_mentions_notify_people_roles_and_kinds(world):
    thread = topic(world)
    post(thread, world.carla, "Vraag voor @maarten en @apotheek, cc @coördinator")
    notified = set(Notice.objects.filter(kind="mention").values_list("user__email", flat=True))
    # Carla is the coordinator but wrote it herself; Rosa cannot read this thread.
    assert notified == {"maarten@example.nl", "pieter@example.nl"}


def test_an_at_in_an_address_or_in_code_mentions_nobody(world):
    """Found by an exploratory test: "@Maarten kijk even op https://medium.com/@Carla/…" told Carla
    she was mentioned. An address (bare, an autolink, a link's target) and code mention nobody; a
    link's text is read, and mentions."""
    thread = topic(world)
    post(thread, world.sofie, "@Maarten kijk even op https://medium.com/@Carla/wijkzorg-in-de-nacht")
    post(thread, world.sofie, "Zie [dit stuk](https://medium.com/@Pieter/medicatie) en <https://x.nl/@iedereen>")
    post(thread, world.sofie, "In de code: `@apotheek` en\n```\n@coördinator\n```\nklaar")
    notified = set(Notice.objects.filter(kind="mention").values_list("user__email", flat=True))
    assert notified == {"maarten@example.nl"}
    post(thread, world.sofie, "[@Carla](https://medium.com/@Pieter)")
    notified = set(Notice.objects.filter(kind="mention").values_list("user__email", flat=True))
    assert notified == {"maarten@example.nl", "carla@example.nl"}


def test_a_mention_of_someone_offline_sends_an_email_without_the_message(world, settings):
    settings.SITE_URL = "https://wv.example"
    thread = topic(world, title="Medicatieoverdracht")
    presence.users_mark_online([world.pieter.pk])
    post(thread, world.carla, "@maarten @pieter: geheime informatie")
    assert [m.to for m in mail.outbox] == [["maarten@example.nl"]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert "geheime" not in text  # never the message: who, what, which thread and team, a link
    assert "Medicatieoverdracht" in text and "Utrecht Oost" in text and "Carla" in text
    assert f"https://wv.example/t/oost/threads/{thread.pk}/" in text
    assert "https://wv.example/unsubscribe/" in text


def test_no_mention_email_for_people_who_turned_it_off(world):
    notice_preferences_set(actor=world.maarten, email_mentions=False)
    post(topic(world), world.carla, "@maarten")
    assert mail.outbox == []
    assert Notice.objects.filter(user=world.maarten, kind="mention").exists()


class GatedBackend(locmem.EmailBackend):
    """A mail server that answers only when the test opens the gate."""

    gate = threading.Event()

    def send_messages(self, messages):
        assert self.gate.wait(10)
        return super().send_messages(messages)


def test_posting_does_not_wait_for_the_mail_server(world, settings):
    """A mention's notices and mails are made by the task worker: the post only queues one job, in
    its own transaction (docs/work.md, "The cost of a post")."""
    settings.EMAIL_BACKEND = "tests.threads.test_services.GatedBackend"
    GatedBackend.gate.clear()
    with queued_tasks():
        result = post(topic(world), world.carla, "@maarten kun je kijken?")
    # The post is done while the mail server would still hang; the job waits in the queue.
    assert result.created and mail.outbox == [] and not Mail.objects.exists()
    assert not Notice.objects.filter(user=world.maarten, kind="mention").exists()
    GatedBackend.gate.set()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker's own commit
        assert run_queued_tasks() == 1
    assert Notice.objects.filter(user=world.maarten, kind="mention").exists()
    assert [m.to for m in mail.outbox] == [["maarten@example.nl"]]


def test_a_mention_job_run_twice_makes_one_notice_and_one_mail(world):
    with queued_tasks():
        result = post(topic(world), world.carla, "@maarten kun je kijken?")
    for _run in range(2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            notifications.post_notices(result.message.pk)
    assert Notice.objects.filter(user=world.maarten, kind="mention").count() == 1
    assert [m.to for m in mail.outbox] == [["maarten@example.nl"]]


def test_without_redis_a_mentions_job_runs_after_the_commit_in_the_web_process(world, settings):
    """make run has one web process, an in-memory channel layer and a process-local cache: a
    worker elsewhere could not see who is online or reach the open page, so the job runs here."""
    from django_q.models import OrmQ

    settings.TASKS_PUSH_IN_PROCESS = True
    with queued_tasks():
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            services.message_post(
                actor=world.carla, thread=topic(world), body="@maarten kun je kijken?", client_id=str(uuid.uuid4())
            )
        assert not Notice.objects.filter(user=world.maarten, kind="mention").exists()  # not before the commit
        with TestCase.captureOnCommitCallbacks(execute=True):
            for callback in callbacks:
                callback()
    assert Notice.objects.filter(user=world.maarten, kind="mention").exists()
    # Only the mail waits for the worker (the mention's job ran here), and it is sent from there.
    assert OrmQ.objects.count() == 1 and mail.outbox == []
    with queued_tasks(), TestCase.captureOnCommitCallbacks(execute=True):
        assert run_queued_tasks() == 1
    assert [m.to for m in mail.outbox] == [["maarten@example.nl"]]


def test_a_message_deleted_before_its_job_ran_tells_nobody(world):
    with queued_tasks():
        result = post(topic(world), world.carla, "@maarten kun je kijken?")
    Message.objects.filter(pk=result.message.pk).update(deleted_at=timezone.now())
    assert run_queued_tasks() == 1
    assert not Notice.objects.filter(kind="mention").exists() and mail.outbox == []


def test_asking_for_confirmation_notifies_the_professionals(world):
    post(topic(world), world.maarten, "Bevestig dit", asks_ack=True)
    professionals = set(
        Membership.objects.filter(team=world.team_a, role__in=["member", "coordinator"]).values_list("user", flat=True)
    )
    assert set(Notice.objects.filter(kind="ack_request").values_list("user", flat=True)) == professionals - {
        world.maarten.pk
    }
    assert not Notice.objects.filter(user=world.rosa).exists()


def test_the_thread_owner_hears_of_new_activity_once_until_read(world):
    thread = topic(world, actor=world.maarten)
    post(thread, world.carla, "een")
    post(thread, world.pieter, "twee")
    assert Notice.objects.filter(user=world.maarten, kind="activity").count() == 1


def test_posts_publish_one_serialised_event_on_commit(world, monkeypatch):
    from wijkverband.realtime import publish

    sent = []
    monkeypatch.setattr(publish, "_send", lambda group, message: sent.append((group, message)))
    thread = topic(world)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.message_post(actor=world.carla, thread=thread, body="Hallo", client_id=str(uuid.uuid4()))
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (group, message), *_ = sent
    assert group == f"wv.thread.{thread.pk}" and message["seq"] == 1
    assert '"kind":"message.created"' in message["frame"]


def test_thread_list_uses_a_constant_number_of_queries(world, django_assert_num_queries):
    for i in range(3):
        post(topic(world, title=f"T{i}"), world.carla, "x")
    rights = team_rights(user=world.maarten, team=world.team_a)
    with django_assert_num_queries(1):
        list(selectors.team_threads(user=world.maarten, team=world.team_a, rights=rights))
    for i in range(5):
        post(topic(world, title=f"U{i}"), world.carla, "x")
    with django_assert_num_queries(1):
        assert len(selectors.team_threads(user=world.maarten, team=world.team_a, rights=rights)) == 8


def test_thread_page_uses_a_constant_number_of_queries(world, django_assert_num_queries):
    thread = topic(world)
    post(thread, world.carla, "a", asks_ack=True)
    connection.queries_log.clear()
    with django_assert_num_queries(4) as few:
        selectors.thread_page(thread=thread, user=world.maarten)
    for i in range(6):
        post(thread, world.maarten if i % 2 else world.carla, f"m{i}", asks_ack=bool(i % 3))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(selectors.thread_page(thread=thread, user=world.maarten).messages) == 7


@pytest.mark.parametrize("body", ["BSN 111&#50;22333", "BSN 111**222**333", "BSN 111\u200b222\u200b333"])
def test_a_message_that_reads_as_a_bsn_is_refused_posted_or_edited(world, body):
    """Found by an exploratory security test: the guard read the Markdown, readers the rendered
    text ("&#50;" became a 2). Refused as a post and as an edit; nothing of it is stored."""
    from wijkverband.core.guard import ClientDataRefused
    from wijkverband.threads.models import Message

    thread = topic(world)
    with pytest.raises(ClientDataRefused):
        post(thread, world.carla, body)
    message = post(thread, world.carla, "Hallo").message
    with pytest.raises(ClientDataRefused):
        services.message_edit(actor=world.carla, message=message, body=body)
    assert list(Message.objects.for_team(world.team_a).filter(thread=thread).values_list("body", flat=True)) == [
        "Hallo"
    ]


def _mentioned(kind="mention"):
    return sorted(Notice.objects.filter(kind=kind).values_list("user__email", flat=True))


def test_an_edit_that_adds_a_mention_tells_the_people_newly_mentioned_only(world):
    """Found by a tester: adding "@pieter" by editing a message told nobody. The edit tells the
    people it mentions newly, as a post tells them: not those the earlier text mentioned, not the
    author, not who cannot read the thread (Rosa), and the notice names the thread, not the text."""
    thread = topic(world)
    message = post(thread, world.sofie, "@maarten kijk je even?").message
    assert _mentioned() == ["maarten@example.nl"]
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.message_edit(
            actor=world.sofie, message=message, body="@maarten @pieter @rosa @sofie kijk je even naar de geheime lijst?"
        )
    assert _mentioned() == ["maarten@example.nl", "pieter@example.nl"]
    notice = Notice.objects.get(user=world.pieter, kind="mention")
    assert notice.actor == world.sofie and notice.title == "Algemeen"
    assert notice.path == f"/t/oost/threads/{thread.pk}/?at={message.seq}#message-{message.pk}"
    assert [m.to for m in mail.outbox] == [["pieter@example.nl"]]
    assert "geheime" not in mail.outbox[0].subject + mail.outbox[0].body


def test_an_edit_tells_nobody_again_and_nobody_when_it_adds_no_mention(world):
    thread = topic(world)
    message = post(thread, world.sofie, "@maarten kijk je even?").message
    with queued_tasks(), TestCase.captureOnCommitCallbacks(execute=True):
        services.message_edit(actor=world.sofie, message=message, body="@Maarten.Lid kijk je even? Dank!")
        services.message_edit(actor=world.sofie, message=message, body="Laat maar, het is al geregeld.")
        services.message_edit(actor=world.sofie, message=message, body="@maarten toch even kijken")
        assert run_queued_tasks() == 2  # the edit that only took the mention away queued none
    assert _mentioned() == ["maarten@example.nl"]  # told once, by the post


def test_an_edits_mentions_are_made_by_the_task_worker(world):
    thread = topic(world)
    message = post(thread, world.sofie, "Wie kan dit oppakken?").message
    with queued_tasks():
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.message_edit(actor=world.sofie, message=message, body="Wie kan dit oppakken, @apotheek?")
        assert _mentioned() == []  # the edit only queued the job
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert run_queued_tasks() == 1
    assert _mentioned() == ["pieter@example.nl"]


def test_an_edits_mention_job_tells_nobody_once_the_message_is_deleted(world):
    thread = topic(world)
    message = post(thread, world.sofie, "Wie kan dit oppakken?").message
    with queued_tasks():
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.message_edit(actor=world.sofie, message=message, body="Wie kan dit oppakken, @maarten?")
            services.message_delete(actor=world.sofie, message=message)
        assert run_queued_tasks() == 1
    assert _mentioned() == []

"""The discussions' notifications and e-mail preference become notices (one system for all)."""

from django.db import migrations

KEYS = {"mention": "mention", "ack_request": "ack_request", "activity": "activity"}


def forward(apps, schema_editor):
    Notification = apps.get_model("threads", "Notification")
    Preference = apps.get_model("threads", "NotificationPreference")
    Notice = apps.get_model("work", "Notice")
    NoticePreference = apps.get_model("work", "NoticePreference")
    rows = []
    for n in Notification.objects.select_related("thread", "message", "team").iterator(chunk_size=2000):
        rows.append(
            Notice(
                team_id=n.team_id,
                user_id=n.user_id,
                kind=n.kind,
                actor_id=n.actor_id,
                subject_kind="thread",
                subject_id=n.thread_id,
                title=n.thread.title[:200],
                path=f"/t/{n.team.slug}/threads/{n.thread_id}/#message-{n.message_id}",
                seq=n.message.seq,
                key=f"{KEYS[n.kind]}:message:{n.message_id}",
                created_at=n.created_at,
                read_at=n.read_at,
                emailed_at=n.emailed_at,
                # What was there before is not put into anyone's first digest.
                digested_at=n.read_at or n.emailed_at or n.created_at,
            )
        )
        if len(rows) >= 2000:
            Notice.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    NoticePreference.objects.bulk_create(
        [NoticePreference(user_id=p.user_id, email_mentions=p.email_mentions) for p in Preference.objects.all()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0001_initial"),
        ("threads", "0004_message_redaction"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

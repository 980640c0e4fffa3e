"""The notices made before a notice stored whether its item is internal (work 0015): those about a
thread client representatives do not read now (not opened to them, or about an internal item) are
marked internal, as notices_create marks a new one (threads.services.notifications.thread_subject)."""

from django.db import migrations
from django.db.models import Q


def mark_internal(apps, schema_editor):
    Thread = apps.get_model("threads", "Thread")
    Notice = apps.get_model("work", "Notice")
    closed = Thread._base_manager.filter(Q(open_to_representatives=False) | Q(internal=True)).values("pk")
    Notice._base_manager.filter(subject_kind="thread", subject_id__in=closed).update(internal=True)


class Migration(migrations.Migration):
    dependencies = [
        ("threads", "0008_headings_images_tables_in_stored_messages"),
        ("work", "0015_notice_internal"),
    ]

    operations = [migrations.RunPython(mark_internal, migrations.RunPython.noop)]

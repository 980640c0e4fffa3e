"""The notices made before a notice stored whether its item is internal (work 0015): those about a
bottleneck that is internal now are marked internal, as notices_create marks a new one."""

from django.db import migrations


def mark_internal(apps, schema_editor):
    Bottleneck = apps.get_model("bottlenecks", "Bottleneck")
    Notice = apps.get_model("work", "Notice")
    internal = Bottleneck._base_manager.filter(internal=True).values("pk")
    Notice._base_manager.filter(subject_kind="bottleneck", subject_id__in=internal).update(internal=True)


class Migration(migrations.Migration):
    dependencies = [
        ("bottlenecks", "0008_event_kinds_removed"),
        ("work", "0015_notice_internal"),
    ]

    operations = [migrations.RunPython(mark_internal, migrations.RunPython.noop)]

"""A notice stores whether its item is internal (Notice.internal, from Subject.internal), so that the
notices of someone who may no longer read internal items can go (work.services.rights_narrowed).

Notices made before: those of work's own subjects that are always internal (someone left the team,
an invitation's mail) are marked here; the apps whose items can be internal mark theirs in their own
step (bottlenecks 0009: an internal bottleneck; threads 0009: a thread not opened to client
representatives). Every other notice is about an item everyone in the team reads (False, the default).
"""

from django.db import migrations, models

#: work.models.SubjectKind.TEAM and .INVITATION: made with Subject(internal=True), always.
ALWAYS_INTERNAL = ["team", "invitation"]


def always_internal(apps, schema_editor):
    Notice = apps.get_model("work", "Notice")
    Notice._base_manager.filter(subject_kind__in=ALWAYS_INTERNAL).update(internal=True)


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0014_mail_outbox_for_invitations_and_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="internal",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(always_internal, migrations.RunPython.noop),
    ]

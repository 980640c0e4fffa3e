"""Sessions move to accounts_session, each row with the person it signs in (accounts/sessions.py).

The sessions in Django's table move across, with the person read from their data, so nobody is
signed out by the deploy that runs this; going back moves them back.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def _moved(source, target, *, with_user: bool) -> None:
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    decode = SessionStore().decode  # (the signed data, as Django reads it; {} when it fails)
    batch = []
    for row in source.objects.order_by("pk").iterator(chunk_size=BATCH):
        fields = {"session_key": row.session_key, "session_data": row.session_data, "expire_date": row.expire_date}
        if with_user:
            user_id = decode(row.session_data).get(SESSION_KEY)
            fields["user_id"] = int(user_id) if str(user_id or "").isdigit() else None
        batch.append(target(**fields))
        if len(batch) == BATCH:
            target.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    target.objects.bulk_create(batch, ignore_conflicts=True)
    source.objects.all().delete()


def sessions_move(apps, schema_editor):
    _moved(apps.get_model("sessions", "Session"), apps.get_model("accounts", "Session"), with_user=True)


def sessions_move_back(apps, schema_editor):
    _moved(apps.get_model("accounts", "Session"), apps.get_model("sessions", "Session"), with_user=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key"),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(sessions_move, sessions_move_back),
    ]

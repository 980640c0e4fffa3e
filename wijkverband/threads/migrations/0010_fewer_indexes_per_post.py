"""Every post writes a message and an event: three indexes fewer to write with each.

`threads_message.thread_id` and `threads_event.thread_id` each had an index of their own beside
one that starts with the same column ((thread_id, seq) on both), and `threads_message.author_id`
one beside the client id's unique (author_id, client_id). A look-up by the column alone uses the
longer index as well, so these only cost writes (docs/realtime.md, "Cost of a post").

Only the indexes are dropped: Django's own AlterField would also drop and add each foreign key
again, which checks every row of the table while it holds a lock (and on SQLite copies the whole
table). Found by their columns, so the names Django gave them do not matter.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: (model, column) whose single-column index goes.
COLUMNS = (("message", "thread_id"), ("message", "author_id"), ("event", "thread_id"))


def _single_column_indexes(schema_editor, model, column):
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in found.items()
        if info["index"] and info["columns"] == [column] and not (info["unique"] or info["primary_key"])
    ]


def drop(apps, schema_editor):
    for model_name, column in COLUMNS:
        model = apps.get_model("threads", model_name)
        for name in _single_column_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore(apps, schema_editor):
    for model_name, column in COLUMNS:
        model = apps.get_model("threads", model_name)
        if not _single_column_indexes(schema_editor, model, column):
            field = next(field for field in model._meta.local_fields if field.column == column)
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("threads", "0009_notices_of_internal_threads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="thread",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="threads.thread",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="thread",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="threads.thread",
                        verbose_name="thread",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
    ]

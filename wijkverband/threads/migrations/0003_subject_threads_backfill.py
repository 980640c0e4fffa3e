"""Exactly one thread per agreement and per bottleneck: create the missing ones.

From now on the agreements and bottlenecks services create the thread in the transaction that
creates the subject; this gives the ones created before that their thread. The title is the
subject's (current) title, as thread_for_subject does; an internal bottleneck's thread is internal,
an escalated one's is escalated. No audit rows: nothing anyone did, and the chain is written by
the audit service only.
"""

from django.db import migrations

BATCH = 1000


def _create_missing(Thread, kind: str, rows) -> None:
    existing = set(Thread.objects.filter(subject_kind=kind).values_list("team_id", "subject_id"))
    batch = []
    for row in rows:
        if (row["team_id"], row["pk"]) in existing:
            continue
        batch.append(
            Thread(
                team_id=row["team_id"],
                title=(row["title"] or f"#{row['pk']}")[:200],
                subject_kind=kind,
                subject_id=row["pk"],
                internal=row.get("internal", False),
                escalated=row.get("escalated", False),
                created_by_id=row["created_by_id"],
                created_at=row["created_at"],
                last_activity_at=row["created_at"],
            )
        )
        if len(batch) >= BATCH:
            Thread.objects.bulk_create(batch)
            batch = []
    if batch:
        Thread.objects.bulk_create(batch)


def backfill(apps, schema_editor):
    Thread = apps.get_model("threads", "Thread")
    Agreement = apps.get_model("agreements", "Agreement")
    Bottleneck = apps.get_model("bottlenecks", "Bottleneck")
    agreements = (
        Agreement.objects.order_by("pk")
        .values("pk", "team_id", "created_by_id", "created_at", "current_version__title")
        .iterator()
    )
    _create_missing(
        Thread,
        "agreement",
        ({**row, "title": row["current_version__title"]} for row in agreements),
    )
    bottlenecks = (
        Bottleneck.objects.order_by("pk")
        .values("pk", "team_id", "title", "internal", "status", "reporter_id", "created_at")
        .iterator()
    )
    _create_missing(
        Thread,
        "bottleneck",
        (
            {**row, "created_by_id": row["reporter_id"], "escalated": row["status"] == "escalated"}
            for row in bottlenecks
        ),
    )
    # Threads that existed already (an escalation opened them) follow their bottleneck's visibility.
    for team_id, pk in Bottleneck.objects.filter(internal=True).values_list("team_id", "pk").iterator():
        Thread.objects.filter(team_id=team_id, subject_kind="bottleneck", subject_id=pk).update(internal=True)


class Migration(migrations.Migration):
    dependencies = [
        ("threads", "0002_thread_internal"),
        ("agreements", "0001_initial"),
        ("bottlenecks", "0003_agreement_links"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

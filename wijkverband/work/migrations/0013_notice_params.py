import re

from django.db import migrations, models

#: The titles the notices of a leaving stored as words, in Dutch or English (the recipient's language
#: when it was made), and the phrase each is now (work.serialise.register_notice_phrase). The words
#: of the code as it was, copied here: a later change of the catalogue does not change this step.
PHRASES = [
    ("bottlenecks.need_owner", r"(?P<count>\d+) open (?:bottleneck needs|bottlenecks need) a new owner"),
    ("bottlenecks.need_owner", r"(?P<count>\d+) open (?:knelpunt heeft|knelpunten hebben) een nieuwe eigenaar nodig"),
    ("bottlenecks.request_lapses", r"your request that (?P<name>.+) own (?P<count>\d+) bottlenecks? lapses"),
    (
        "bottlenecks.request_lapses",
        r"je vraag aan (?P<name>.+) om eigenaar te worden van (?P<count>\d+) knelpunt(?:en)? vervalt",
    ),
    ("agreements.owner_now", r"you are the owner of (?P<count>\d+) agreements? now"),
    ("agreements.owner_now", r"je bent nu eigenaar van (?P<count>\d+) (?:afspraak|afspraken)"),
]


def phrase_of(title: str) -> dict | None:
    for phrase, pattern in PHRASES:
        found = re.fullmatch(pattern, title)
        if found:
            values = found.groupdict()
            return {"phrase": phrase, **values, "count": int(values["count"])}
    return None


def leaving_titles_to_phrases(apps, schema_editor):
    """The notices of a leaving stored their title as words in one language: what is recognised is
    written as it is read from now on; anything else keeps showing its words (Notice.title)."""
    Notice = apps.get_model("work", "Notice")
    rows = Notice._base_manager.filter(kind__in=["member_left", "member_removed"])
    for notice in rows.only("pk", "title").iterator():
        params = phrase_of(notice.title)
        if params is not None:
            Notice._base_manager.filter(pk=notice.pk).update(params=params)


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0012_worker_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(leaving_titles_to_phrases, migrations.RunPython.noop),
    ]

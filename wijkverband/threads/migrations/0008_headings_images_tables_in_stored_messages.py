"""A message's heading sits below the page's own now ("# Belangrijk" was an <h1> in the bubble), an
image is its alt text linked to its address (it vanished, leaving an empty paragraph) and a table
scrolls in a box of its own (wijkverband.core.markdown.render_message). Messages and earlier
versions keep the HTML they were written with (body_html), so the ones that hold a heading, a table
or an image are rendered again, as 0006 and 0007 did; only those can change. No audit rows and no
live events (nobody did anything).
"""

from django.db import migrations
from django.db.models import Q

BATCH = 500


def _render_again(model) -> None:
    from wijkverband.core.markdown import render_message

    rows = model.objects.filter(
        Q(body_html__contains="<h") | Q(body_html__contains="<table") | Q(body__contains="![")
    ).order_by("pk")
    changed = []
    for row in rows.only("pk", "body", "body_html").iterator(chunk_size=BATCH):
        html = str(render_message(row.body)) if row.body else ""
        if html != row.body_html:
            row.body_html = html
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, ["body_html"])
            changed = []
    if changed:
        model.objects.bulk_update(changed, ["body_html"])


def render_again(apps, schema_editor):
    _render_again(apps.get_model("threads", "Message"))
    _render_again(apps.get_model("threads", "MessageRevision"))


class Migration(migrations.Migration):
    dependencies = [
        ("threads", "0007_dead_links_in_stored_messages"),
    ]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True)]

"""A bare address in a message ("https://www.thuisarts.nl/medicijnen") is a link now
(wijkverband.core.markdown): the messages and earlier versions written before keep their HTML
(body_html is stored when a message is written), so the ones that hold an address are rendered
again. Nothing else changes; no audit rows and no live events (nobody did anything).
"""

from django.db import migrations
from django.db.models import Q

BATCH = 500


def _render_again(model) -> None:
    from wijkverband.core.markdown import render_message

    rows = model.objects.filter(Q(body__icontains="http") | Q(body__icontains="www.")).order_by("pk")
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
        ("threads", "0005_notifications_become_notices"),
    ]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True)]

"""A bare address ends before an unbalanced "]" and before "…" now, and a link whose address the
sanitiser refuses is left as plain text (wijkverband.core.markdown): "[zie https://www.thuisarts.nl]"
was stored as an <a> without href (black, dead to a click) and "…/Medicatie…" linked to
"…/Medicatie%E2%80%A6". Messages and earlier versions keep the HTML they were written with
(body_html), so the ones whose HTML holds a link are rendered again, as 0006 did; only those can
change. Nothing else changes; no audit rows and no live events (nobody did anything).
"""

from django.db import migrations

BATCH = 500


def _render_again(model) -> None:
    from wijkverband.core.markdown import render_message

    rows = model.objects.filter(body_html__contains="<a").order_by("pk")
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
        ("threads", "0006_links_in_stored_messages"),
    ]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True)]

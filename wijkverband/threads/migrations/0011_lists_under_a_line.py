"""A list typed straight under a line of text ("Wie belt er:⏎- de apotheek⏎- de huisarts", as people
type one on a phone) is a list now (wijkverband.core.markdown, _ListAfterLine): it was one
paragraph of "- " lines. Messages and earlier versions keep the HTML they were written with
(body_html), so the ones written so are rendered again, as 0006 to 0008 did; only those can change
(the step would put a blank line in). No audit rows and no live events (nobody did anything).
"""

from django.db import migrations

BATCH = 500


def _render_again(model) -> None:
    from wijkverband.core.markdown import _ListAfterLinePreprocessor, render_message

    step = _ListAfterLinePreprocessor(None)
    rows = model.objects.filter(body__contains="\n").order_by("pk")
    changed = []
    for row in rows.only("pk", "body", "body_html").iterator(chunk_size=BATCH):
        lines = row.body.replace("\r\n", "\n").split("\n")
        if step.run(list(lines)) == lines:
            continue  # no list under a line: rendered as it was
        html = str(render_message(row.body))
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
        ("threads", "0010_fewer_indexes_per_post"),
    ]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True)]

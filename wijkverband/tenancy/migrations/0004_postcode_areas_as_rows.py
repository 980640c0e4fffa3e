"""Postcode areas become rows (PostcodeArea), kept by the region; the comma-separated text goes.

The existing values move across as they are, overlaps included: the rule that teams may not share
an area is kept by the services from now on, and the region's areas page lists any overlap found.
"""

import re

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def _codes(text):
    # The old field held four-digit areas separated by commas or spaces (its validator saw to it).
    return sorted({part for part in re.split(r"[,\s]+", text or "") if re.fullmatch(r"[1-9][0-9]{3}", part)})


def areas_to_rows(apps, schema_editor):
    Team = apps.get_model("tenancy", "Team")
    PostcodeArea = apps.get_model("tenancy", "PostcodeArea")
    rows = [
        PostcodeArea(team_id=team_id, code=code)
        for team_id, text in Team.objects.values_list("pk", "postcode_areas_text")
        for code in _codes(text)
    ]
    PostcodeArea.objects.bulk_create(rows, batch_size=1000)


def rows_to_areas(apps, schema_editor):
    Team = apps.get_model("tenancy", "Team")
    PostcodeArea = apps.get_model("tenancy", "PostcodeArea")
    by_team = {}
    for team_id, code in PostcodeArea.objects.order_by("code").values_list("team_id", "code"):
        by_team.setdefault(team_id, []).append(code)
    for team_id, codes in by_team.items():
        # The old field knew only four-digit areas: a full postcode falls back to its area.
        areas = sorted({code[:4] for code in codes})
        Team.objects.filter(pk=team_id).update(postcode_areas_text=", ".join(areas)[:400])


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0003_team_reconfirm_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="allow_overlapping_areas",
            field=models.BooleanField(default=False, verbose_name="teams may share postcode areas"),
        ),
        # Renamed first, so the new rows' related name ("postcode_areas") never meets the old field.
        migrations.RenameField(model_name="team", old_name="postcode_areas", new_name="postcode_areas_text"),
        migrations.CreateModel(
            name="PostcodeArea",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(db_index=True, max_length=6, verbose_name="postcode or postcode area")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="postcode_areas",
                        to="tenancy.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "postcode area",
                "verbose_name_plural": "postcode areas",
                "constraints": [
                    models.UniqueConstraint(fields=("team", "code"), name="postcode_area_once_per_team"),
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[1-9][0-9]{3}([A-Z]{2})?$")),
                        name="postcode_area_compact_form",
                    ),
                ],
            },
        ),
        migrations.RunPython(areas_to_rows, rows_to_areas),
        migrations.RemoveField(model_name="team", name="postcode_areas_text"),
    ]

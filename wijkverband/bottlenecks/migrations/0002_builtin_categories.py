from django.db import migrations

# Keys of the built-in categories, in the order the forms list them; labels live in models.py.
KEYS = ["bereikbaarheid", "overdracht", "medicatie", "capaciteit", "financiering", "sociale_basis", "ict", "overig"]


def create(apps, schema_editor):
    Category = apps.get_model("bottlenecks", "Category")
    for position, key in enumerate(KEYS, start=1):
        # "Other" goes last, after a team's own categories (position 100).
        Category.objects.get_or_create(
            team=None, key=key, defaults={"position": 999 if key == "overig" else position * 10}
        )


def remove(apps, schema_editor):
    apps.get_model("bottlenecks", "Category").objects.filter(team=None, key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [("bottlenecks", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]

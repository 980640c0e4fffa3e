from django.conf import settings
from django.db import migrations, models

# The organisation kind of each external party kind (agreements.models.ORGANISATION_KIND_OF).
KIND_OF = {"insurer": "zorgverzekeraar", "municipality": "gemeente", "client_representation": "clientenraad"}


def link_external_parties(apps, schema_editor):
    """Every external party names an organisation from now on (found by name and kind, or made)."""
    Party = apps.get_model("agreements", "Party")
    Organisation = apps.get_model("tenancy", "Organisation")
    for party in Party._base_manager.filter(organisation__isnull=True):
        kind = KIND_OF[party.kind]
        organisation = Organisation.objects.filter(kind=kind, name__iexact=party.name).first()
        if organisation is None:
            organisation = Organisation.objects.create(kind=kind, name=party.name)
        party.organisation = organisation
        party.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_indicator_source_alter_agreementevent_action"),
        ("tenancy", "0005_external_party_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="party",
            name="party_provider_is_organisation",
        ),
        migrations.RemoveConstraint(
            model_name="party",
            name="party_external_once",
        ),
        migrations.RunPython(link_external_parties, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="party",
            constraint=models.CheckConstraint(
                condition=models.Q(("organisation__isnull", False)), name="party_has_organisation"
            ),
        ),
    ]

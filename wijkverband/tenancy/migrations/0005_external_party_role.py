from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0004_postcode_areas_as_rows"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="team",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("contribute_team", "Propose agreements, report bottlenecks and post in threads"),
                    ("manage_team_members", "Invite members, change roles and remove members"),
                    ("endorse_team_agreements", "Read and endorse the agreements its organisation is party to"),
                ],
                "verbose_name": "team",
                "verbose_name_plural": "teams",
            },
        ),
        migrations.AlterField(
            model_name="invitation",
            name="role",
            field=models.CharField(
                choices=[
                    ("member", "Member"),
                    ("coordinator", "Coordinator"),
                    ("client_representative", "Client representative"),
                    ("external_party", "External party"),
                ],
                max_length=30,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("member", "Member"),
                    ("coordinator", "Coordinator"),
                    ("client_representative", "Client representative"),
                    ("external_party", "External party"),
                ],
                default="member",
                max_length=30,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("huisarts", "GP practice"),
                    ("apotheek", "Pharmacy"),
                    ("wijkverpleging", "District nursing"),
                    ("sociaal_domein", "Social domain"),
                    ("other", "Other care or support provider"),
                    ("zorgverzekeraar", "Health insurer"),
                    ("gemeente", "Municipality"),
                    ("clientenraad", "Client representation"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]


import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0003_external_party_organisations'),
        ('bottlenecks', '0003_agreement_links'),
        ('tenancy', '0005_external_party_role'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Signal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='in a few words')),
                ('text', models.TextField(verbose_name='what clients run into')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='filed')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last change')),
                ('status', models.CharField(choices=[('new', 'Awaiting the coordinator'), ('bottleneck', 'Taken up as a bottleneck'), ('review', "Taken into an agreement's review"), ('answered', 'Answered')], default='new', max_length=20, verbose_name='status')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('triaged_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('answer_seen_at', models.DateTimeField(blank=True, null=True)),
                ('agreement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='client_signals', to='agreements.agreement', verbose_name='agreement')),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by')),
                ('bottleneck', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='client_signals', to='bottlenecks.bottleneck', verbose_name='bottleneck')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='client_signals', to='tenancy.team', verbose_name='team')),
                ('triaged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'signal',
                'verbose_name_plural': 'signals',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['team', 'status', 'created_at'], name='signal_team_status')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status', 'new'), ('triaged_at__isnull', False), _connector='OR'), name='signal_triaged_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'bottleneck'), _negated=True), ('agreement__isnull', True), _connector='OR'), name='signal_bottleneck_not_agreement'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'review'), _negated=True), ('bottleneck__isnull', True), _connector='OR'), name='signal_review_not_bottleneck')],
            },
        ),
    ]

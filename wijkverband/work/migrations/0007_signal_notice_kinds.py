
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('work', '0006_subject_kinds_card_and_map'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notice',
            name='kind',
            field=models.CharField(choices=[('mention', 'Mentioned you'), ('ack_request', 'Asks for your confirmation'), ('activity', 'New activity on your thread'), ('endorsement_requested', 'Asks your organisation to endorse'), ('agreement_endorsed', 'Endorsed'), ('agreement_declined', 'Declined'), ('agreement_adopted', 'Adopted'), ('review_soon', 'Review date within 30 days'), ('review_passed', 'Review date passed'), ('agreement_ended', 'Ended'), ('ownership_asked', 'Asks you to own it'), ('ownership_accepted', 'Accepted ownership'), ('ownership_declined', 'Declined ownership'), ('escalated', 'Escalated to the region'), ('region_responded', 'The region responded'), ('region_handed_back', 'The region handed it back'), ('overdue', 'Past its target'), ('resolved', 'Resolved'), ('reconfirm_due', 'Contact details to confirm again'), ('correction_suggested', 'Suggests a correction'), ('correction_handled', 'Handled your suggested correction'), ('signal_filed', 'Filed a signal'), ('signal_answered', 'Answered your signal'), ('reminder', 'Reminder: still waiting on you'), ('still_waiting', 'Still waiting after two reminders')], max_length=40, verbose_name='what happened'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='subject_kind',
            field=models.CharField(choices=[('agreement', 'agreement'), ('bottleneck', 'bottleneck'), ('thread', 'thread'), ('wijkcard_entry', 'Wijk card'), ('social_map_entry', 'Social map'), ('signal', 'signal')], max_length=20),
        ),
    ]

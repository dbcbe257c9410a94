# Decisions moved to haven.decisions, keeping their tables: only Django's state changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0003_alter_consent_override_decision'),
        ('decisions', '0001_initial'),
        ('protection', '0003_service_recipient_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='placement',
                    name='decision',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='decisions.decision', verbose_name='best-interests determination'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='decision',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='decisions.decision', verbose_name='best-interests determination'),
                ),
                migrations.DeleteModel(
                    name='DecisionParticipant',
                ),
                migrations.DeleteModel(
                    name='Decision',
                ),
            ],
            database_operations=[],
        ),
    ]

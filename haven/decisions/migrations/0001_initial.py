# Best-interests decisions move from protection to their own app. The tables keep their names
# (protection_decision, protection_decisionparticipant): only Django's state moves.

import django.db.models.deletion
import haven.core.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('protection', '0003_service_recipient_labels'),
        ('cases', '0004_alter_caseassignment_role'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('bia', 'Best-interests assessment'), ('bid', 'Best-interests determination (formal, by a panel)')], max_length=3, verbose_name='kind')),
                        ('subject', models.CharField(choices=[('care', "The child's care and support in general"), ('placement', 'Where the child lives (placement)'), ('separation', 'Separation from the family'), ('return', 'Return to the family or country of origin'), ('legal_participation', 'Taking part in legal proceedings'), ('medical_without_consent', 'Medical care without consent'), ('other', 'Other')], max_length=30, verbose_name='what it decides')),
                        ('decided_on', models.DateField(verbose_name='date')),
                        ('question', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='the question')),
                        ('options', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='the options considered')),
                        ('child_views', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="the child's views, in their words")),
                        ('child_views_weight', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="how the child's views were weighed, given their age and maturity")),
                        ('child_views_not_obtained', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="why the child's views could not be obtained")),
                        ('family_views', haven.core.fields.EncryptedTextField(blank=True, default='', sensitivity='family', verbose_name='the views of the family or guardian')),
                        ('risks', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='risks')),
                        ('outcome', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='the decision')),
                        ('justification', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="why it is in the child's best interests")),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='cases.case')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_decision',
                        'ordering': ['-decided_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='DecisionParticipant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('role', models.CharField(max_length=200, verbose_name='role or organisation')),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='decisions.decision')),
                    ],
                    options={
                        'db_table': 'protection_decisionparticipant',
                        'ordering': ['pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

# Where the child lives moves from protection to its own app. The tables keep their names
# (protection_placement...): only Django's state moves.

import django.db.models.deletion
import haven.core.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('protection', '0004_decisions_move_to_their_own_app'),
        ('cases', '0004_alter_caseassignment_role'),
        ('decisions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Charge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('offence', models.CharField(choices=[('illegal_entry', 'Illegal entry'), ('illegal_stay', 'Illegal stay'), ('illegal_work', 'Illegal work'), ('compelled', 'An offence the child was compelled to commit'), ('other', 'Other')], max_length=16, verbose_name='offence')),
                        ('description', haven.core.fields.EncryptedTextField(blank=True, default='', sensitivity='legal', verbose_name='details')),
                        ('authority', models.CharField(max_length=200, verbose_name='authority')),
                        ('status', models.CharField(choices=[('investigation', 'Under investigation'), ('charged', 'Charged'), ('prosecuted', 'Before a court'), ('sanctioned', 'Sanctioned or convicted'), ('dropped', 'Dropped'), ('acquitted', 'Acquitted')], max_length=14, verbose_name='status')),
                        ('recorded_on', models.DateField(verbose_name='date')),
                        ('non_punishment_raised_on', models.DateField(blank=True, null=True, verbose_name='non-punishment principle raised with the authority on')),
                        ('non_punishment_raised_with', models.CharField(blank=True, max_length=200, verbose_name='raised with')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='charges', to='cases.case')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_charge',
                        'ordering': ['-recorded_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='FamilyContact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('with_whom', haven.core.fields.EncryptedTextField(blank=True, default='', sensitivity='family', verbose_name='with whom')),
                        ('means', models.CharField(choices=[('visits', 'Visits'), ('calls', 'Phone or video calls'), ('letters', 'Letters or messages')], max_length=10, verbose_name='how')),
                        ('frequency', models.CharField(max_length=100, verbose_name='how often')),
                        ('supervised', models.BooleanField(default=False, verbose_name='supervised')),
                        ('child_views', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='what the child wants')),
                        ('start_on', models.DateField(verbose_name='since')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='family_contacts', to='cases.case')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_familycontact',
                        'ordering': ['-start_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Placement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('type', models.CharField(choices=[('family', 'With the family'), ('kinship', 'Kinship care (relatives)'), ('foster', 'Foster care'), ('open_shelter', 'Open shelter'), ('closed_shelter', 'Closed shelter'), ('independent', 'Independent or supported living'), ('hospital', 'Hospital'), ('police_cell', 'Police cell'), ('prison', 'Prison'), ('immigration_detention', 'Immigration detention'), ('other_closed', 'Other closed facility')], max_length=24, verbose_name='where')),
                        ('facility', haven.core.fields.EncryptedTextField(blank=True, default='', help_text='Name and place, as precise as needed to find the child.', sensitivity='location', verbose_name='facility or household')),
                        ('start_on', models.DateField(verbose_name='since')),
                        ('end_on', models.DateField(blank=True, null=True, verbose_name='until')),
                        ('end_reason', models.CharField(blank=True, max_length=300, verbose_name='why it ended')),
                        ('urgent_reason', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='why it could not wait for a determination')),
                        ('review_on', models.DateField(blank=True, null=True, verbose_name='review by')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='cases.case')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='decisions.decision', verbose_name='best-interests determination')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_placement',
                        'ordering': ['-start_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LibertyChallenge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('lodged_on', models.DateField(verbose_name='lodged on')),
                        ('lodged_with', models.CharField(max_length=200, verbose_name='court or authority')),
                        ('lodged_by', models.CharField(max_length=200, verbose_name='lodged by (lawyer)')),
                        ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                        ('outcome', models.CharField(blank=True, choices=[('released', 'Released'), ('upheld', 'Detention upheld')], max_length=10, verbose_name='decision')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='challenges', to='placements.placement')),
                    ],
                    options={
                        'db_table': 'protection_libertychallenge',
                        'ordering': ['-lodged_on'],
                    },
                ),
                migrations.CreateModel(
                    name='PlacementReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('reviewed_on', models.DateField(verbose_name='reviewed on')),
                        ('child_views', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="the child's views, in their words")),
                        ('child_views_not_obtained', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="why the child's views could not be obtained")),
                        ('still_in_best_interests', models.BooleanField(verbose_name="the placement is still in the child's best interests")),
                        ('notes', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='what was considered')),
                        ('next_review_on', models.DateField(blank=True, null=True, verbose_name='next review by')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='placements.placement')),
                        ('reviewed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_placementreview',
                        'ordering': ['-reviewed_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Restriction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('movement', 'Movement (leaving the placement)'), ('contact', 'Contact with people'), ('family_contact', 'Contact with the family'), ('communication', 'Phone, internet or letters'), ('activities', 'Activities, school or work')], max_length=16, verbose_name='what is restricted')),
                        ('description', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name='the restriction')),
                        ('justification', haven.core.fields.EncryptedTextField(blank=True, default='', verbose_name="why it is in the child's best interests")),
                        ('decided_by', models.CharField(max_length=200, verbose_name='decided by')),
                        ('start_on', models.DateField(verbose_name='since')),
                        ('review_on', models.DateField(verbose_name='review by')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='lifted on')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='restrictions', to='cases.case')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('placement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='restrictions', to='placements.placement')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'protection_restriction',
                        'ordering': ['-start_on', '-created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='placement',
                    index=models.Index(fields=['case', 'start_on'], name='placement_case_start_idx'),
                ),
                migrations.AddIndex(
                    model_name='placement',
                    index=models.Index(fields=['type', 'end_on'], name='placement_type_end_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]

# Where the child lives moved to haven.placements, keeping its tables: only Django's state
# changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('protection', '0004_decisions_move_to_their_own_app'),
        ('placements', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='LibertyChallenge'),
                migrations.DeleteModel(name='PlacementReview'),
                migrations.DeleteModel(name='Restriction'),
                migrations.DeleteModel(name='FamilyContact'),
                migrations.DeleteModel(name='Charge'),
                migrations.DeleteModel(name='Placement'),
            ],
            database_operations=[],
        ),
    ]

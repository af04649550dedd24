from django.db import migrations, models


class Migration(migrations.Migration):
    """An objective's number becomes its ref, as the plan writes it: 1, A or Section 2."""

    dependencies = [
        ("delivery_plans", "0003_text_limits"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="objective", name="delivery_plans_objective_unique_number"),
        migrations.RenameField(model_name="objective", old_name="number", new_name="ref"),
        migrations.RenameField(model_name="historicalobjective", old_name="number", new_name="ref"),
        migrations.AlterField(
            model_name="objective",
            name="ref",
            field=models.CharField(
                help_text="As the plan writes it, unique in the plan: 1, A or Section 2.", max_length=20
            ),
        ),
        migrations.AlterField(
            model_name="historicalobjective",
            name="ref",
            field=models.CharField(
                help_text="As the plan writes it, unique in the plan: 1, A or Section 2.", max_length=20
            ),
        ),
    ]

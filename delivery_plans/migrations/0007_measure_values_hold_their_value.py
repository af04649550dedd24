from django.db import migrations, models


class Migration(migrations.Migration):
    """A value's baseline and target now belong to its measure; a value holds a figure unless
    it is withheld."""

    dependencies = [
        ("delivery_plans", "0006_sort_keys_statuses_and_measure_targets"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalmeasurevalue',
            name='baseline',
        ),
        migrations.RemoveField(
            model_name='historicalmeasurevalue',
            name='target',
        ),
        migrations.RemoveField(
            model_name='measurevalue',
            name='baseline',
        ),
        migrations.RemoveField(
            model_name='measurevalue',
            name='target',
        ),
        migrations.AddConstraint(
            model_name='measurevalue',
            constraint=models.CheckConstraint(condition=models.Q(('withheld', True), ('value__isnull', False), _connector='OR'), name='delivery_plans_measurevalue_value_or_withheld', violation_error_message='Give the value; only a withheld value may be left empty.'),
        ),
    ]

from django.db import migrations
from django.utils import timezone

from assurance.text import sort_key

DEFAULT_STATUSES = [
    ("Not started", "neutral", False),
    ("In progress", "active", False),
    ("Completed", "done", True),
    ("On hold", "warning", False),
    ("Withdrawn", "neutral", False),
]
REASON = "The plan's delivery statuses"


def forwards(apps, schema_editor):
    Objective = apps.get_model("delivery_plans", "Objective")
    Commitment = apps.get_model("delivery_plans", "Commitment")
    Plan = apps.get_model("delivery_plans", "Plan")
    DeliveryStatus = apps.get_model("delivery_plans", "DeliveryStatus")
    HistoricalDeliveryStatus = apps.get_model("delivery_plans", "HistoricalDeliveryStatus")
    Measure = apps.get_model("delivery_plans", "Measure")
    MeasureValue = apps.get_model("delivery_plans", "MeasureValue")

    # Sort keys are bookkeeping beside the ref, like the version: no history entry of their own.
    for model in (Objective, Commitment):
        rows = list(model.objects.only("pk", "ref"))
        for row in rows:
            row.sort_key = sort_key(row.ref)
        model.objects.bulk_update(rows, ["sort_key"], batch_size=500)

    # Every plan gets the default list of delivery statuses, each with its history entry.
    now = timezone.now()
    for plan in Plan.objects.all():
        for order, (name, tone, completed) in enumerate(DEFAULT_STATUSES, start=1):
            status = DeliveryStatus.objects.create(
                plan=plan, name=name, order=order, is_completed=completed, tone=tone
            )
            HistoricalDeliveryStatus.objects.create(
                id=status.pk,
                plan_id=plan.pk,
                name=name,
                order=order,
                is_completed=completed,
                tone=tone,
                version=1,
                created_at=status.created_at,
                updated_at=status.updated_at,
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
            )

    # A measure's baseline and target move from its values to the measure (the latest given);
    # a value that held nothing but them goes with them.
    for measure in Measure.objects.all():
        values = list(MeasureValue.objects.filter(measure=measure).order_by("period__start_year", "period__quarter"))
        targets = [v.target for v in values if v.target is not None]
        baselines = [v.baseline for v in values if v.baseline is not None]
        if targets or baselines:
            measure.target = targets[-1] if targets else None
            measure.baseline = baselines[-1] if baselines else None
            measure.save(update_fields=["target", "baseline"])
    MeasureValue.objects.filter(value__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delivery_plans", "0005_plans_in_the_browser"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

from django.db import migrations, models


def items_of(snapshot: dict) -> dict:
    """As assurance.dashboard.compared_items made them when this migration was written."""
    return {
        item["key"]: {**item, "area": area["title"]}
        for area in (snapshot or {}).get("areas", [])
        for item in area["data"].get("items", [])
    }


def keep_items(apps, schema_editor):
    # The items are read from each publication's own frozen snapshot: what it shows is unchanged.
    Publication = apps.get_model("assurance", "Publication")
    for pk in Publication.objects.values_list("pk", flat=True):
        snapshot = Publication.objects.values_list("snapshot", flat=True).get(pk=pk)
        Publication.objects.filter(pk=pk).update(items=items_of(snapshot))


class Migration(migrations.Migration):
    dependencies = [
        ("assurance", "0008_acronyms"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="items",
            field=models.JSONField(
                default=dict,
                editable=False,
                help_text="The snapshot's items by key, as the next publication is compared with them.",
            ),
        ),
        migrations.RunPython(keep_items, migrations.RunPython.noop),
    ]

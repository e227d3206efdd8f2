"""A stable identity for a group across the versions of a grouping.

Existing groups get a fresh key each, except that a group of a revision
inherits the key of the group with the same name in the grouping it was
revised from (which is how revisions matched groups before keys existed)."""

import uuid

from django.db import migrations, models


def backfill(apps, schema_editor):
    Grouping = apps.get_model("differentiation", "Grouping")
    Group = apps.get_model("differentiation", "Group")
    keys: dict[int, dict[str, uuid.UUID]] = {}  # grouping id -> label -> key
    for grouping in Grouping.objects.order_by("created_at", "pk"):
        earlier = keys.get(grouping.based_on_id, {}) if grouping.based_on_id else {}
        mine: dict[str, uuid.UUID] = {}
        for group in Group.objects.filter(grouping=grouping).order_by("position", "pk"):
            group.key = earlier.get(group.label) or uuid.uuid4()
            group.save(update_fields=["key"])
            mine[group.label] = group.key
        keys[grouping.pk] = mine


class Migration(migrations.Migration):
    dependencies = [
        ("differentiation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

"""The group key is filled in (0002); from now on every group has one. A
separate migration so that the backfill's updates are committed before the
column is altered (PostgreSQL refuses to alter a table with pending
trigger events in the same transaction)."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("differentiation", "0002_group_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="group",
            name="key",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]

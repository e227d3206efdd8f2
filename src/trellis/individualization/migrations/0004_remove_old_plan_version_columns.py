"""Plan versions move into django-reversion (decision 0014), step 3 of 3:
who, when, why and what now live in the revision; the row keeps its plan,
its number and what it removed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("individualization", "0003_plan_versions_to_reversion"),
    ]

    operations = [
        migrations.RemoveField(model_name="individualplanversion", name="snapshot"),
        migrations.RemoveField(model_name="individualplanversion", name="reason"),
        migrations.RemoveField(model_name="individualplanversion", name="at"),
        migrations.RemoveField(model_name="individualplanversion", name="changed_by"),
        migrations.AlterField(
            model_name="individualplanversion",
            name="revision",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="plan_version",
                to="reversion.revision",
            ),
        ),
    ]

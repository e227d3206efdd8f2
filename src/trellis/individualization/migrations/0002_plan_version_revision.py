"""Plan versions move into django-reversion (decision 0014), step 1 of 3:
the columns that point a version at its revision and name what it removed;
the old columns become optional so that moving back can refill them
(0003 converts the rows, 0004 drops the old columns)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("individualization", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="individualplanversion",
            name="revision",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="plan_version",
                to="reversion.revision",
            ),
        ),
        migrations.AddField(
            model_name="individualplanversion",
            name="removed_kind",
            field=models.CharField(blank=True, default="", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="individualplanversion",
            name="removed_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="individualplanversion",
            name="snapshot",
            field=models.JSONField(null=True),
        ),
        migrations.AlterField(
            model_name="individualplanversion",
            name="reason",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="individualplanversion",
            name="changed_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]

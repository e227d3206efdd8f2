from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("differentiation", "0004_explanation_and_reason_phrases"),
    ]

    operations = [
        migrations.AddField(
            model_name="grouping",
            name="note_phrases",
            field=models.JSONField(blank=True, default=list),
        ),
    ]

from django.db import migrations, models
from django.db.models import F


def from_created(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(updated_at__isnull=True).update(updated_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_plan_targets_and_values")]

    operations = [
        migrations.AddField(
            model_name="target",
            name="updated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cập nhật lúc"),
        ),
        migrations.RunPython(from_created, migrations.RunPython.noop),
    ]

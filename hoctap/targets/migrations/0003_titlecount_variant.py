"""Count learning citizens by target group: the variant joins the roll-up key.

The rows written before counted every target group together (variant ""), so they are
recounted from the assessments: the same computation as `rollups.rebuild`, written against the
historical models (no app code).
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Count

PATH_STEP = 10
KEY_FIELDS = ("unit_path", "title", "year", "state", "level", "variant")


def refill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AdminUnit = apps.get_model("adminunits", "AdminUnit")
    TitleCount = apps.get_model("targets", "TitleCount")
    TitleCount.objects.all().delete()
    counts = defaultdict(int)
    grouped = Assessment.objects.order_by().values_list(*KEY_FIELDS).annotate(number=Count("pk"))
    for path, title, year, state, level, variant, number in grouped:
        ancestors = [path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)]
        for counted in ["", *ancestors, path] if path else [""]:
            counts[(counted, title, year, state, level, variant)] += number
    if not counts:
        return
    units = {
        path: (pk, level)
        for path, pk, level in AdminUnit.objects.order_by().values_list("path", "pk", "level")
    }
    rows = []
    for (path, title, year, state, level, variant), count in sorted(counts.items()):
        if path and path not in units:
            continue
        unit_id, unit_level = units[path] if path else (None, 0)
        rows.append(
            TitleCount(
                unit_id=unit_id,
                unit_path=path,
                parent_path=path[: len(path) - PATH_STEP] if path else "",
                unit_level=unit_level,
                title=title,
                year=year,
                state=state,
                level=level,
                variant=variant,
                count=count,
            )
        )
    TitleCount.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("adminunits", "0001_initial"),
        ("assessments", "0002_recognition_states"),
        ("targets", "0002_fill_from_assessments"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="titlecount",
            options={
                "ordering": ["unit_path", "year", "title", "state", "level", "variant"],
                "verbose_name": "title count",
                "verbose_name_plural": "title counts",
            },
        ),
        migrations.RemoveConstraint(
            model_name="titlecount",
            name="titlecount_unique",
        ),
        migrations.AddField(
            model_name="titlecount",
            name="variant",
            field=models.CharField(
                blank=True, default="", max_length=32, verbose_name="target group"
            ),
        ),
        migrations.AddConstraint(
            model_name="titlecount",
            constraint=models.UniqueConstraint(
                fields=("unit_path", "year", "title", "state", "level", "variant"),
                name="titlecount_unique",
            ),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]

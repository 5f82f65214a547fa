"""Count the assessments that exist before the roll-up table does.

From here on the services keep the table in step; without this, the first transition of an
assessment registered earlier would subtract from a row that was never added to. The same
computation as `rollups.rebuild`, written against the historical models (no app code).
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count

PATH_STEP = 10


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AdminUnit = apps.get_model("adminunits", "AdminUnit")
    TitleCount = apps.get_model("targets", "TitleCount")
    counts = defaultdict(int)
    grouped = (
        Assessment.objects.order_by()
        .values_list("unit_path", "title", "year", "state", "level")
        .annotate(number=Count("pk"))
    )
    for path, title, year, state, level, number in grouped:
        ancestors = [path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)]
        for counted in ["", *ancestors, path] if path else [""]:
            counts[(counted, title, year, state, level)] += number
    if not counts:
        return
    units = {
        path: (pk, level)
        for path, pk, level in AdminUnit.objects.order_by().values_list("path", "pk", "level")
    }
    rows = []
    for (path, title, year, state, level), count in sorted(counts.items()):
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
                count=count,
            )
        )
    TitleCount.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
        ("assessments", "0002_recognition_states"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

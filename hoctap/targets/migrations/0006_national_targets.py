"""The national targets for 2025 and 2030 (QĐ 387, 677 and 1373/QĐ-TTg), from the data file
hoctap/targets/national_targets.yaml, so every database (a fresh demo, the tests) has them.

Reads the file, not app code; `hoctap seed-demo` adds figures added to the file later.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "national_targets.yaml"


def load(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    existing = set(Target.objects.filter(unit__isnull=True).values_list("indicator", "year"))
    for entry in yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or []:
        for year, value in entry["targets"].items():
            if (entry["indicator"], int(year)) in existing:
                continue
            Target.objects.create(
                indicator=entry["indicator"],
                unit=None,
                unit_path="",
                year=int(year),
                value=Decimal(str(value)),
                source=entry["source"],
            )


def unload(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(unit__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0005_fill_registry_counts")]

    operations = [migrations.RunPython(load, unload)]

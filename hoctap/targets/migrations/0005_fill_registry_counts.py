"""Count the registry rows that exist before the registry counts do.

From here on the registry services keep the table in step; without this, the first write in a
commune would add that whole commune to a province and country that count nothing else. The same
computation as `registry_counts.rebuild`, written against the historical models (no app code).
"""

from collections import Counter, defaultdict

from django.db import migrations
from django.db.models import Count, Q

PATH_STEP = 10
COMMUNE, HAMLET = 3, 4


def fill(apps, schema_editor):
    AdminUnit = apps.get_model("adminunits", "AdminUnit")
    RegistryCount = apps.get_model("targets", "RegistryCount")
    counted = defaultdict(Counter)

    def add(model, names, conditions=None, **aggregates):
        rows = apps.get_model("registry", model).objects.order_by()
        if conditions is not None:
            rows = rows.filter(conditions)
        for commune_id, hamlet_id, *numbers in rows.values_list("commune_id", "hamlet_id").annotate(
            **aggregates
        ):
            for name, number in zip(names, numbers, strict=True):
                counted[(commune_id, hamlet_id)][name] += number

    add("Household", ["households"], n=Count("pk"))
    add(
        "Person",
        ["adults", "workers", "officials"],
        adults=Count("pk", filter=Q(is_adult=True)),
        workers=Count("pk", filter=Q(target_group="worker")),
        officials=Count("pk", filter=Q(target_group="official")),
    )
    add("Clan", ["clans"], n=Count("pk"))
    add("Organisation", ["organisations"], Q(managing_level="commune"), n=Count("pk"))
    add(
        "LearningCentre",
        ["centres", "centres_using_it", "centres_association_managed"],
        n=Count("pk"),
        using_it=Count("pk", filter=Q(uses_it=True)),
        managed=Count("pk", filter=Q(association_leader_manages=True)),
    )
    live_hamlets = AdminUnit.objects.order_by().filter(level=HAMLET, valid_to__isnull=True)
    for commune_id, hamlet_id in live_hamlets.values_list("parent_id", "pk"):
        counted[(commune_id, hamlet_id)]["hamlets"] += 1

    units = {
        pk: (path, level, parent_id)
        for pk, path, level, parent_id in AdminUnit.objects.order_by().values_list(
            "pk", "path", "level", "parent_id"
        )
    }
    counts = defaultdict(int)
    for (commune_id, hamlet_id), numbers in counted.items():
        commune = units.get(commune_id)
        if commune is None or commune[1] != COMMUNE:
            continue
        hamlet = units.get(hamlet_id) if hamlet_id is not None else None
        commune_path = commune[0]
        above = [
            "",
            *(commune_path[:end] for end in range(PATH_STEP, len(commune_path), PATH_STEP)),
        ]
        for kind, number in numbers.items():
            if not number:
                continue
            for path in [*above, commune_path]:
                counts[(path, kind)] += number
            if hamlet is not None and hamlet[2] == commune_id:
                counts[(hamlet[0], kind)] += number
    by_path = {path: (pk, level) for pk, (path, level, _parent) in units.items()}
    rows = []
    for (path, kind), count in sorted(counts.items()):
        if path and path not in by_path:
            continue
        unit_id, unit_level = by_path[path] if path else (None, 0)
        rows.append(
            RegistryCount(
                unit_id=unit_id,
                unit_path=path,
                parent_path=path[: len(path) - PATH_STEP] if path else "",
                unit_level=unit_level,
                kind=kind,
                count=count,
            )
        )
    RegistryCount.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0004_registry_counts_and_targets"),
        ("registry", "0002_statistic_kinds_for_indicators"),
        ("adminunits", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

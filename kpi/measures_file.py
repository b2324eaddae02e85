"""The city's measures file (個別取り組み as the policy describes them) and its loader.

The file is data, like the city file that names it (``[kpi] measures_file``): another
city writes its own. The loader takes the model classes as arguments so that the
data migration can pass its historical models.
"""

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings

MEASURE_FIELDS = [
    "sort_order",
    "area",
    "name",
    "name_en",
    "section",
    "related_sections",
    "situation",
    "issues",
    "actions",
    "schedule",
]


def measures_file() -> Path | None:
    name = settings.TSUNAGU.get("kpi", {}).get("measures_file")
    if not name:
        return None
    return Path(settings.TSUNAGU_CITY_FILE).parent / name


def read_measures(path: Path | None = None) -> list[dict[str, Any]]:
    """The measures of the file; none when the city names no file."""
    path = path or measures_file()
    if path is None:
        return []
    with path.open("rb") as handle:
        return tomllib.load(handle).get("measures", [])


def load_measures(Measure, PlanPeriod, KpiDefinition, entries: list[dict[str, Any]]) -> int:
    """Create or update the measures of ``entries`` for periods that exist; idempotent.

    Returns how many measures were written. A period the database does not hold is
    skipped (the file may describe a version not started yet).
    """
    written = 0
    for entry in entries:
        period = PlanPeriod.objects.filter(code=entry["period"]).first()
        if period is None:
            continue
        fields = {name: entry.get(name, "") for name in MEASURE_FIELDS}
        fields["related_sections"] = list(entry.get("related_sections", []))
        fields["schedule"] = {str(k): v for k, v in entry.get("schedule", {}).items()}
        fields["sort_order"] = entry.get("sort_order", 0)
        measure, _ = Measure.objects.update_or_create(
            period=period, code=entry["code"], defaults=fields
        )
        measure.kpis.set(
            KpiDefinition.objects.filter(period=period, code__in=entry.get("kpis", []))
        )
        written += 1
    return written

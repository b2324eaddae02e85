"""A number computed from recorded facts, together with the rows that make it.

Every app's KPI selectors return a ``Figure`` so that the KPI roll-up can show a
value and, one click further, exactly the records behind it. ``rows`` are at a
granularity that explains the value without personal data (for example one row
per class session with its attendance count, not one row per participant).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# core.pagecache key of the KPI pages (the live sheet and the public report, every year
# and language): every service that writes a fact a KPI source counts bumps it in its
# own transaction, so the next request of a sheet shows the write.
KPI_CACHE = "kpi.sheets"


@dataclass(frozen=True)
class Column:
    """How to show one column of a figure's rows: ``key`` is an attribute or dict key."""

    key: str
    label: str
    # Counts of people: public pages suppress values under the disclosure threshold.
    is_people_count: bool = False
    # Staff pages only: text a group or a person typed (an event name) and internal
    # numbers. The public drill-down shows what the KPI counts, never free text.
    staff_only: bool = False


class LazyRows(Sequence):
    """Rows built by ``build`` the first time someone looks at them.

    The sheet needs only a figure's value (one SQL ``COUNT``); the rows behind it are
    built for the drill-down page alone, so a year of loans is not turned into
    dicts just to be counted.
    """

    def __init__(self, build: Callable[[], list[Any]]):
        self._build = build
        self._rows: list[Any] | None = None

    @property
    def built(self) -> bool:
        return self._rows is not None

    def _all(self) -> list[Any]:
        if self._rows is None:
            self._rows = list(self._build())
        return self._rows

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())


@dataclass(frozen=True)
class Figure:
    value: int | Decimal
    rows: Sequence[Any]  # a QuerySet (evaluated lazily) or a list of dicts/objects
    columns: Sequence[Column] = field(default_factory=tuple)
    # What was counted, in one plain sentence (shown above the rows).
    explanation: str = ""
    # 実人数 beside a value counted 延べ, where the source can tell people apart.
    people: int | None = None

    def cell(self, row: Any, column: Column) -> Any:
        if isinstance(row, dict):
            return row.get(column.key)
        value = row
        for part in column.key.split("__"):
            value = getattr(value, part, None)
            if value is None:
                break
        return value() if callable(value) else value


def declared_kpi_sources() -> dict[str, str]:
    """Every KPI source the apps serve: {key: dotted path of the selector}.

    Each app declares the keys it answers in its AppConfig (``kpi_sources``); the
    KPI definitions (data) name a key. A key belongs to the app that declares it.
    """
    from django.apps import apps

    sources: dict[str, str] = {}
    for config in apps.get_app_configs():
        for key, path in getattr(config, "kpi_sources", {}).items():
            sources[key] = path
    return sources

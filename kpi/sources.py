"""The KPI source registry: a definition's ``source_key`` → the selector that computes it.

Each app declares the keys it answers in its AppConfig (``kpi_sources``, gathered by
``core.figures.declared_kpi_sources`` and checked at start-up by ``core.checks``), so
the set of KPIs stays data and each source lives with the facts it counts. A key
that no app declares gives a ``SourceUnavailable`` with a plain reason: the sheet
shows it in the cell instead of failing.
"""

from collections.abc import Callable

from django.utils.module_loading import import_string
from django.utils.translation import gettext

from core.figures import Figure, declared_kpi_sources


class SourceUnavailable(Exception):
    """The value cannot be computed: the source is unknown or not installed."""

    def __init__(self, key: str, reason: str):
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


def registered_sources() -> dict[str, str]:
    return declared_kpi_sources()


def resolve_source(key: str) -> Callable[[int], Figure]:
    """The selector for ``key``; raises ``SourceUnavailable`` with a reason people can act on."""
    path = registered_sources().get(key)
    if not path:
        raise SourceUnavailable(
            key, gettext("No app declares a source with this key (AppConfig.kpi_sources).")
        )
    try:
        return import_string(path)
    except ImportError:
        raise SourceUnavailable(
            key, gettext("The source %(path)s is not installed yet.") % {"path": path}
        ) from None


def compute_figure(key: str, fiscal_year: int) -> Figure:
    figure = resolve_source(key)(fiscal_year)
    if not isinstance(figure, Figure):
        raise SourceUnavailable(key, gettext("The source did not return a figure."))
    return figure


def source_choices() -> list[tuple[str, str]]:
    return [(key, key) for key in sorted(registered_sources())]

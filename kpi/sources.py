"""The KPI source registry: a definition's ``source_key`` → the selector that computes it.

The mapping lives in ``settings.TSUNAGU_KPI_SOURCES`` (key → dotted path), so the
set of KPIs stays data and a source is swapped by configuration. A key that is
unknown, or whose selector cannot be imported yet (an app not deployed), gives a
``SourceUnavailable`` with a plain reason: the sheet shows it in the cell instead
of failing.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from core.figures import Figure


class SourceUnavailable(Exception):
    """The value cannot be computed: the source is unknown or not installed."""

    def __init__(self, key: str, reason: str):
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


def registered_sources() -> dict[str, str]:
    return dict(getattr(settings, "TSUNAGU_KPI_SOURCES", {}))


def resolve_source(key: str) -> Callable[[int], Figure]:
    """The selector for ``key``; raises ``SourceUnavailable`` with a reason people can act on."""
    path = registered_sources().get(key)
    if not path:
        raise SourceUnavailable(
            key, gettext("No source with this key is registered (TSUNAGU_KPI_SOURCES).")
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

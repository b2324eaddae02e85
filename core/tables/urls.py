"""URLs of table rows: ``reverse()`` once per view, the row's key put in its place."""

from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A number no URL of ours contains, and numbers of other lengths to check the split with.
_PLACEHOLDER = 8293746150
_CHECKS = (0, 7, 42, 1234567890123)
_url_parts: dict[tuple, tuple[str, str] | None] = {}


def url_parts(viewname: str, kwarg: str | None) -> tuple[str, str] | None:
    """The URL of ``viewname`` around its one key, or None when it cannot be split.

    Cached per URLconf (the resolver object itself is in the key, so a URLconf
    swapped by a test never reuses the parts), script prefix and language.
    """
    urlconf = get_urlconf()
    key = (viewname, kwarg, get_resolver(urlconf), urlconf, get_script_prefix(), get_language())
    try:
        return _url_parts[key]
    except KeyError:
        pass

    def url(pk):
        if kwarg is None:
            return reverse(viewname, args=[pk])
        return reverse(viewname, kwargs={kwarg: pk})

    parts = None
    try:
        placeholder = url(_PLACEHOLDER)
        if placeholder.count(str(_PLACEHOLDER)) == 1:
            prefix, suffix = placeholder.split(str(_PLACEHOLDER))
            if all(url(pk) == f"{prefix}{pk}{suffix}" for pk in _CHECKS):
                parts = (prefix, suffix)
    except NoReverseMatch:
        pass
    _url_parts[key] = parts
    return parts


def record_url(viewname: str, pk: Any, kwarg: str | None = None) -> str:
    """``reverse(viewname, args=[pk])`` (or ``kwargs={kwarg: pk}``), reversed once.

    ``reverse()`` costs tens of microseconds; a list links every row. For a number key
    the URL is the one reversed with a placeholder, with the number put in its place;
    anything else goes through ``reverse()``.
    """
    return record_urls(viewname, kwarg)(pk)


def record_urls(viewname: str, kwarg: str | None = None) -> Callable[[Any], str]:
    """``record_url`` for one view, for the rows of one page (the URLconf and the script
    prefix are read once, here)."""
    parts = url_parts(viewname, kwarg)

    def url(pk) -> str:
        if parts is not None and type(pk) is int and pk >= 0:
            return f"{parts[0]}{pk}{parts[1]}"
        if kwarg is None:
            return reverse(viewname, args=[pk])
        return reverse(viewname, kwargs={kwarg: pk})

    return url


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test changed the settings: the URLconf or the languages may differ."""
    _url_parts.clear()

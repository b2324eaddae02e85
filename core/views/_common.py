"""What core's staff pages share: pagination and the export switch."""

from django.core.paginator import Page, Paginator

from core.exports import FORMATS

PER_PAGE = 50


def page_of(request, rows) -> Page:
    """One page of ``rows`` (50 a page; a page number out of range shows the last page)."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def export_format(request) -> str | None:
    """The download asked for (``?_export=csv`` or ``xlsx``), or None for the page itself."""
    wanted = request.GET.get("_export")
    return wanted if wanted in FORMATS else None

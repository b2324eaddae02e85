"""The rows, header cells and page numbers of every django-tables2 table, in one pass.

django-tables2 renders each cell through ``call_with_appropriate``, which runs
``inspect.signature`` on the column's ``render`` for every cell, computes the
column's ``<td>`` attributes again for every cell, and loops over the cells in the
template: 80 % of a 50-row list page went there (issue 18). ``table_body`` keeps
tables2's meaning of a cell (the accessor, ``get_FOO_display``, empty values and
the column default, ``render_<name>``, ``linkify``, localisation) but works out
per column, once, what tables2 works out per cell, and writes the rows in Python.

Each column gets a *fast cell* for the cases every list of ours uses: a record that
is a model instance, read through a plain path of attributes (``operator.attrgetter``;
choice labels looked up in a dict built once), a ``render`` that is the column's own
identity, a ``DateColumn`` or ``BooleanColumn``, or a table's ``render_<name>`` that
asks for ``value`` and/or ``record`` only, and a link reversed once with a placeholder
key (``record_url``). Anything else — another kind of record, a callable value, a
computed ``<td>`` attribute, a key that is not a plain number — goes down the general
path, which is tables2's own logic with the per-cell work taken out.
``tests/core/test_tables.py`` compares both with tables2's rendering for every table
of the project.

Sorting, pagination and the CSV/XLSX export (``core.exports``) stay tables2's own;
``<tbody>``, the header cells and the page numbers are written here
(``templates/django_tables2/tsunagu.html``), as table.html's loops wrote them.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.base import render_value_in_context
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2.rows import BoundRow
from django_tables2.templatetags.django_tables2 import table_page_range

from core.tables.cells import ColumnWriter, attrs_html
from core.tables.dates import LocalDateFormat
from core.tables.paginators import CountOfPaginator
from core.tables.urls import record_url, record_urls

__all__ = [
    "CountOfPaginator",
    "LocalDateFormat",
    "header_cells",
    "page_links",
    "record_url",
    "record_urls",
    "table_body",
]


def _row_opener(table) -> Callable[[BoundRow], str]:
    """``<tr {{ row.attrs.as_html }}>``, worked out twice (even, odd) when the table's row
    attributes are fixed."""
    row_attrs = table.row_attrs
    if any(callable(v) or isinstance(v, dict) for v in row_attrs.values()):
        return lambda row: f"<tr {row.attrs.as_html()}>"
    opened = []
    for css_class in ("even", "odd"):
        attrs = dict(row_attrs)
        attrs["class"] = f"{attrs['class']} {css_class}" if attrs.get("class") else css_class
        opened.append(f"<tr {attrs_html(attrs)}>")
    even, odd = opened

    def opener(row) -> str:
        if type(row) is not BoundRow:  # a pinned row has its own attributes
            return f"<tr {row.attrs.as_html()}>"
        return odd if row.row_counter % 2 else even

    return opener


def header_cells(context, table) -> SafeString:
    """The ``<th>`` of ``tsunagu.html``'s header row, as its loop wrote them: the
    ``querystring_replace`` of each sortable column without copying the query per column."""
    if "request" not in context:
        raise ImproperlyConfigured("header_cells needs the request in the template context")
    params = dict(context["request"].GET)  # as querystring_replace
    key = table.prefixed_order_by_field
    parts = []
    for column in table.columns:
        header = render_value_in_context(column.header, context)
        if column.orderable:
            query = dict(params)
            if key not in ("", None):
                query[key] = column.order_by_alias.next
            href = escape("?" + urlencode(query, doseq=True))
            header = f'<a href="{href}">{header}</a>'
        th = attrs_html(column.attrs["th"])
        parts.append(f'\n    <th scope="col" {th}>\n      {header}\n    </th>\n  ')
    return mark_safe("".join(parts))  # noqa: S308 - escaped as the template escapes them


def page_links(context, table) -> SafeString:
    """table.html's ``pagination.range`` block: the ``<li>`` of the page numbers, as its
    loop wrote them (with the block's own line breaks around them)."""
    if "request" not in context:
        raise ImproperlyConfigured("page_links needs the request in the template context")
    params = dict(context["request"].GET)  # as querystring_replace
    key = table.prefixed_page_field
    current = table.page.number
    indent = "\n                        "
    parts = []
    for number in table_page_range(table.page, table.paginator):
        text = render_value_in_context(number, context)
        if number == "...":
            link = f'{indent}    <a href="#">{text}</a>{indent}'
        else:
            query = dict(params)
            if key not in ("", None):
                query[key] = number
            href = escape("?" + urlencode(query, doseq=True))
            link = f'{indent}    <a href="{href}">{indent}        {text}{indent}    </a>{indent}'
        active = 'class="active"' if number == current else ""
        parts.append(
            f"\n                    <li {active}>{indent}{link}\n                    </li>\n                "
        )
    links = "".join(parts)
    return mark_safe(f"\n                {links}\n            ")  # noqa: S308 - escaped as the template escapes them


def table_body(table) -> SafeString:
    """The rows of the table's current page (or every row when it is not paginated)."""
    grouping = settings.USE_THOUSAND_SEPARATOR
    columns = [
        ColumnWriter(table, bound_column, grouping=grouping) for bound_column in table.columns
    ]
    cells = [column.fast_cell() for column in columns]
    row_open = _row_opener(table)
    parts: list[str] = []
    append = parts.append
    for row in table.paginated_rows:
        append(row_open(row))
        for cell in cells:
            append(cell(row))
        append("</tr>\n")
    if not parts and table.empty_text:
        parts.append(
            format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
        )
    return mark_safe("".join(parts))  # noqa: S308 - every cell went through conditional_escape

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
the whole table — wrapper, header cells, ``<tbody>``, footer and page links — is
written here (``whole_table``, the one tag of ``templates/django_tables2/tsunagu.html``)
exactly as django-tables2's table.html extended with our blocks wrote it: rendering
that inheritance (block lookups, ``block.super``) cost about half a millisecond a page.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.base import Variable, VariableDoesNotExist, render_value_in_context
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django_tables2.rows import BoundRow
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import AttributeDict

from core.tables.base import Table
from core.tables.cells import ColumnWriter, attrs_html
from core.tables.dates import LocalDateFormat
from core.tables.paginators import CountedPaginator, CountOfPaginator
from core.tables.sql_rows import SqlRows
from core.tables.urls import record_url, record_urls

__all__ = [
    "CountOfPaginator",
    "CountedPaginator",
    "LocalDateFormat",
    "SqlRows",
    "Table",
    "header_cells",
    "page_links",
    "record_url",
    "record_urls",
    "table_body",
    "whole_table",
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


def _resolved(context, path: str) -> str:
    """A ``{{ path }}`` of table.html, with the template's own lookup rules (a missing key or
    a plain dict without ``as_html`` prints nothing): only for the few rare attributes."""
    try:
        value = Variable(path).resolve(context)
    except VariableDoesNotExist:
        return ""
    return render_value_in_context(value, context)


def _query_link(params: dict, key, value) -> str:
    """``{% querystring_replace key=value %}``, escaped as the template escapes it."""
    query = dict(params)
    if key not in ("", None):
        query[key] = value
    return escape("?" + urlencode(query, doseq=True))


def whole_table(context, table) -> SafeString:
    """What ``{% render_table %}`` wrote with table.html extended by our blocks (the
    ``table-scroll`` region, header cells with ``scope``, our page links and their
    labels), whitespace included: ``tests/core/test_tables.py`` holds it to that."""
    if "request" not in context:
        raise ImproperlyConfigured("whole_table needs the request in the template context")
    caption = getattr(table, "caption", None)
    label = conditional_escape(caption) if caption else escape(gettext("Table"))
    thead = ""
    if table.show_header:
        thead = (
            f"\n<thead {_resolved(context, 'table.attrs.thead.as_html')}>\n  <tr>\n  "
            f"{header_cells(context, table)}\n  </tr>\n</thead>\n"
        )
    tfoot = ""
    if table.has_footer():
        cells = "".join(
            f"\n                    <td {attrs_html(column.attrs['tf'])}>"
            f"{render_value_in_context(column.footer, context)}</td>\n                "
            for column in table.columns
        )
        tfoot = (
            f"\n            <tfoot {_resolved(context, 'table.attrs.tfoot.as_html')}>"
            f"\n                <tr>\n                {cells}\n                </tr>"
            "\n            </tfoot>\n            "
        )
    body = (
        f"\n        <table {AttributeDict(table.attrs).as_html()}>\n            \n{thead}\n"
        f"\n            <tbody {_resolved(context, 'table.attrs.tbody.as_html')}>\n"
        f"{table_body(table)}</tbody>\n            \n            {tfoot}\n"
        "            \n        </table>\n    "
    )
    html = (
        f'\n\n<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">'
        f'\n<div class="table-container">\n    {body}\n\n    \n        '
        f"{_pagination(context, table)}\n    \n</div>\n</div>"
    )  # table.html's last line break is tsunagu.html's own (its file ends with one)
    return mark_safe(html)  # noqa: S308 - every part escaped as the template escapes it


def _pagination(context, table) -> str:
    """table.html's ``pagination`` block with our previous/next links and page numbers."""
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return ""
    params = dict(context["request"].GET)  # as querystring_replace
    key = table.prefixed_page_field
    previous = following = numbers = ""
    if page.has_previous():
        href = _query_link(params, key, page.previous_page_number())
        previous = (
            f'\n                <li class="previous"><a href="{href}">'
            f"{escape(gettext('Previous page'))}</a></li>\n            "
        )
    if page.has_previous() or page.has_next():
        numbers = f"\n            {page_links(context, table)}\n            "
    if page.has_next():
        href = _query_link(params, key, page.next_page_number())
        following = (
            f'\n                <li class="next"><a href="{href}">'
            f"{escape(gettext('Next page'))}</a></li>\n            "
        )
    return (
        f'\n        <ul class="pagination">\n            {previous}\n            {numbers}'
        f"\n            {following}\n        </ul>\n        "
    )

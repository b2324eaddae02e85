"""The body of every django-tables2 table, rendered in one pass.

django-tables2 renders each cell through ``call_with_appropriate``, which runs
``inspect.signature`` on the column's ``render`` for every cell, computes the
column's ``<td>`` attributes again for every cell, and loops over the cells in the
template: 80 % of a 50-row list page went there (issue 18). ``table_body`` keeps
tables2's meaning of a cell (the accessor, ``get_FOO_display``, empty values and
the column default, ``render_<name>``, ``linkify``, localisation) but works out
per column, once, what tables2 works out per cell, and writes the rows in Python.

Sorting, pagination, the header and the CSV/XLSX export (``core.exports``) stay
tables2's own; only ``<tbody>`` is rendered here (``templates/django_tables2/tsunagu.html``).
"""

import inspect
from collections.abc import Callable
from functools import partialmethod
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Template
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns import ManyToManyColumn, TemplateColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import A, AttributeDict, signature

CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


class _Column:
    """What tables2 recomputes per cell, computed once for one bound column."""

    def __init__(self, table, bound_column) -> None:
        self.bound_column = bound_column
        self.accessor = A(bound_column.accessor)
        self._choices: dict[type, tuple | None] = {}
        self._custom_display: dict[type, bool] = {}
        self.default = bound_column.default
        self.render = bound_column.render
        column = bound_column.column
        if (
            isinstance(column, TemplateColumn)
            and column.template_code
            and getattr(self.render, "__self__", None) is column
        ):
            # TemplateColumn (and DateColumn, one of them) parses its template for every cell.
            self.render = _compiled_template_render(column)
        self.link = bound_column.link
        args, catch_all = signature(self.render)
        self.takes_all = bool(catch_all)
        self.arguments = tuple(a for a in args if a in CELL_ARGUMENTS)
        # A render method asking for something tables2 does not give is never called
        # (call_with_appropriate returns None): keep that.
        self.never_called = not catch_all and any(a not in CELL_ARGUMENTS for a in args)
        td = table.attrs.get("td", table.attrs.get("cell", {}))
        td = {
            **td,
            **bound_column.column.attrs.get("td", bound_column.column.attrs.get("cell", {})),
        }
        # Attributes computed from the record need the per-cell path.
        self.td_per_cell = any(callable(v) for v in td.values())
        self.td_html = "" if self.td_per_cell else _td_open(bound_column)
        localize_setting = bound_column.localize
        self.use_l10n = True if localize_setting is None else bool(localize_setting)

    def cell(self, row) -> str:
        content = self._get_and_render_with(row, self._renderer(row))
        return conditional_escape(localize(template_localtime(content), use_l10n=self.use_l10n))

    def _get_and_render_with(self, row, render):
        """``BoundRow._get_and_render_with`` with the choices of a field looked up once per
        column instead of ``get_FOO_display()`` (which builds the choices dict) per cell."""
        record = row.record
        column = self.bound_column.column
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model):
            labels = self._labels(penultimate, record, remainder)
            if labels is not None:
                field, choices = labels
                raw = getattr(penultimate, field.attname)
                value = force_str(choices.get(make_hashable(raw), raw), strings_only=True)
                remainder = None
            elif labels is None and self._custom_display.get(type(penultimate)):
                value = getattr(penultimate, f"get_{remainder}_display")()
                remainder = None
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                # As tables2: a link column with a fixed text needs no value (issue #257).
                if isinstance(column, BaseLinkColumn) and column.text is not None:
                    return render(self.bound_column)
        if value in column.empty_values or (
            isinstance(column, ManyToManyColumn) and not value.exists()
        ):
            return self.default
        return render(self.bound_column, value)

    def _labels(self, penultimate, record, remainder):
        """(field, {value: label}) when the cell shows a field's choice label, else None."""
        model = type(penultimate)
        if model not in self._choices:
            self._choices[model] = None
            self._custom_display[model] = False
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            display = inspect.getattr_static(model, f"get_{remainder}_display", None)
            if getattr(field, "choices", ()) and display is not None:
                if isinstance(display, partialmethod):  # Django's own get_FOO_display
                    self._choices[model] = (
                        field,
                        {make_hashable(k): force_str(v) for k, v in field.flatchoices},
                    )
                else:
                    self._custom_display[model] = True
        return self._choices[model]

    def _renderer(self, row) -> Callable[..., Any]:
        def render(bound_column, value=None):
            given = {
                "value": value,
                "record": row.record,
                "column": bound_column.column,
                "bound_column": bound_column,
                "bound_row": row,
                "table": row.table,
            }
            if self.never_called:
                content = None
            elif self.takes_all:
                content = self.render(**given)
            else:
                content = self.render(**{name: given[name] for name in self.arguments})
            return self.link(content, **given) if self.link else content

        return render

    def td_open(self, row, content: str) -> str:
        if not self.td_per_cell:
            return self.td_html
        self.bound_column.current_record = row.record
        self.bound_column.current_value = content
        return _td_open(self.bound_column)


def _compiled_template_render(column) -> Callable[..., Any]:
    """``TemplateColumn.render`` with the template parsed once instead of once per cell."""
    compiled = Template(column.template_code)

    def render(record, table, value, bound_column, **kwargs):
        parent_context = getattr(table, "context", Context())
        context = column.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with parent_context.update(context):
            parent_context["request"] = getattr(table, "request", None)
            return compiled.render(parent_context)

    return render


def _td_open(bound_column) -> str:
    attrs = bound_column.attrs["td"]
    html = AttributeDict(attrs).as_html()
    return f"<td {html}>" if html else "<td>"


def table_body(table) -> SafeString:
    """The rows of the table's current page (or every row when it is not paginated)."""
    columns = [_Column(table, bound_column) for bound_column in table.columns]
    parts: list[str] = []
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        for column in columns:
            content = column.cell(row)
            parts.append(column.td_open(row, content))
            parts.append(content)
            parts.append("</td>")
        parts.append("</tr>\n")
    if not parts and table.empty_text:
        parts.append(
            format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
        )
    return mark_safe("".join(parts))  # noqa: S308 - every cell went through conditional_escape

"""One column of a table, worked out once per render: its fast cell and its general path.

See ``core.tables`` for what the fast path covers.
"""

import datetime
import html
import inspect
import operator
import re
from collections.abc import Callable
from functools import partialmethod
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.template import Context, Template
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django_tables2.columns import BooleanColumn, DateColumn, ManyToManyColumn, TemplateColumn
from django_tables2.columns.base import Column, LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import A, Accessor, AttributeDict, signature

from core.tables.dates import LocalDateFormat
from core.tables.urls import url_parts

CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")

# "Use the general path for this cell."
_SLOW = object()

# ``DateColumn`` builds its template from its format; the fast path formats the date itself.
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')


def _plain(model: type) -> bool:
    """tables2's accessor reads this class's instances by plain ``getattr`` (it tries
    ``obj[name]`` first, and calls what is callable)."""
    return not any("__getitem__" in vars(k) or "__call__" in vars(k) for k in model.__mro__)


_readers: dict[tuple, "_Reader | None"] = {}


class _Reader:
    """How the fast path reads one column's value from a record of one model."""

    def __init__(self, get: Callable[[Any], Any], field, labels: dict | None) -> None:
        self.get = get
        self.field = field
        self.labels = labels


class ColumnWriter:
    """What tables2 recomputes per cell, computed once for one bound column."""

    def __init__(self, table, bound_column, *, grouping: bool) -> None:
        self.table = table
        self.bound_column = bound_column
        self.column = column = bound_column.column
        self.accessor = A(bound_column.accessor)
        self._choices: dict[type, tuple | None] = {}
        self._custom_display: dict[type, bool] = {}
        self.default_is_callable = callable(getattr(column, "_default", None))
        self.default = bound_column.default
        self.render = bound_column.render
        self.own_render = getattr(self.render, "__self__", None) is column
        if isinstance(column, TemplateColumn) and column.template_code and self.own_render:
            # TemplateColumn (and DateColumn, one of them) parses its template for every cell.
            self.render = _compiled_template_render(column)
            args, catch_all = (), "kwargs"
        else:
            args, catch_all = _signature(self.render)
        self.link = bound_column.link
        self.takes_all = bool(catch_all)
        self.arguments = tuple(a for a in args if a in CELL_ARGUMENTS)
        # A render method asking for something tables2 does not give is never called
        # (call_with_appropriate returns None): keep that.
        self.never_called = not catch_all and any(a not in CELL_ARGUMENTS for a in args)
        td = table.attrs.get("td", table.attrs.get("cell", {}))
        td = {**td, **column.attrs.get("td", column.attrs.get("cell", {}))}
        # Attributes computed from the record need the per-cell path.
        self.td_per_cell = any(callable(v) for v in td.values())
        self.td_html = "" if self.td_per_cell else _static_td_open(table, bound_column)
        localize_setting = bound_column.localize
        self.use_l10n = True if localize_setting is None else bool(localize_setting)
        # localize() writes a whole number as str() unless thousands are grouped.
        self.plain_ints = not (self.use_l10n and grouping)

    # The general path: tables2's logic for any cell.

    def general(self, row) -> str:
        content = self._get_and_render_with(row, self._renderer(row))
        if self.td_per_cell:
            # As BoundRow.items: the attributes see the cell before it is localised.
            self.bound_column.current_record = row.record
            self.bound_column.current_value = content
            td_open = _td_open(self.bound_column)
        else:
            td_open = self.td_html
        return f"{td_open}{self.to_html(content)}</td>"

    def to_html(self, content) -> str:
        """The cell as the template writes ``{{ cell }}`` (or ``|localize``/``|unlocalize``)."""
        kind = type(content)
        if kind is str:
            return html.escape(content)
        if kind is SafeString:
            return content
        if kind is int and self.plain_ints:
            return str(content)
        return conditional_escape(localize(template_localtime(content), use_l10n=self.use_l10n))

    def _get_and_render_with(self, row, render):
        """``BoundRow._get_and_render_with`` with the choices of a field looked up once per
        column instead of ``get_FOO_display()`` (which builds the choices dict) per cell."""
        record = row.record
        column = self.column
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
            return self.bound_column.default if self.default_is_callable else self.default
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
                        _choice_labels(field),
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

    # The fast path.

    def reader(self, model: type) -> _Reader | None:
        """How to read this column from a ``model`` instance by ``getattr`` alone, as
        ``Accessor.resolve`` would, or None when the path is not that simple."""
        key = (str(self.accessor), self.accessor.SEPARATOR, model, get_language())
        try:
            return _readers[key]
        except KeyError:
            reader = _readers[key] = self._compile_reader(model)
            return reader

    def _compile_reader(self, model: type) -> _Reader | None:
        accessor = self.accessor
        bits = accessor.bits
        if not bits or not _plain(model) or not issubclass(model, models.Model):
            return None
        current, field = model, None
        for bit in bits[:-1]:
            try:
                field = current._meta.get_field(bit)
            except FieldDoesNotExist:
                return None
            # Only a relation that holds its object (or None): tables2 stops at None.
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                return None
            current = field.related_model
            if not _plain(current):
                return None
        last = bits[-1]
        try:
            last_field = current._meta.get_field(last)
        except FieldDoesNotExist:
            last_field = None
            if getattr(field, "choices", None):  # tables2 would look at the relation's choices
                return None
        path = list(bits)
        labels = None
        if last_field is not None and getattr(last_field, "choices", ()):
            display = inspect.getattr_static(current, f"get_{last}_display", None)
            if display is not None:
                if not isinstance(display, partialmethod):
                    return None  # a get_FOO_display of the model's own
                labels = _choice_labels(last_field)
                path[-1] = last_field.attname
        field = last_field if last_field is not None else field
        return _Reader(operator.attrgetter(".".join(path)), field, labels)

    def fast_cell(self) -> Callable[[BoundRow], str]:
        """The function that writes this column's ``<td>`` for a row."""
        general = self.general
        if self.td_per_cell or self.never_called or self.default_is_callable:
            return general
        column = self.column
        render = self._fast_render()
        if render is None:
            return general
        link = self._fast_link()
        if link is None:
            return general
        reader = self.reader
        empty_values = column.empty_values
        if isinstance(column, ManyToManyColumn):
            return general
        fixed_text = isinstance(column, BaseLinkColumn) and column.text is not None
        td_open = self.td_html
        default_cell = f"{td_open}{self.to_html(self.default)}</td>"
        to_html = self.to_html
        readers: dict[type, _Reader | None] = {}

        def cell(row) -> str:
            record = row._record
            kind = type(record)
            try:
                read = readers[kind]
            except KeyError:
                read = readers[kind] = reader(kind)
            if read is None:
                return general(row)
            try:
                value = read.get(record)
            except AttributeError:
                # Accessor.resolve fails or meets None on the way: no value (tables2).
                if fixed_text:
                    return general(row)
                value = None
            except Exception:
                return general(row)
            else:
                if read.labels is not None:
                    try:
                        value = read.labels[value]
                    except KeyError:
                        value = force_str(value, strings_only=True)
                    except TypeError:  # an unhashable value
                        return general(row)
                elif callable(value):
                    return general(row)
            if value in empty_values:
                return default_cell
            content = value if render is True else render(value, record, read)
            if content is _SLOW:
                return general(row)
            if link is not False:
                content = link(content, record)
                if content is _SLOW:
                    return general(row)
                return f"{td_open}{content}</td>"
            return f"{td_open}{to_html(content)}</td>"

        return cell

    def _fast_render(self):
        """``True`` when the cell is the value itself, a function ``(value, record, reader)``
        for the kinds of render the fast path knows, or None."""
        column, render = self.column, self.render
        if self.own_render:
            function = getattr(self.bound_column.render, "__func__", None)
            if isinstance(column, DateColumn) and function is TemplateColumn.render:
                return self._date_render()
            if function is Column.render:
                return True
            if function is BaseLinkColumn.render and column.text is None:
                return True
            if type(column) is BooleanColumn:
                return self._boolean_render()
            return None
        if getattr(render, "__self__", None) is self.table and not self.takes_all:
            return _table_render(render, self.arguments)
        return None

    def _boolean_render(self):
        column = self.column
        span = column.attrs.get("span", {})
        if any(callable(v) for v in span.values()):
            return None
        spans = {}
        for value in (True, False):
            attrs = {"class": str(value).lower(), **span}
            text = column.yesno[int(not value)]
            spans[value] = format_html("<span {}>{}</span>", attrs_html(attrs), escape(text))

        def render(value, record, read):
            field = read.field
            if field is not None and getattr(field, "choices", None):
                return _SLOW  # tables2 maps the label back to its value
            return spans[bool(value)]

        return render

    def _date_render(self):
        column = self.column
        match = _DATE_TEMPLATE.fullmatch(column.template_code or "")
        context = getattr(self.table, "context", None)
        if (
            match is None
            or column.extra_context
            or (context is not None and (not context.autoescape or context.use_tz is not None))
        ):
            return None
        dates = LocalDateFormat(match.group(1))
        # No date: the template writes the column's default (``|default:default``).
        default = self.default
        no_date = mark_safe(html.escape(default)) if isinstance(default, str) else _SLOW  # noqa: S308

        def render(value, record, read):
            if not isinstance(value, datetime.date):
                return no_date if value is None or value == "" else _SLOW
            text = dates.text(template_localtime(value))  # the |date filter
            return mark_safe(html.escape(text)) if text else _SLOW  # noqa: S308

        return render

    def _fast_link(self):
        """``False`` without a link, a function ``(content, record)`` writing the ``<a>``,
        or None when the link needs the general path."""
        link = self.link
        if not link:
            return False
        if type(link) is not LinkTransform or link.url is not None:
            return None
        attrs = link.attrs or {}
        if "href" in attrs or any(callable(v) or isinstance(v, dict) for v in attrs.values()):
            return None
        params = dict(link.reverse_args)
        viewname = params.pop("viewname", None)
        args, kwargs = params.pop("args", None), params.pop("kwargs", None)
        if not isinstance(viewname, str) or isinstance(viewname, Accessor) or any(params.values()):
            return None
        if args and not kwargs and len(args) == 1 and isinstance(args[0], Accessor):
            kwarg, key_accessor = None, args[0]
        elif kwargs and not args and len(kwargs) == 1:
            ((kwarg, key_accessor),) = kwargs.items()
            if not isinstance(key_accessor, Accessor):
                return None
        else:
            return None
        parts = url_parts(viewname, kwarg)
        if parts is None:
            return None
        prefix, suffix = html.escape(parts[0]), html.escape(parts[1])
        static = attrs_html(attrs)
        a_open = f'<a {static} href="' if static else '<a href="'
        key_column = _KeyReader(key_accessor)

        def render(content, record):
            pk = key_column.read(record)
            if type(pk) is not int or pk < 0:
                return _SLOW
            return f'{a_open}{prefix}{pk}{suffix}">{conditional_escape(content)}</a>'

        return render


class _KeyReader:
    """Reads a link's key (``A("pk")``) from a record as ``Accessor.resolve`` would."""

    def __init__(self, accessor: Accessor) -> None:
        self.accessor = accessor
        self._getters: dict[type, Callable | None] = {}

    def read(self, record):
        kind = type(record)
        try:
            get = self._getters[kind]
        except KeyError:
            get = None
            bits = self.accessor.bits
            if len(bits) == 1 and issubclass(kind, models.Model) and _plain(kind):
                get = operator.attrgetter(bits[0])
            self._getters[kind] = get
        if get is None:
            return _SLOW
        try:
            return get(record)
        except Exception:
            return _SLOW


def _table_render(method, arguments: tuple[str, ...]):
    """A table's ``render_<name>`` called with the arguments it asks for."""
    if arguments == ():
        return lambda value, record, read: method()
    if arguments == ("value",):
        return lambda value, record, read: method(value=value)
    if arguments == ("record",):
        return lambda value, record, read: method(record=record)
    if set(arguments) == {"value", "record"}:
        return lambda value, record, read: method(value=value, record=record)
    return None


_signatures: dict[tuple, tuple] = {}


def _signature(function) -> tuple[tuple[str, ...], str | None]:
    """tables2's ``signature()`` (``inspect.signature``), worked out once per function."""
    key = (getattr(function, "__func__", function), hasattr(function, "__self__"))
    try:
        return _signatures[key]
    except KeyError:
        result = _signatures[key] = signature(function)
        return result


_label_cache: dict[tuple, dict] = {}


def _choice_labels(field) -> dict:
    """{value: label} of a field with choices, in the active language (as
    ``get_FOO_display`` reads them)."""
    key = (field, get_language())
    try:
        return _label_cache[key]
    except KeyError:
        labels = _label_cache[key] = {make_hashable(k): force_str(v) for k, v in field.flatchoices}
        return labels


_templates: dict[str, Template] = {}


def _compiled_template_render(column) -> Callable[..., Any]:
    """``TemplateColumn.render`` with the template parsed once instead of once per cell."""
    compiled = _templates.get(column.template_code)
    if compiled is None:
        compiled = _templates[column.template_code] = Template(column.template_code)

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
    attrs = attrs_html(bound_column.attrs["td"])
    return f"<td {attrs}>" if attrs else "<td>"


def _static_td_open(table, bound_column) -> str:
    """``_td_open`` for ``<td>`` attributes without a callable: ``BoundColumn.attrs``
    works out the ``th`` and ``tf`` attributes too, and the sort classes of the ``th``."""
    attrs = {**table.attrs, **bound_column.column.attrs}
    td = AttributeDict(attrs.get("td", attrs.get("cell", {})))
    td["class"] = bound_column.get_td_class(td)
    html_attrs = attrs_html(td)
    return f"<td {html_attrs}>" if html_attrs else "<td>"


def _escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def attrs_html(attrs: dict) -> SafeString:
    """``AttributeDict(attrs).as_html()``."""
    parts = []
    for key, value in attrs.items():
        if callable(value):
            value = value()
        if key not in AttributeDict.blacklist and value is not None:
            parts.append(f'{_escape(key)}="{_escape(value)}"')
    return mark_safe(" ".join(parts))  # noqa: S308 - every key and value escaped


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test changed the settings: the languages may differ."""
    _label_cache.clear()
    _readers.clear()

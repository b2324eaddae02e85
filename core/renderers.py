"""The list filters' form renderer: the same HTML as core.forms.FormRenderer, written in Python.

Every staff list renders its filter form on every view, and through templates each field
costs a field template, a widget template and one ``{% include %}`` per option and per
attribute list: an eighth to a third of a list page's own time (issue 18). ``FastFormRenderer``
writes the few templates a filter form uses (the field group without errors, text-like
inputs, selects, checkbox lists) in Python, byte for byte what the templates write
(tests/core/test_renderers.py renders every list's filter both ways); anything else (a field
with errors, another widget, an option template of its own) goes to the templates.
"""

from collections.abc import Callable
from html import escape
from typing import Any

from django.forms import Form
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from core.forms import FormRenderer

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in ("input", "text", "search", "number", "date", "email", "url", "tel")
}
SELECT_OPTION = f"{WIDGETS}select_option.html"
CHECKBOX_OPTION = f"{WIDGETS}checkbox_option.html"

# What ``{{ value }}`` does to a value: local time, localised, escaped. Text is only
# escaped, with the standard library's html.escape as django.utils.html.escape does.
_CONTEXT = Context()


def _text(value: Any) -> str:
    if hasattr(value, "__html__"):  # safe text, a bound field
        return str(value.__html__())
    if isinstance(value, str | Promise):  # nothing to localise: escaped (as django's escape)
        return escape(str(value))
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (with its closing newline)."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _checkbox_option(option: dict) -> str:
    """checkbox_option.html → input_option.html → input.html, each with its newline."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{_text(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(option)} {_text(option['label'])}</label>\n\n"


def _checkbox_select(widget: dict) -> str | None:
    """checkbox_select.html → multiple_input.html."""
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_text(widget_id)}"' if widget_id else "",
        f' class="{_text(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            if option["template_name"] != CHECKBOX_OPTION:
                return None
            parts.append(f"<div>\n    {_checkbox_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n\n")
    return "".join(parts)


def _field(field) -> str | None:
    """core/forms/field.html for a field without errors (with errors: the template)."""
    if field.errors:
        return None
    required = (
        f' <span class="required-mark">{_text(gettext("Required"))}</span>'
        if field.field.required
        else ""
    )
    label = field.label
    parts = [
        '<div class="field',
        " field--group" if field.use_fieldset else "",
        '">\n',
    ]
    if field.use_fieldset:
        described = field.aria_describedby
        parts.append(
            f'<fieldset aria-describedby="{_text(described)}">' if described else "<fieldset>"
        )
        parts.append("\n  ")
        if label:
            parts.append(f'<legend class="field__label">{_text(label)}{required}</legend>')
        parts.append("\n")
    elif label:
        parts.append(
            f'<label class="field__label" for="{_text(field.id_for_label)}">'
            f"{_text(label)}{required}</label>\n"
        )
    parts.append("\n")
    if field.help_text:
        helptext_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(
            f'<div class="field__hint helptext"{helptext_id}>{mark_safe(field.help_text)}</div>'  # noqa: S308 - as the template's |safe
        )
    # No errors: ``{{ field.errors }}`` writes nothing.
    parts.append(f"\n\n{_text(field)}\n")
    if field.use_fieldset:
        parts.append("</fieldset>")
    parts.append("\n</div>\n")
    return "".join(parts)


_WRITERS: dict[str, Callable[[dict], str | None]] = {
    **{name: lambda context: _input(context["widget"]) for name in INPUTS},
    f"{WIDGETS}select.html": lambda context: _select(context["widget"]),
    f"{WIDGETS}checkbox_select.html": lambda context: _checkbox_select(context["widget"]),
    FormRenderer.field_template_name: lambda context: _field(context["field"]),
}


class FastFormRenderer(FormRenderer):
    """FormRenderer with the filter forms' templates written in Python (same output)."""

    def render(self, template_name, context, request=None):
        writer = _WRITERS.get(template_name)
        html = writer(context) if writer is not None and request is None else None
        if html is None:
            return super().render(template_name, context, request=request)
        return html.strip()


class FilterForm(Form):
    """The form class of every list's FilterSet (``Meta.form``)."""

    default_renderer = FastFormRenderer()

"""The rows of the desk's queues (and of the maintenance page), written in Python (issue 18).

The desk shows up to 20 rows in each of five queues; written by template loops, the rows
were a third of the page's time (a variable lookup and an escape per cell). Each tag
writes exactly what its loop wrote, whitespace included, from the rows that
``lending.selectors.desk`` works out (links and labels ready); ``tests/lending/
test_desk_rows.py`` holds each to the loop it replaces.
"""

import html

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.tables import LocalDateFormat, record_urls
from lending.models import Item

register = template.Library()


def _text(value) -> str:
    """``{{ value }}`` with autoescaping on: text escaped, anything else localised first.
    Plain text goes straight to the standard library's escape, which Django's uses, without
    the lazy-text checks around it: a full desk escapes some 400 values."""
    if type(value) is str:
        return html.escape(value)
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(localize(value))


@register.simple_tag
def reservation_rows(reservations, hand_out: str = "") -> SafeString:
    """The ``<tr>`` of a queue of DeskReservation rows; ``hand_out``, the label of the
    hand-out button, adds that column (the pickups queue)."""
    parts = []
    label = _text(hand_out)
    for row in reservations:
        number = _text(row.number)
        action = (
            f'<td><a class="button button--primary" href="{_text(row.hand_out_url)}">{label}'
            f'<span class="visually-hidden"> {number}</span></a></td>'
            if hand_out
            else ""
        )
        parts.append(
            f'<tr>\n    <td><a href="{_text(row.url)}">{number}</a></td>\n'
            f"    <td>{_text(row.organisation)}</td>\n"
            f"    <td>{_text(row.dates)}</td>\n"
            f"    <td>{_text(row.equipment)}</td>\n"
            f'    <td><span class="badge {_text(row.state_badge)}">{_text(row.state_label)}'
            f"</span></td>\n    {action}\n  </tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


@register.simple_tag
def overdue_rows(loans) -> SafeString:
    """The ``<tr>`` of the overdue queue (DeskLoan rows)."""
    parts = [
        f'<tr>\n    <td><a href="{_text(row.item_url)}">{_text(row.tag_number)}</a></td>\n'
        f"    <td>{_text(row.type_name)}</td>\n"
        f'    <td><a href="{_text(row.reservation_url)}">{_text(row.organisation)}</a></td>\n'
        f'    <td><span class="badge badge--danger">{_text(row.due)}</span></td>\n'
        f"    <td>{_text(row.contact_name)} {_text(row.contact_phone)}</td>\n  </tr>"
        for row in loans
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


@register.simple_tag
def inspection_rows(loans, inspect: str) -> SafeString:
    """The ``<tr>`` of the queue of units awaiting inspection (DeskLoan rows); ``inspect``
    is the button's label."""
    label = _text(inspect)
    late = _text(gettext("Late"))  # outside the f-string, where i18n --update finds it
    late = f'<span class="badge badge--warn">{late}</span>'
    parts = []
    for row in loans:
        tag = _text(row.tag_number)
        missing = "、".join(_text(part) for part in row.missing_components or ()) or "—"
        parts.append(
            f"<tr>\n    <td>{tag}</td>\n"
            f"    <td>{_text(row.type_name)}</td>\n"
            f"    <td>{_text(row.returned)} {late if row.was_late else ''}</td>\n"
            f"    <td>{missing}</td>\n"
            f'    <td><a class="button" href="{_text(row.inspect_url)}">{label}'
            f'<span class="visually-hidden"> {tag}</span></a></td>\n  </tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


@register.simple_tag
def maintenance_rows(due, today) -> SafeString:
    """The ``<tr>`` of a list of maintenance.Due (the desk's and the maintenance page's):
    links reversed once for all rows, the date red when it is past."""
    item_url = record_urls("lending:item_detail")
    record_url = record_urls("lending:item_maintenance")
    # get_status_display and |short_date, each worked out once (per status, per day).
    statuses = {value: str(label) for value, label in Item.Status.choices}
    short_date = LocalDateFormat("SHORT_DATE_FORMAT")
    after_loan = _text(gettext("after a loan"))  # outside the f-string: i18n finds it
    after_loan = f' <span class="badge">{after_loan}</span>'
    record = _text(gettext("Record maintenance"))
    parts = []
    for entry in due:
        item, plan = entry.item, entry.plan
        tag = _text(item.tag_number)
        day = _text(short_date(entry.due_on))
        if entry.due_on < today:
            day = f'<span class="badge badge--danger">{day}</span>'
        parts.append(
            f'<tr>\n    <td><a href="{_text(item_url(item.pk))}">{tag}</a></td>\n'
            f"    <td>{_text(item.display_name)}</td>\n"
            f"    <td>{_text(plan.name)}{after_loan if entry.after_loan else ''}</td>\n"
            f"    <td>{day}</td>\n"
            f"    <td>{_text(statuses.get(item.status, item.status))}</td>\n"
            f'    <td><a class="button" href="{_text(record_url(item.pk))}">{record}'
            f'<span class="visually-hidden"> {tag}</span></a></td>\n  </tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped

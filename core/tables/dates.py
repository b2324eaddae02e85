"""Dates in table cells: Django's ``date_format`` with the day's and the clock's parts
remembered."""

import datetime
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.dateformat import DateFormat
from django.utils.formats import date_format, get_format
from django.utils.timezone import get_current_timezone, is_naive
from django.utils.translation import get_language

# Django's date format specifiers (django.utils.dateformat), by what they depend on.
_SPECIFIER = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_DAY_SPECIFIERS = frozenset("bdDEFjlLmMnNoStwWyYz")
_CLOCK_SPECIFIERS = frozenset("aAfgGhHiPsu")
_ESCAPED = re.compile(r"\\(.)")


# The parts of formatted dates, per (language, format): only the names in them are
# translated, and nothing else changes while the process runs (see _forget).
_format_parts: dict[tuple[str | None, str], tuple] = {}
_REMEMBERED = 4096  # days (or times of day) per format, then start again


def _parse_format(format_string: str) -> tuple:
    """(splits, day specifiers, clock specifiers, str.format template, {}, {}) of a format."""
    pieces = _SPECIFIER.split(format_string)
    specifiers = pieces[1::2]
    splits = all(s in _DAY_SPECIFIERS or s in _CLOCK_SPECIFIERS for s in specifiers)
    day_specifiers = [s for s in specifiers if s in _DAY_SPECIFIERS]
    clock_specifiers = [s for s in specifiers if s in _CLOCK_SPECIFIERS]
    # The text as a str.format template: day parts first, then the clock's.
    template, days, clocks = [], 0, len(day_specifiers)
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            template.append(_ESCAPED.sub(r"\1", piece).replace("{", "{{").replace("}", "}}"))
        elif piece in _DAY_SPECIFIERS:
            template.append(f"{{{days}}}")
            days += 1
        else:
            template.append(f"{{{clocks}}}")
            clocks += 1
    return splits, day_specifiers, clock_specifiers, "".join(template), {}, {}


class LocalDateFormat:
    """``formats.date_format(localtime(value), format_name)``, cheaply, for table rows.

    Formatting a date costs tens of microseconds (the format parsed, names translated);
    a list formats one or two per row. The text of a format made of day and time-of-day
    specifiers is its literals with the day's part (remembered per day) and the clock's
    part (remembered per time of day) put in; a format that also names the time zone is
    formatted each time. The language and the time zone are those active when it is
    made: make one per render (a ``cached_property`` of the table).
    """

    def __init__(self, format_name: str) -> None:
        self.format_name = format_name
        self.timezone = get_current_timezone()
        format_string = str(get_format(format_name))
        key = (get_language(), format_string)
        parsed = _format_parts.get(key)
        if parsed is None:
            parsed = _format_parts[key] = _parse_format(format_string)
        self.splits, self.day_specifiers, self.clock_specifiers, self.template = parsed[:4]
        self._days, self._clocks = parsed[4:]

    def local(self, value: datetime.date) -> datetime.date:
        """``core.fiscal._local``: an aware date-time in the page's time zone."""
        if isinstance(value, datetime.datetime) and not is_naive(value):
            return value.astimezone(self.timezone)  # timezone.localtime()
        return value

    def __call__(self, value: datetime.date) -> str:
        return self.text(self.local(value))

    def text(self, value: datetime.date) -> str:
        """``formats.date_format(value, format_name)``."""
        is_datetime = isinstance(value, datetime.datetime)
        if not self.splits or (self.clock_specifiers and not is_datetime):
            return date_format(value, self.format_name)
        day = value.date() if is_datetime else value
        day_parts = self._days.get(day)
        if day_parts is None:
            day_parts = self._parts(self._days, day, value, self.day_specifiers)
        if not self.clock_specifiers:
            return self.template.format(*day_parts)
        clock = value.time()
        clock_parts = self._clocks.get(clock)
        if clock_parts is None:
            clock_parts = self._parts(self._clocks, clock, value, self.clock_specifiers)
        return self.template.format(*day_parts, *clock_parts)

    @staticmethod
    def _parts(remembered: dict, key, value, specifiers) -> tuple[str, ...]:
        formatter = DateFormat(value)
        if len(remembered) >= _REMEMBERED:
            remembered.clear()
        remembered[key] = parts = tuple(str(getattr(formatter, s)()) for s in specifiers)
        return parts


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test changed the settings: the languages and formats may differ."""
    _format_parts.clear()

"""One date style on every page: 和暦 with a Japanese weekday in text, one compact form in
tables, English forms in English (issue 14: never 令和8年12月8日（Tue）)."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

JST = ZoneInfo("Asia/Tokyo")
UTC = ZoneInfo("UTC")
DAY = date(2026, 12, 8)  # a Tuesday


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_japanese_pages_write_wareki_with_a_japanese_weekday():
    moment = datetime(2026, 12, 8, 14, 5, tzinfo=JST)
    assert render("{{ d|long_date }}", d=DAY) == "令和8年12月8日（火）"
    assert render("{{ d|short_date }}", d=DAY) == "2026/12/08（火）"
    assert render("{{ m|long_datetime }}", m=moment) == "令和8年12月8日（火）14:05"
    assert render("{{ m|short_datetime }}", m=moment) == "2026/12/08（火）14:05"
    assert render("{{ d|long_date }}", d=date(2019, 5, 1)) == "令和元年5月1日（水）"


def test_english_pages_write_english_dates_and_never_a_mix():
    moment = datetime(2026, 12, 8, 14, 5, tzinfo=JST)
    with translation.override("en"):
        long_day = render("{{ d|long_date }}", d=DAY)
        short_day = render("{{ d|short_date }}", d=DAY)
        long_moment = render("{{ m|long_datetime }}", m=moment)
        short_moment = render("{{ m|short_datetime }}", m=moment)
    assert long_day == "Tuesday 8 December 2026"
    assert short_day == "Tue 8 Dec 2026"
    assert long_moment == "Tuesday 8 December 2026, 14:05"
    assert short_moment == "Tue 8 Dec 2026 14:05"
    for text in (long_day, short_day, long_moment, short_moment):
        assert not re.search(r"[令年月日火]", text)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 12, 7, 14, 59, tzinfo=UTC), "令和8年12月7日（月）23:59"),
        (datetime(2026, 12, 7, 15, 0, tzinfo=UTC), "令和8年12月8日（火）00:00"),
        (datetime(2027, 3, 31, 15, 0, tzinfo=UTC), "令和9年4月1日（木）00:00"),
    ],
)
def test_instants_are_written_as_the_day_in_japan(instant, expected):
    assert render("{{ m|long_datetime }}", m=instant) == expected


def test_empty_dates_render_nothing_so_a_default_can_follow():
    assert render('{{ d|long_date|default:"—" }}{{ d|short_datetime|default:"—" }}', d=None) == "——"


def test_django_tables2_date_columns_use_the_same_short_form():
    from django.utils import formats

    assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "2026/12/08（火）"
    with translation.override("en"):
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "Tue 8 Dec 2026"


# Formats a template may still give to |date: times and months alone, and ISO days in
# links and form values (read by the next page, never by a person).
ALLOWED = {"H:i", "G:i", "Y-m", "Y/n", "n", "j", "Y", "c", "Y-m-d"}
# Messages are data written per language (core.messaging); mail bodies likewise.
SKIPPED = ("/messages/", "/mail/")


def test_every_page_writes_days_through_the_date_filters():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if any(part in str(path) for part in SKIPPED):
            continue
        text = path.read_text()
        for match in re.finditer(r'\|date:["\']([^"\']+)["\']', text):
            opening = text.rfind("{{", 0, match.start())
            if text[:opening].endswith(("=", '="')):
                continue  # a value for a machine (?start=2026-06-15, value="…"), not a person
            if match.group(1) not in ALLOWED:
                offenders.append(f"{path.name}: {match.group(0)}")
        if "|wareki" in text:
            offenders.append(f"{path.name}: |wareki")
    assert offenders == []

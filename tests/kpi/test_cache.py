"""The KPI sheet and the public report are cached (core.pagecache): every write of a
fact they count shows on the next request, a hit reads no facts, and languages and
fiscal years are kept apart."""
# ruff: noqa: F811 - the facts of test_cross_app are fixtures, imported by name

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi import review
from kpi import services as kpi_services
from kpi.sources import compute_figure

from .conftest import board_reviewed, publish
from .test_cross_app import (  # noqa: F401 - fixtures
    all_facts,
    classes,
    incidents,
    jst,
    lending_services,
    loans,
    machines,
    outreach_services,
    policy,
    texts,
    typed_in_years,
    wifi_services,
)

pytestmark = pytest.mark.django_db

# A cache hit: the session, the user and the user's groups (the signed-in floor), then
# the version of the KPI pages; the copy itself comes from the cache, not the database.
STAFF_HIT_QUERIES = 4
PUBLIC_HIT_QUERIES = 1


def _pages(client, staff_client) -> dict[str, tuple]:
    """The three cached pages of FY2025 and how each links a value to its facts."""
    return {
        "sheet": (staff_client, reverse("kpi:sheet", args=[2025]), "kpi:facts"),
        "public year": (client, reverse("kpi:public_year", args=[2025]), "kpi:public_facts"),
        "public report": (client, reverse("kpi:public_report"), "kpi:public_facts"),
    }


def _value(client, url: str, facts: str, code: str, year: int = 2025) -> str:
    """The value of ``code`` for ``year`` as the page shows it (the link to its facts)."""
    page = client.get(url).content.decode()
    href = reverse(facts, args=[2025, code, year])
    found = re.search(rf'href="{re.escape(href)}">([^<]*)</a>', page)
    assert found, (url, code)
    return found.group(1)


def _main(response) -> str:
    """The page's <main> (the layout around it holds a new CSRF token every time)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _values(pages: dict, code: str) -> dict[str, str]:
    return {name: _value(c, url, facts, code) for name, (c, url, facts) in pages.items()}


def _lend_a_tablet(loans, lending_staff):
    from lending.models import Item

    tablet = Item.objects.create(
        equipment_type=loans["tablet"], tag_number="MB-TB-100", components=["本体"]
    )
    loans["lend"](
        loans["honno"], {loans["tablet"]: 1}, [tablet], date(2025, 11, 4), jst(2025, 11, 4, 9)
    )


def _walk_in(classes, dx_staff):
    session = classes["phone"].sessions.get(starts_at=jst(2025, 4, 1, 10, 0))
    outreach_services.attendance_add_walk_in(session=session, by=dx_staff)


def _mark_absent(classes, dx_staff):
    session = classes["phone"].sessions.get(starts_at=jst(2025, 4, 1, 10, 0))
    attendance = session.attendances.order_by("pk").first()
    outreach_services.attendance_update_survey(attendance=attendance, by=dx_staff, status="absent")


def _move_session_to_fy2024(classes, dx_staff):
    session = classes["phone"].sessions.get(starts_at=jst(2025, 4, 1, 10, 0))
    starts = jst(2025, 3, 31, 10, 0)
    outreach_services.session_update(
        session=session, by=dx_staff, starts_at=starts, ends_at=starts + timedelta(minutes=30)
    )


def _course_for_staff(classes, dx_staff):
    from outreach.services.courses import course_snapshot

    course = classes["phone"]
    before = course_snapshot(course)
    course.audience = "staff"
    outreach_services.course_save(course=course, skills=[], by=dx_staff, before=before)


def _remove_machine(machines, dx_staff):
    from wifi.models import MachineStatus

    wifi_services.machine_status_change(
        machine=machines["A"],
        status=MachineStatus.REMOVED,
        effective_on=date(2026, 3, 31),
        reason="撤去の記録漏れ",
        by=dx_staff,
    )


def _serious_incident(dx_staff):
    kpi_services.incident_record(
        by=dx_staff, occurred_on=date(2025, 9, 1), severity="serious", summary="重要事故"
    )


@pytest.mark.parametrize(
    ("write", "code", "before", "after"),
    [
        ("hand-out", "community-loans", "2", "3"),
        ("walk-in", "digital-classes", "5", "6"),
        ("attendance changed", "digital-classes", "5", "4"),
        ("session moved", "digital-classes", "5", "3"),
        ("course changed", "digital-classes", "5", "0"),
        ("Wi-Fi status step", "wifi-machines", "2", "1"),
        ("serious incident", "security-incidents", "0", "1"),
    ],
)
def test_a_write_through_each_service_shows_on_the_next_request(
    all_facts,
    loans,
    classes,
    machines,
    client,
    client_for,
    dx_staff,
    lending_staff,
    fy2025_running,
    write,
    code,
    before,
    after,
):
    pages = _pages(client, client_for(dx_staff))
    assert _values(pages, code) == dict.fromkeys(pages, before)
    assert _values(pages, code) == dict.fromkeys(pages, before)  # now from the cache
    {
        "hand-out": lambda: _lend_a_tablet(loans, lending_staff),
        "walk-in": lambda: _walk_in(classes, dx_staff),
        "attendance changed": lambda: _mark_absent(classes, dx_staff),
        "session moved": lambda: _move_session_to_fy2024(classes, dx_staff),
        "course changed": lambda: _course_for_staff(classes, dx_staff),
        "Wi-Fi status step": lambda: _remove_machine(machines, dx_staff),
        "serious incident": lambda: _serious_incident(dx_staff),
    }[write]()
    assert _values(pages, code) == dict.fromkeys(pages, after)


def test_kpi_inputs_show_on_the_next_request(
    all_facts, policy, client, client_for, dx_staff, fy2025_running
):
    staff = client_for(dx_staff)
    sheet_url = reverse("kpi:sheet", args=[2025])
    public_url = reverse("kpi:public_year", args=[2025])
    for url, c in ((sheet_url, staff), (public_url, client)):
        assert "見直した名前" not in c.get(url).content.decode()
    kpi_services.kpi_update(
        kpi=policy["community-loans"], changes={"name": "見直した名前"}, by=dx_staff
    )
    kpi_services.comment_save(
        kpi=policy["community-loans"],
        fiscal_year=2025,
        analysis="貸出の要因分析",
        outlook="今後の方向",
        by=dx_staff,
    )
    for url, c in ((sheet_url, staff), (public_url, client)):
        page = c.get(url).content.decode()
        assert "見直した名前" in page and "貸出の要因分析" in page
    assert "190" in staff.get(sheet_url).content.decode()
    kpi_services.manual_value_set(
        kpi=policy["community-loans"], fiscal_year=2024, value=191, note="訂正", by=dx_staff
    )
    page = staff.get(sheet_url).content.decode()
    assert "191" in page and "190" not in page


def test_closing_and_publishing_show_on_the_next_request(
    all_facts, texts, client, client_for, dx_staff, fy2025_running
):
    staff = client_for(dx_staff)
    sheet_url = reverse("kpi:sheet", args=[2025])
    assert "この年度はまだ締めていない" in staff.get(sheet_url).content.decode()
    assert "暫定" in client.get(reverse("kpi:public_report")).content.decode()
    publish(2025, dx_staff)
    assert "この年度はまだ締めていない" not in staff.get(sheet_url).content.decode()
    public = client.get(reverse("kpi:public_report")).content.decode()
    assert "確定" in public and "暫定" not in public
    kpi_services.year_reopen(fiscal_year=2025, by=dx_staff, reason="訂正")
    assert "この年度はまだ締めていない" in staff.get(sheet_url).content.decode()


def test_the_review_steps_show_on_the_next_request(all_facts, client_for, dx_staff):
    staff = client_for(dx_staff)
    url = reverse("kpi:sheet", args=[2025])
    blocker = "この年度はまだ推進本部で検討していません"
    assert blocker in staff.get(url).content.decode()
    board_reviewed(2025, dx_staff)
    assert review.review_status(2025) == "board"
    assert blocker not in staff.get(url).content.decode()


def test_a_cache_hit_reads_no_facts(
    all_facts, client, client_for, dx_staff, fy2025_running, django_assert_num_queries
):
    staff = client_for(dx_staff)
    for c, url, hit_queries in (
        (staff, reverse("kpi:sheet", args=[2025]), STAFF_HIT_QUERIES),
        (client, reverse("kpi:public_year", args=[2025]), PUBLIC_HIT_QUERIES),
        (client, reverse("kpi:public_report"), PUBLIC_HIT_QUERIES),
    ):
        with CaptureQueriesContext(connection) as miss:
            first = c.get(url)
        with django_assert_num_queries(hit_queries):
            hit = c.get(url)
        assert len(miss.captured_queries) > hit_queries + 5
        assert _main(hit) == _main(first)


def test_languages_are_kept_apart(all_facts, client, fy2025_running):
    url = reverse("kpi:public_year", args=[2025])
    japanese = client.get(url)
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert "All indicators in one table" in _main(english)
    assert "All indicators" not in _main(japanese)
    assert _main(client.get(url)) == _main(english)
    client.cookies["django_language"] = "ja"
    assert _main(client.get(url)) == _main(japanese)


def test_fiscal_years_are_kept_apart(all_facts, client_for, dx_staff):
    staff = client_for(dx_staff)
    for _ in range(2):  # then from the cache
        assert (
            _value(staff, reverse("kpi:sheet", args=[2025]), "kpi:facts", "digital-classes") == "5"
        )
        page_2024 = staff.get(reverse("kpi:sheet", args=[2024])).content.decode()
        assert "令和6年度" in page_2024 and 'aria-current="page">令和6年度' in page_2024


def test_a_return_changes_no_kpi_figure(all_facts, lending_staff):
    """The loan KPIs count hand-outs (``handed_out_at``, ``was_digital_ready``), never
    ``returned_at``: a return (the kiosk's hot path) needs no bump of the KPI pages."""
    from lending.models import Loan

    keys = ("lending.digital_loan_groups", "lending.all_loan_groups")
    years = (2024, 2025, 2026)
    before = {(key, y): compute_figure(key, y).value for key in keys for y in years}
    out = Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True)
    assert out.count() == 6
    for loan in out.select_related("item"):
        lending_services.loan_return(item=loan.item, by=lending_staff, via="kiosk")
    assert not Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True).exists()
    assert {(key, y): compute_figure(key, y).value for key in keys for y in years} == before


def test_the_cached_report_follows_the_fiscal_year_end_without_a_write(
    engine_period, client, monkeypatch
):
    """The running fiscal year is part of the key: at 00:00 JST on 1 April the report is
    the new year's, although nothing was written."""
    from django.utils import timezone

    from .conftest import at

    url = reverse("kpi:public_report")
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, 31, 23, 59))
    for _ in range(2):  # then from the cache
        assert "<h1>KPIの進行管理: 令和7年度 (暫定)</h1>" in _main(client.get(url))
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 1, 0, 0))
    assert "<h1>KPIの進行管理: 令和8年度 (暫定)</h1>" in _main(client.get(url))

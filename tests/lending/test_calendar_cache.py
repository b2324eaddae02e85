"""The public month calendar of a type is cached; every write that frees or takes a unit
shows on the next request (core.pagecache)."""

import re
from datetime import date

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lending.services import (
    item_retire,
    loan_hand_out,
    loan_return,
    reservation_approve,
    reservation_cancel,
)

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db
FRI = date(2026, 6, 19)  # a Friday after TODAY, an open day


def _free_on(client, equipment_type, day: date) -> str:
    """The cell text of ``day`` in the month calendar, e.g. "2 / 2"."""
    url = reverse("lending:availability_calendar", args=[equipment_type.pk])
    page = client.get(url, {"month": day.strftime("%Y-%m")}).content.decode()
    cell = re.search(
        rf'lending-calendar__day">{day.day}</span>\s*<span class="lending-calendar__free">([^<]*)',
        page,
    )
    return cell.group(1).strip()


def test_a_cached_calendar_reads_no_units(client, frozen, make_type, make_item):
    projector = make_type()
    make_item(projector)
    url = reverse("lending:availability_calendar", args=[projector.pk])
    client.get(url, {"month": "2026-06"})
    with CaptureQueriesContext(connection) as hit:
        client.get(url, {"month": "2026-06"})
    assert not [q for q in hit.captured_queries if "lending_itemday" in q["sql"]]
    assert not [q for q in hit.captured_queries if 'lending_item"' in q["sql"]]


def test_booking_cancelling_and_retiring_show_on_the_next_request(
    client, frozen, make_type, make_item, make_org, book, lending_staff
):
    projector = make_type()
    units = [make_item(projector), make_item(projector)]
    assert "2 / 2" in _free_on(client, projector, FRI)
    reservation = book(make_org(), {projector: 1}, FRI, FRI)
    assert "1 / 2" in _free_on(client, projector, FRI)
    reservation_cancel(reservation=reservation, by=lending_staff)
    assert "2 / 2" in _free_on(client, projector, FRI)

    # Lent out today until Friday, brought back today: Friday is free again once the
    # cached copy expires (a return does not bump: it only frees days, see
    # lending/services/availability.py), never shown free before it is.
    out = book(make_org(), {projector: 1}, TODAY, FRI)
    reservation_approve(reservation=out, by=lending_staff)
    assert "1 / 2" in _free_on(client, projector, FRI)
    loan = out.loans.get()
    loan_hand_out(reservation=out, code=loan.item.tag_number, by=lending_staff, now=at(TODAY))
    loan_return(item=loan.item, by=lending_staff, via="counter", now=at(TODAY))
    assert "1 / 2" in _free_on(client, projector, FRI)
    caches["default"].clear()  # PUBLIC_CACHE_SECONDS later
    assert "2 / 2" in _free_on(client, projector, FRI)

    # A retired unit leaves the calendar.
    spare = next(u for u in units if u.pk != loan.item_id)
    item_retire(item=spare, by=lending_staff, reason="故障")
    assert "1 / 1" in _free_on(client, projector, FRI)


def test_a_write_for_another_type_keeps_this_calendar_cached(
    client, frozen, make_type, make_item, make_org, book
):
    projector, tent = make_type(), make_type(is_digital_ready=False)
    make_item(projector)
    make_item(tent)
    _free_on(client, projector, FRI)
    book(make_org(), {tent: 1}, FRI, FRI)
    url = reverse("lending:availability_calendar", args=[projector.pk])
    with CaptureQueriesContext(connection) as hit:
        client.get(url, {"month": "2026-06"})
    assert not [q for q in hit.captured_queries if "lending_itemday" in q["sql"]]


def test_a_unit_registered_on_its_page_shows_on_the_next_request(
    client, client_for, frozen, make_type, make_item, lending_staff
):
    projector = make_type(tag_prefix="MB-PJ")
    make_item(projector)
    assert "1 / 1" in _free_on(client, projector, FRI)
    response = client_for(lending_staff).post(
        f"{reverse('lending:item_new')}?type={projector.pk}",
        {"equipment_type": projector.pk, "tag_number": "MB-PJ-002", "condition": "good"},
    )
    assert response.status_code == 302
    assert "2 / 2" in _free_on(client, projector, FRI)

"""The 要綱 rules at their edges: open days, booking window, loan length, eligibility, limits."""

from datetime import date

import pytest

from core.refusals import Refusal
from lending.models import Organisation
from lending.rules import check_dates, rules_for

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def _errors(kind, pickup, ret, today=TODAY):
    return check_dates(
        kind=kind, pickup_date=pickup, return_date=ret, today=today, rules=rules_for(kind, today)
    )


def test_first_rules_come_from_the_city_file(settings):
    rules = rules_for(Organisation.Kind.NEIGHBOURHOOD)
    assert rules.rule is None
    assert rules.max_loan_days == settings.TSUNAGU["lending"]["max_loan_days"] == 14
    assert rules.booking_window_days == 90
    assert rules_for(Organisation.Kind.CIVIC).booking_window_days == 60


def test_pickup_on_a_saturday_is_refused_with_the_next_open_day():
    errors = _errors("neighbourhood", date(2026, 6, 13), date(2026, 6, 15))
    assert list(errors) == ["pickup_date"]
    assert "2026/06/13" in errors["pickup_date"][0]
    assert "2026/06/15" in errors["pickup_date"][0]  # Monday


def test_return_on_a_national_holiday_is_refused_with_the_next_open_day():
    # 海の日 2026-07-20 (Monday) → Tuesday 21st.
    errors = _errors("neighbourhood", date(2026, 7, 17), date(2026, 7, 20))
    assert list(errors) == ["return_date"]
    assert "海の日" in errors["return_date"][0]
    assert "2026/07/21" in errors["return_date"][0]
    assert _errors("neighbourhood", date(2026, 7, 17), date(2026, 7, 21)) == {}


def test_year_end_closure_moves_the_return_to_the_fourth_of_january():
    today = date(2026, 12, 1)
    assert _errors("neighbourhood", date(2026, 12, 25), date(2026, 12, 28), today) == {}
    errors = _errors("neighbourhood", date(2026, 12, 25), date(2026, 12, 29), today)
    assert "2027/01/04" in errors["return_date"][0]


def test_booking_window_for_neighbourhood_associations_is_ninety_days_to_the_day():
    # 2026-06-10 + 90 days = 2026-09-08 (Tuesday, open); the next day is one too far.
    assert _errors("neighbourhood", date(2026, 9, 8), date(2026, 9, 8)) == {}
    errors = _errors("neighbourhood", date(2026, 9, 9), date(2026, 9, 9))
    assert list(errors) == ["pickup_date"]
    assert "90" in errors["pickup_date"][0]


def test_booking_window_for_other_groups_is_sixty_days():
    today = date(2026, 6, 15)  # + 60 days = Friday 2026-08-14
    assert _errors("civic", date(2026, 8, 14), date(2026, 8, 14), today) == {}
    assert "pickup_date" in _errors("civic", date(2026, 8, 17), date(2026, 8, 17), today)
    assert _errors("neighbourhood", date(2026, 8, 17), date(2026, 8, 17), today) == {}


def test_loan_may_last_fourteen_days_not_fifteen():
    assert _errors("neighbourhood", date(2026, 6, 15), date(2026, 6, 29)) == {}
    errors = _errors("neighbourhood", date(2026, 6, 15), date(2026, 6, 30))
    assert list(errors) == ["return_date"]


def test_pickup_today_is_allowed_until_midnight_japan_time(make_org, make_type, make_item, book):
    projector = make_type()
    make_item(projector)
    friday = date(2026, 6, 12)
    assert book(make_org(), {projector: 1}, friday, friday, now=at(friday, 23, 59)).pk
    with pytest.raises(Refusal) as caught:
        book(make_org(), {projector: 1}, friday, friday, now=at(date(2026, 6, 13), 0, 0))
    assert "pickup_date" in caught.value.errors


def test_types_only_some_groups_may_borrow_are_refused_to_others(
    make_org, make_type, make_item, book
):
    tent = make_type(name="集会用テント", category="tent", eligible_kinds=["neighbourhood"])
    make_item(tent)
    with pytest.raises(Refusal, match="集会用テント"):
        book(
            make_org(kind=Organisation.Kind.CIVIC), {tent: 1}, date(2026, 6, 15), date(2026, 6, 16)
        )
    assert book(make_org(), {tent: 1}, date(2026, 6, 15), date(2026, 6, 16)).pk


def test_declaration_verification_and_per_group_limits(make_org, make_type, make_item, book):
    projector = make_type(max_per_reservation=2)
    for _ in range(4):
        make_item(projector)
    org = make_org()
    with pytest.raises(Refusal) as caught:
        book(org, {projector: 1}, date(2026, 6, 15), date(2026, 6, 15), declaration=False)
    assert "declaration" in caught.value.errors
    with pytest.raises(Refusal):
        book(make_org(is_verified=False), {projector: 1}, date(2026, 6, 15), date(2026, 6, 15))
    with pytest.raises(Refusal, match="2"):
        book(org, {projector: 3}, date(2026, 6, 15), date(2026, 6, 15))
    for day in (15, 16, 17):
        book(org, {projector: 1}, date(2026, 6, day), date(2026, 6, day))
    with pytest.raises(Refusal) as caught:
        book(org, {projector: 1}, date(2026, 6, 18), date(2026, 6, 18))
    assert "3" in caught.value.message

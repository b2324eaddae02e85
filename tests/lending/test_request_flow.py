"""From 備品の空き状況 to a group's request in one flow: dates and types carry over, free
units show beside each type, limits before the form, and "more than exist" said as such."""

from datetime import date

import pytest
from django.urls import reverse

from lending.models import Reservation

pytestmark = pytest.mark.django_db

# TODAY (conftest) is Wednesday 2026-06-10. 6/13-14 is a weekend.
FRI, SAT, SUN, MON = date(2026, 6, 12), date(2026, 6, 13), date(2026, 6, 14), date(2026, 6, 15)


@pytest.fixture
def group(frozen, make_org, make_type, make_item, make_rep):
    org = make_org(name="本納東自治会")
    projector = make_type(name="プロジェクター")
    for i in range(4):
        make_item(projector, tag_number=f"MB-PJ-10{i}")
    tent = make_type(name="テント")
    make_item(tent, tag_number="MB-TE-001")
    return {"org": org, "rep": make_rep(org), "projector": projector, "tent": tent}


def test_the_availability_page_links_to_the_request_with_the_days_and_the_type(client_for, group):
    client = client_for(group["rep"])
    html = client.get(
        reverse("lending:availability"), {"start": SAT.isoformat(), "end": SUN.isoformat()}
    ).content.decode()
    link = (
        f"{reverse('lending:my_reservation_new')}?start=2026-06-13&amp;end=2026-06-14"
        f"&amp;type={group['projector'].pk}"
    )
    assert link in html


def test_weekend_use_days_become_open_pickup_and_return_days_with_free_counts(
    client_for, group, book
):
    book(group["org"], {group["projector"]: 1}, FRI, MON)
    client = client_for(group["rep"])
    response = client.get(
        reverse("lending:my_reservation_new"),
        {"start": SAT.isoformat(), "end": SUN.isoformat(), "type": group["projector"].pk},
    )
    form = response.context["form"]
    # Saturday and Sunday of use: picked up on Friday, returned on Monday.
    assert form.initial["pickup_date"] == FRI
    assert form.initial["return_date"] == MON
    assert form.initial[f"quantity_{group['projector'].pk}"] == 1
    html = response.content.decode()
    assert 'value="2026-06-12"' in html and 'value="2026-06-15"' in html
    assert "この日程の空き：3台（全4台）" in html
    assert "この日程の空き：1台（全1台）" in html  # the tent


def test_a_form_posted_with_errors_shows_free_counts_for_the_typed_dates(client_for, group):
    client = client_for(group["rep"])
    response = client.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": group["org"].pk,
            "pickup_date": FRI.isoformat(),
            "return_date": MON.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "この日程の空き：4台（全4台）" in response.content.decode()


def test_asking_for_more_than_exist_says_how_many_exist(client_for, group):
    client = client_for(group["rep"])
    response = client.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": group["org"].pk,
            "pickup_date": FRI.isoformat(),
            "return_date": MON.isoformat(),
            f"quantity_{group['projector'].pk}": "6",
            "event_name": "夏祭り",
            "purpose": "夏祭りの案内に使います",
            "declaration": "on",
        },
    )
    html = response.content.decode()
    assert "プロジェクターは4台しかありません。" in html
    assert "空いていません" not in html and "6台のうち" not in html
    # Beside the field, and linked from the summary.
    assert f'href="#id_quantity_{group["projector"].pk}"' in html
    assert Reservation.objects.count() == 0


def test_asking_for_more_than_are_free_says_how_many_are_free(client_for, group, book):
    book(group["org"], {group["projector"]: 3}, FRI, MON)
    client = client_for(group["rep"])
    response = client.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": group["org"].pk,
            "pickup_date": FRI.isoformat(),
            "return_date": MON.isoformat(),
            f"quantity_{group['projector'].pk}": "2",
            "event_name": "夏祭り",
            "purpose": "夏祭りの案内に使います",
            "declaration": "on",
        },
    )
    assert "空いているプロジェクターは1台だけです（ご希望は2台）" in response.content.decode()


def test_a_group_at_its_limit_learns_it_before_the_form(client_for, group, book):
    client = client_for(group["rep"])
    page = client.get(reverse("lending:my_reservation_new")).content.decode()
    assert "受付中の予約：0件（上限3件）" in page
    for week in range(3):
        day = date(2026, 6, 15 + week * 7)
        book(group["org"], {group["tent"]: 1}, day, day)
    response = client.get(reverse("lending:my_reservation_new"))
    html = response.content.decode()
    assert "すでに3件の予約があり" in html
    assert 'name="event_name"' not in html
    assert response.context.get("form") is None


def test_the_month_calendar_counts_weekends_too(client, group, book):
    book(group["org"], {group["projector"]: 1}, FRI, MON)
    html = client.get(
        reverse("lending:availability_calendar", args=[group["projector"].pk]),
        {"month": "2026-06"},
    ).content.decode()
    saturday = html[html.index('<span class="lending-calendar__day">13</span>') :]
    saturday = saturday[: saturday.index("</td>")]
    assert "3 / 4" in saturday  # festivals happen on weekends: the count is there
    assert "閉庁日" in saturday  # and it says pickup and return are not possible


def test_the_groups_table_keeps_each_date_on_one_line(client_for, group, book):
    book(group["org"], {group["tent"]: 1}, FRI, MON)
    html = client_for(group["rep"]).get(reverse("lending:my_reservations")).content.decode()
    assert html.count('<td class="nowrap">') == 2  # pickup and return


@pytest.mark.parametrize("types", [1, 20])
def test_the_request_form_with_free_counts_does_not_grow_with_types(
    client_for,
    frozen,
    make_org,
    make_rep,
    make_type,
    make_item,
    django_assert_max_num_queries,
    types,
):
    org = make_org()
    rep = make_rep(org)
    for i in range(types):
        make_item(make_type(name=f"備品{i}"))
    client = client_for(rep)
    client.get(reverse("lending:my_reservation_new"))  # warm the session and caches
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("lending:my_reservation_new"),
            {"start": SAT.isoformat(), "end": SUN.isoformat()},
        )
    assert response.content.decode().count("この日程の空き") == types

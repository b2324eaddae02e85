"""Stocktake (棚卸): what is expected, what a scan finds, closing with a report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from core.refusals import Refusal
from lending.models import Item, Stocktake, StocktakeLine
from lending.services import stocktake_close, stocktake_open, stocktake_scan

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

SHELF = "生活課 倉庫A"
OTHER = "本納支所 倉庫"


@pytest.fixture
def shelf(make_type, make_item):
    """Two units on the shelf at 倉庫A, one out on loan from there, one at another place."""
    projector = make_type("プロジェクター")
    return {
        "here": make_item(projector, tag_number="MB-PJ-001", storage_place=SHELF),
        "lost": make_item(projector, tag_number="MB-PJ-002", storage_place=SHELF),
        "out": make_item(
            projector, tag_number="MB-PJ-003", storage_place=SHELF, status=Item.Status.ON_LOAN
        ),
        "elsewhere": make_item(projector, tag_number="MB-PJ-004", storage_place=OTHER),
    }


def _findings(stocktake) -> dict[str, str]:
    return dict(stocktake.lines.values_list("item__tag_number", "finding"))


def test_a_stocktake_finds_a_missing_item_and_a_misplaced_one(shelf, lending_staff):
    stocktake = stocktake_open(storage_place=SHELF, by=lending_staff, now=at(TODAY))
    # Expected: what the records put on that shelf, not the unit out on loan.
    assert set(stocktake.lines.values_list("item__tag_number", flat=True)) == {
        "MB-PJ-001",
        "MB-PJ-002",
    }
    here = stocktake_scan(stocktake=stocktake, code="mb-pj-001", by=lending_staff)
    assert here.finding == StocktakeLine.Finding.PRESENT
    misplaced = stocktake_scan(
        stocktake=stocktake,
        code=f"https://x.example/t/{shelf['elsewhere'].qr_token}",
        by=lending_staff,
    )
    assert misplaced.finding == StocktakeLine.Finding.OTHER_PLACE
    on_loan = stocktake_scan(stocktake=stocktake, code=shelf["out"].qr_token, by=lending_staff)
    assert on_loan.finding == StocktakeLine.Finding.ON_LOAN

    stocktake_close(stocktake=stocktake, by=lending_staff, now=at(TODAY, 16))

    assert _findings(stocktake) == {
        "MB-PJ-001": "present",
        "MB-PJ-002": "missing",
        "MB-PJ-003": "on_loan",
        "MB-PJ-004": "other_place",
    }
    stocktake.refresh_from_db()
    assert stocktake.state == Stocktake.State.CLOSED
    for key in ("here", "lost", "out", "elsewhere"):
        shelf[key].refresh_from_db()
        assert shelf[key].next_stocktake_on == stocktake.next_stocktake_on
    # Last seen: the units scanned, never the missing one.
    assert shelf["lost"].last_seen_on is None
    assert shelf["elsewhere"].last_seen_on is not None
    closed = AuditEntry.objects.get(action="lending.stocktake.closed")
    assert closed.actor == lending_staff
    assert closed.note  # the counts per finding, in the site's language


def test_scanning_twice_counts_once(shelf, lending_staff):
    stocktake = stocktake_open(storage_place=SHELF, by=lending_staff)
    stocktake_scan(stocktake=stocktake, code="MB-PJ-001", by=lending_staff)
    again = stocktake_scan(stocktake=stocktake, code="ＭＢ－ＰＪ－００１", by=lending_staff)
    assert again.again
    assert stocktake.lines.filter(seen_at__isnull=False).count() == 1


def test_unknown_code_and_closed_stocktake_are_refused(shelf, lending_staff):
    stocktake = stocktake_open(storage_place=SHELF, by=lending_staff)
    with pytest.raises(Refusal) as refused:
        stocktake_scan(stocktake=stocktake, code="MB-XX-999", by=lending_staff)
    assert refused.value.field == "code"
    stocktake_close(stocktake=stocktake, by=lending_staff)
    with pytest.raises(Refusal):
        stocktake_scan(stocktake=stocktake, code="MB-PJ-001", by=lending_staff)
    with pytest.raises(Refusal):
        stocktake_close(stocktake=stocktake, by=lending_staff)


def test_one_stocktake_at_a_time_per_place(shelf, lending_staff):
    stocktake_open(storage_place=SHELF, by=lending_staff)
    with pytest.raises(Refusal) as refused:
        stocktake_open(storage_place=SHELF, by=lending_staff)
    assert refused.value.field == "storage_place"
    # Another place may be counted at the same time.
    assert stocktake_open(storage_place=OTHER, by=lending_staff).is_open


def test_staff_run_a_stocktake_by_typing_codes_and_get_the_report(shelf, client_for, lending_staff):
    client = client_for(lending_staff)
    page = client.get(reverse("lending:stocktake_list"))
    assert page.status_code == 200
    assert SHELF in page.content.decode()
    started = client.post(reverse("lending:stocktake_list"), {"storage_place": SHELF})
    stocktake = Stocktake.objects.get()
    assert started["Location"] == reverse("lending:stocktake_detail", args=[stocktake.pk])

    scanned = client.post(started["Location"], {"code": "MB-PJ-001"}, follow=True)
    assert "MB-PJ-001" in scanned.content.decode()
    misplaced = client.post(started["Location"], {"code": "MB-PJ-004"}, follow=True)
    assert OTHER in misplaced.content.decode()
    unknown = client.post(started["Location"], {"code": "nothing"})
    assert unknown.status_code == 200
    assert unknown.context["form"].errors["code"]
    detail = client.get(started["Location"])
    assert [line.item.tag_number for line in detail.context["not_seen"]] == ["MB-PJ-002"]

    closed = client.post(
        reverse("lending:stocktake_close", args=[stocktake.pk]),
        {"next_stocktake_on": "2027-06-10", "note": "年度末の棚卸"},
    )
    assert closed["Location"] == reverse("lending:stocktake_report", args=[stocktake.pk])
    report = client.get(closed["Location"])
    body = report.content.decode()
    assert "MB-PJ-002" in body and "data-lending-print" in body
    csv = client.get(closed["Location"] + "?_export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "MB-PJ-002" in text and "MB-PJ-004" in text


def test_stocktake_pages_are_for_lending_staff_only(
    shelf, client_for, lending_staff, dx_staff, org_rep_user
):
    stocktake = stocktake_open(storage_place=SHELF, by=lending_staff)
    urls = [
        reverse("lending:stocktake_list"),
        reverse("lending:stocktake_detail", args=[stocktake.pk]),
        reverse("lending:stocktake_report", args=[stocktake.pk]),
    ]
    for user in (dx_staff, org_rep_user):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert (
            client.post(reverse("lending:stocktake_close", args=[stocktake.pk])).status_code == 403
        )
    assert (
        client_for(lending_staff).get(reverse("lending:stocktake_detail", args=[999])).status_code
        == 404
    )


def test_stocktake_list_and_count_queries_do_not_grow_with_rows(
    make_type, make_item, client_for, lending_staff, django_assert_max_num_queries
):
    equipment_type = make_type()
    client = client_for(lending_staff)

    def fill(first: int, count: int) -> Stocktake:
        stocktake = None
        for n in range(first, first + count):
            place = f"倉庫{n:03d}"
            make_item(equipment_type, storage_place=place)
            stocktake = stocktake_open(storage_place=place, by=lending_staff)
        return stocktake

    last = fill(0, 1)
    pages = [reverse("lending:stocktake_list"), reverse("lending:stocktake_detail", args=[last.pk])]
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counts.append(len(one))
    last = fill(1, 49)
    for _n in range(49):
        make_item(equipment_type, storage_place=last.storage_place)
    big = Stocktake.objects.get(pk=last.pk)
    for item in Item.objects.filter(storage_place=big.storage_place):
        StocktakeLine.objects.get_or_create(
            stocktake=big, item=item, defaults={"expected": True, "item_place": big.storage_place}
        )
    pages = [reverse("lending:stocktake_list"), reverse("lending:stocktake_detail", args=[big.pk])]
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
    assert big.lines.count() == 50

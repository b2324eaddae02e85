"""Stocktake (棚卸) of one storage place: open, scan what is there, close with the findings.

Opening lists every item the records put on that place's shelves (not retired,
not out on loan) as expected. A scan marks an item seen, whatever its records say,
and tells what it found: present, out on loan in the records, recorded at another
place, or retired. Closing turns the expected items never seen into "missing",
and sets the next stocktake date on every item counted. An item's last-seen day
is written by the scan itself: the scan is the fact.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.refusals import Refusal
from lending.models import Item, Stocktake, StocktakeLine
from lending.selectors import item_find_by_code, normalise_code

# Items that should be on the shelf of their place during a stocktake.
SHELF_STATUSES = (
    Item.Status.AVAILABLE,
    Item.Status.AWAITING_INSPECTION,
    Item.Status.IN_REPAIR,
)
# The next stocktake, unless staff choose another day when closing.
DEFAULT_INTERVAL_DAYS = 365


def storage_places() -> list[str]:
    """Places named on items still in use, for the choice when opening a stocktake."""
    return sorted(
        set(
            Item.objects.exclude(status=Item.Status.RETIRED)
            .exclude(storage_place="")
            .values_list("storage_place", flat=True)
        )
    )


def stocktake_open(*, storage_place: str, by, now: datetime | None = None) -> Stocktake:
    """Start counting one place: the expected items are listed now (one open count per place)."""
    now = now or timezone.now()
    place = (storage_place or "").strip()
    if not place:
        raise Refusal(_("Choose the storage place to count."), field="storage_place")
    expected = list(
        Item.objects.filter(storage_place=place, status__in=SHELF_STATUSES).values_list(
            "pk", "status"
        )
    )
    if not expected and not Item.objects.filter(storage_place=place).exists():
        raise Refusal(_("No item is recorded at this place."), field="storage_place")
    try:
        with transaction.atomic():
            stocktake = Stocktake.objects.create(storage_place=place, started_by=by, started_at=now)
            StocktakeLine.objects.bulk_create(
                [
                    StocktakeLine(
                        stocktake=stocktake,
                        item_id=pk,
                        expected=True,
                        item_status=status,
                        item_place=place,
                    )
                    for pk, status in expected
                ]
            )
            audit_record(
                actor=by,
                action="lending.stocktake.started",
                target=stocktake,
                note=_("%(count)d items expected") % {"count": len(expected)},
            )
    except IntegrityError as exc:
        raise Refusal(
            _("A stocktake of this place is already in progress: continue that one."),
            field="storage_place",
        ) from exc
    return stocktake


@dataclass(frozen=True)
class ScanResult:
    """What one scan found; ``again`` is True when the item had been scanned already."""

    line: StocktakeLine
    item: Item
    finding: str
    again: bool


def _finding(stocktake: Stocktake, item: Item) -> str:
    if item.status == Item.Status.RETIRED:
        return StocktakeLine.Finding.RETIRED
    if item.status == Item.Status.ON_LOAN:
        return StocktakeLine.Finding.ON_LOAN
    if item.storage_place != stocktake.storage_place:
        return StocktakeLine.Finding.OTHER_PLACE
    return StocktakeLine.Finding.PRESENT


def stocktake_scan(
    *, stocktake: Stocktake, code: str, by, now: datetime | None = None
) -> ScanResult:
    """Mark the item a scanned code (QR URL, token or 備品番号) names as seen here.

    Scanning the same item twice changes nothing and says so.
    """
    now = now or timezone.now()
    if not normalise_code(code):
        raise Refusal(_("Scan a label or type a tag number."), field="code")
    item = item_find_by_code(code)
    if item is None:
        raise Refusal(
            _("No item has this code. Check the label or type the tag number."), field="code"
        )
    with transaction.atomic():
        locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
        if not locked.is_open:
            raise Refusal(_("This stocktake is closed."), field="code")
        line = StocktakeLine.objects.filter(stocktake=locked, item=item).first()
        if line is not None and line.seen_at is not None:
            return ScanResult(line=line, item=item, finding=line.finding, again=True)
        finding = _finding(locked, item)
        if line is None:
            line = StocktakeLine(stocktake=locked, item=item, expected=False)
        line.finding = finding
        line.item_status = item.status
        line.item_place = item.storage_place
        line.seen_at = now
        line.seen_by = by
        line.save()
        Item.objects.filter(pk=item.pk).update(last_seen_on=timezone.localdate(now))
    return ScanResult(line=line, item=item, finding=finding, again=False)


def stocktake_counts(stocktake: Stocktake) -> dict[str, int]:
    """{finding: number of lines}, every finding present (expected items not yet seen
    count as missing)."""
    counts = dict.fromkeys(StocktakeLine.Finding.values, 0)
    for row in stocktake.lines.values("finding").annotate(n=Count("pk")):
        counts[row["finding"]] = row["n"]
    return counts


def stocktake_close(
    *,
    stocktake: Stocktake,
    by,
    next_stocktake_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Stocktake:
    """Close the count: its findings are final and every item counted gets its next date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    next_on = next_stocktake_on or today + timedelta(days=DEFAULT_INTERVAL_DAYS)
    if next_on <= today:
        raise Refusal(_("The next stocktake must be after today."), field="next_stocktake_on")
    with transaction.atomic():
        locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
        if not locked.is_open:
            raise Refusal(_("This stocktake is closed already."))
        locked.state = Stocktake.State.CLOSED
        locked.closed_at = now
        locked.closed_by = by
        locked.next_stocktake_on = next_on
        locked.note = (note or "").strip()
        locked.save(update_fields=["state", "closed_at", "closed_by", "next_stocktake_on", "note"])
        Item.objects.filter(stocktake_lines__stocktake=locked).update(next_stocktake_on=next_on)
        counts = stocktake_counts(locked)
        # The note is stored text read by everyone: in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            summary = "、".join(
                f"{StocktakeLine.Finding(finding).label} {count}"
                for finding, count in counts.items()
                if count
            )
        audit_record(
            actor=by,
            action="lending.stocktake.closed",
            target=locked,
            changes={"state": [Stocktake.State.OPEN, Stocktake.State.CLOSED]},
            note=summary,
        )
    return locked

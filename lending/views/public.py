"""Public pages: which equipment is free when (no sign-in)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core import pagecache
from lending.forms import AvailabilityForm, MonthForm
from lending.models import EquipmentType, Kit
from lending.selectors import availability as availability_for
from lending.selectors import availability_cache_key, free_kits, type_calendar

KITS_SHOWN = 50


@login_not_required
def availability(request):
    """Public: for a date range, how many units of each type are free."""
    form = AvailabilityForm(request.GET or None, initial=AvailabilityForm.initial_range())
    start, end = AvailabilityForm.initial_range().values()
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = availability_for(start, end)
    # Kits (a few per city): two queries, whatever the number of kits or days.
    free = set(free_kits(start, end).values_list("pk", flat=True))
    kits = Kit.objects.filter(is_active=True, members__isnull=False).distinct()
    kit_rows = [(kit, kit.pk in free) for kit in kits.order_by("tag_number")[:KITS_SHOWN]]
    return render(
        request,
        "lending/availability.html",
        {
            "form": form,
            "rows": rows,
            "kit_rows": kit_rows,
            "start": start,
            "end": end,
            "month": start.strftime("%Y-%m"),
        },
    )


@login_not_required
def availability_calendar(request, pk: int):
    """Public: a month calendar of one type with the free units per day.

    The grid is cached (``{% cache %}``) per type, month, day and language under the
    type's version, which every write that frees or takes a unit bumps in its own
    transaction (core.pagecache); ``weeks`` is computed only when the cache misses."""
    equipment_type = get_object_or_404(EquipmentType, pk=pk, is_active=True)
    first = MonthForm(request.GET).first_day()

    def weeks() -> list[list]:
        days = type_calendar(equipment_type, first.year, first.month)
        rows, week = [], [None] * first.weekday()
        for day in days:
            week.append(day)
            if len(week) == 7:
                rows.append(week)
                week = []
        if week:
            rows.append(week + [None] * (7 - len(week)))
        return rows

    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "lending/availability_calendar.html",
        {
            "equipment_type": equipment_type,
            "first": first,
            "weeks": SimpleLazyObject(weeks),
            "weekdays": "月火水木金土日",
            "previous_month": previous_month.strftime("%Y-%m"),
            "next_month": next_month.strftime("%Y-%m"),
            # Overdue units are taken from today on: the grid also depends on the day.
            "today": timezone.localdate(),
            "cache_version": pagecache.version(availability_cache_key(equipment_type.pk)),
            "cache_seconds": pagecache.PUBLIC_CACHE_SECONDS,
        },
    )

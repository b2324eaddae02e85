"""The pages of the apps that the benchmark measures, by URL name.

Kept apart from measure.py so that adding an app's pages is one entry here.
A page whose URL name does not resolve is reported as "skipped: not built yet".
"""


def pages(Page, get, reverse_or_skip, Skip, today):  # noqa: N803 - classes passed in
    from core.roles import Role

    month = today.strftime("%Y-%m")
    return [
        Page(
            "kiosk scan",
            Role.KIOSK,
            kiosk_scan(reverse_or_skip, Skip),
            "POST of a scanned QR URL as kiosk.js sends it (the panel comes back); "
            "each scan returns a loan that is out",
            fresh_each_time=True,
            expect="返却を受け付けました",  # returned or returned late: both record a return
            headers={"X-Requested-With": "fetch"},
        ),
        Page(
            "kiosk scan (whole page without JavaScript)",
            Role.KIOSK,
            kiosk_scan(reverse_or_skip, Skip),
            "the same scan from a browser without JavaScript: the whole page comes back",
            fresh_each_time=True,
            expect="返却を受け付けました",
        ),
        Page("availability (next 7 days)", None, get("lending:availability"), "public page"),
        Page(
            "availability calendar (month)",
            None,
            first_type_calendar(reverse_or_skip, Skip, month),
            "public month calendar of one equipment type",
        ),
        Page("staff desk (生活課)", Role.LENDING_STAFF, get("lending:desk")),
        Page("KPI sheet", Role.DX_STAFF, kpi_sheet(reverse_or_skip, today)),
        Page("KPI public report", None, get("kpi:public_report")),
        Page("class analysis", Role.DX_STAFF, get("outreach:analysis")),
        Page("Wi-Fi analysis", Role.DX_STAFF, get("wifi:analysis")),
        Page("reservations list", Role.LENDING_STAFF, get("lending:reservation_list")),
        Page("items list", Role.LENDING_STAFF, get("lending:item_list")),
        Page("organisations list", Role.LENDING_STAFF, get("lending:organisation_list")),
        Page("class sessions list", Role.DX_STAFF, get("outreach:session_list")),
        Page("public classes", None, get("outreach:public_classes")),
        Page("staffing list (volunteers)", Role.DX_STAFF, get("outreach:staffing_list")),
        Page("volunteer hours", Role.DX_STAFF, get("outreach:volunteer_hours")),
        Page("Wi-Fi machines list", Role.DX_STAFF, get("wifi:machine_list")),
        Page("Wi-Fi usage list", Role.DX_STAFF, get("wifi:usage_list")),
    ]


# How many loans the kiosk targets put back out at once (see kiosk_scan), and those not
# scanned yet: one list for both kiosk pages, so that no unit is scanned twice.
KIOSK_BATCH = 100
_waiting: list[str] = []


def kiosk_scan(reverse_or_skip, Skip):  # noqa: N803
    """Each call: a loan that is out right now, scanned by its QR URL (as a scanner sends it).

    Every measured scan is a real first return, with the whole history in the database.
    The loans to scan are put back out (plain updates) a hundred at a time, outside the
    timing, and handed out one per call: putting one back out before each scan read and
    sorted the whole loan history between two timed requests, and the scan after it paid
    for that (cold caches: +20 % CPU at N=10, so the kiosk seemed to grow with the data).
    """

    def build():
        path = reverse_or_skip("lending:kiosk")
        if not _waiting:
            _waiting.extend(_loans_out(KIOSK_BATCH))
        if not _waiting:
            raise Skip("no loans in the benchmark data")
        return "POST", path, {"code": _waiting.pop()}

    return build


def _loans_out(count: int) -> list[str]:
    """QR URLs of ``count`` units out on loan now: those already out, then the latest
    returned loans of other units put back out."""
    from bench.load_scenarios import BACK_OUT
    from lending.models import Item, Loan

    out = Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True)
    busy = set(out.values_list("item_id", flat=True))
    reopen: dict[int, int] = {}  # item → its latest returned loan
    returned = (
        Loan.objects.filter(returned_at__isnull=False)
        .order_by("-returned_at", "-pk")
        .values_list("pk", "item_id")
    )
    for loan_pk, item_pk in returned[: count * 20].iterator():
        if len(busy) + len(reopen) >= count:
            break
        if item_pk not in busy and item_pk not in reopen:
            reopen[item_pk] = loan_pk
    Loan.objects.filter(pk__in=reopen.values()).update(**BACK_OUT)
    Item.objects.filter(pk__in=reopen).update(status=Item.Status.ON_LOAN)
    items = Item.objects.filter(pk__in=busy | reopen.keys()).order_by("pk")
    return [item.qr_url for item in items]


def first_type_calendar(reverse_or_skip, Skip, month: str):  # noqa: N803
    def build():
        from lending.models import EquipmentType

        kind = EquipmentType.objects.order_by("pk").first()
        if kind is None:
            raise Skip("no equipment types")
        return (
            "GET",
            reverse_or_skip("lending:availability_calendar", kind.pk) + f"?month={month}",
            {},
        )

    return build


def kpi_sheet(reverse_or_skip, today):
    def build():
        from core.fiscal import fiscal_year
        from kpi.models import PlanPeriod

        # The current year, or the plan's last year when the plan has ended.
        plan = PlanPeriod.objects.order_by("-last_fiscal_year").first()
        year = fiscal_year(today)
        if plan is not None:
            year = max(plan.first_fiscal_year, min(year, plan.last_fiscal_year))
        return "GET", reverse_or_skip("kpi:sheet", year), {}

    return build

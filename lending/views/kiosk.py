"""The return kiosk at the 生活課 counter: scan an item, the return is recorded at once.

Every screen shows the item's name only: never a borrower, a phone number or
a group's name, because whoever stands at the kiosk next can read it.
"""

import time
from functools import wraps

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.ratelimit import RateLimit
from core.refusals import Refusal
from core.roles import Role, role_required
from lending.forms import KioskScanForm
from lending.models import Item, Kit, Loan
from lending.selectors import kit_find_by_code
from lending.services import kit_return, loan_components_report, loan_return_by_code

# The parts check after a return is open to the kiosk session that made the return,
# for a while: a signed ticket in the form says so (no session write on the scan).
PARTS_TICKET_SALT = "lending.kiosk.parts"
PARTS_TICKET_SECONDS = 30 * 60


def reset_seconds() -> float:
    """Seconds an outcome stays on screen before the kiosk goes back to scanning."""
    return float(getattr(settings, "TSUNAGU_KIOSK_RESET_SECONDS", 8))


def scans_per_minute() -> int:
    return int(getattr(settings, "TSUNAGU_KIOSK_SCANS_PER_MINUTE", 60))


def server_timing(view):
    """Send the view's own time as ``Server-Timing: app;dur=…`` (ms), for the browser's tools and bench/."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        started = time.perf_counter()
        response = view(request, *args, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return response

    return wrapper


def kiosk_context(*, outcome: str = "", code: str = "", item: Item | None = None, **extra) -> dict:
    """What every kiosk screen needs; ``outcome`` picks the panel shown above the scan field."""
    seconds = reset_seconds() if outcome else 0
    if extra.get("checklist"):
        # People tick boxes slowly; any touch restarts the countdown too (kiosk.js).
        seconds = reset_seconds() * 5
    return {
        "outcome": outcome,
        "form": KioskScanForm(initial={"code": ""}),
        "code": code,
        "item": item,
        "reset_seconds": seconds,
        **extra,
    }


def _rate_limited(request) -> bool:
    """True past ``scans_per_minute`` scans in this minute for this kiosk (its user and session):
    a safety valve against a stuck scanner. It counts in Redis or in the worker's memory,
    never in the database: a scan must not pay for its own valve (issue 18)."""
    limit = RateLimit("lending.kiosk_scan", limit=scans_per_minute(), window=60, shared=False)
    identity = f"{request.user.pk}:{request.session.session_key or '-'}"
    return limit.exceeded(request, identity=identity)


def _ticket_salt(request) -> str:
    return f"{PARTS_TICKET_SALT}:{request.user.pk}:{request.session.session_key or '-'}"


def parts_ticket(request, loan: Loan) -> str:
    """A signed note that this kiosk session returned ``loan`` (carried by the parts-check form)."""
    return signing.TimestampSigner(salt=_ticket_salt(request)).sign(str(loan.pk))


def _ticket_allows(request, loan_id: int) -> bool:
    ticket = request.POST.get("ticket", "")
    try:
        value = signing.TimestampSigner(salt=_ticket_salt(request)).unsign(
            ticket, max_age=PARTS_TICKET_SECONDS
        )
    except signing.BadSignature:
        return False
    return value == str(loan_id)


def _show(request, context: dict, *, status: int = 200):
    """The kiosk screen: only the ``.kiosk`` panel for kiosk.js (which swaps just that),
    the whole page for a browser without JavaScript."""
    if request.headers.get("X-Requested-With") == "fetch":
        context = {**context, "fragment": True}
        response = render(request, "lending/kiosk/_panel.html", context, status=status)
    else:
        response = render(request, "lending/kiosk/scan.html", context, status=status)
    patch_vary_headers(response, ("X-Requested-With",))
    return response


@server_timing
@never_cache
@role_required(Role.KIOSK)
@require_http_methods(["GET", "POST"])
def kiosk(request):
    """The scan screen; a scan (POST ``code``) records the return and shows its outcome."""
    if request.method == "GET":
        if "reset" in request.GET:
            return _reset(request)
        return render(request, "lending/kiosk/scan.html", kiosk_context())
    if _rate_limited(request):
        return _show(request, kiosk_context(outcome="rate_limited"), status=429)
    form = KioskScanForm(request.POST)
    if not form.is_valid():
        context = kiosk_context(outcome="invalid")
        context["form"] = form
        return _show(request, context)
    code = form.cleaned_data["code"]
    # The unit's lookup and its return are one transaction (lending.services.loans);
    # a kit's own label is looked up only when no unit has the code.
    result = loan_return_by_code(code=code, by=request.user, via=Loan.Via.KIOSK)
    if result is None and (kit := kit_find_by_code(code)) is not None:
        return _kit_returned(request, kit)
    if result is None or result.item.is_retired:
        return _show(request, kiosk_context(outcome="unknown"))
    item = result.item
    if result.outcome == "returned":
        context = kiosk_context(
            outcome="late" if result.was_late else "returned",
            item=item,
            loan=result.loan,
            checklist=list(item.components or []),
            ticket=parts_ticket(request, result.loan),
        )
        return _show(request, context)
    outcome = "already_returned" if result.outcome == "already_returned" else "not_on_loan"
    return _show(request, kiosk_context(outcome=outcome, item=item))


def _reset(request):
    """Back to the scan screen for the next person: in Japanese, whatever the last one chose."""
    response = redirect("lending:kiosk")
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@server_timing
@never_cache
@role_required(Role.KIOSK)
@require_POST
def kiosk_components(request, loan_id: int):
    """After a return: all parts present, or which are missing (flags the loan for staff)."""
    if not _ticket_allows(request, loan_id):
        # Not a return made on this kiosk session (or long ago): nothing to change.
        return _show(request, kiosk_context(outcome="expired"))
    loan = (
        Loan.objects.select_related("item__equipment_type")
        .filter(pk=loan_id, parts_checked_at__isnull=True)
        .first()
    )
    if loan is None:
        # The parts check was answered already (the field says so): ask nothing twice.
        return _show(request, kiosk_context(outcome="expired"))
    item = loan.item
    everything_present = "all_present" in request.POST
    missing = [] if everything_present else request.POST.getlist("missing")
    if not everything_present and not missing:
        context = kiosk_context(
            outcome="returned",
            item=item,
            loan=loan,
            checklist=list(item.components or []),
            checklist_error=_("Tick the parts that are missing, or choose “Everything is here”."),
            ticket=request.POST.get("ticket", ""),
        )
        return _show(request, context)
    try:
        loan_components_report(loan=loan, missing_components=missing, by=request.user)
    except Refusal:
        # Staff got to the item first, or the form was not ours: the counter takes it from here.
        return _show(request, kiosk_context(outcome="expired"))
    outcome = "components_missing" if missing else "components_complete"
    return _show(request, kiosk_context(outcome=outcome, item=item, missing=missing))


def _kit_returned(request, kit: Kit):
    """A kit's own label was scanned: every unit still out comes back at once.

    Parts are checked by staff at inspection: the kiosk's one-loan checklist would
    ask for the same 電源ケーブル once per unit.
    """
    if kit.is_retired:
        return _show(request, kiosk_context(outcome="unknown"))
    results = kit_return(kit=kit, by=request.user, via=Loan.Via.KIOSK)
    if not results:
        outcome = (
            "already_returned"
            if Loan.objects.filter(kit=kit, returned_at__isnull=False).exists()
            else "not_on_loan"
        )
    elif any(result.was_late for result in results):
        outcome = "late"
    else:
        outcome = "returned"
    return _show(request, kiosk_context(outcome=outcome, item=kit))

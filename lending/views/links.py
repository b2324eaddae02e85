"""``/t/<token>``: what a label's QR code opens, chosen by who is looking.

The kiosk gets the return flow, 生活課 staff the item with its actions, a
group's representative the item and their own booking of it, and everyone
else (no sign-in needed) a public page without any personal data.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.audit import audit_history
from core.roles import Role, has_role
from lending.models import Item, Kit, Loan, Membership, Reservation
from lending.views.kiosk import kiosk_context, server_timing


def find_item_by_token(token: str) -> Item | None:
    """The item a QR token belongs to today; an old (re-issued) token finds nothing."""
    return Item.objects.select_related("equipment_type").filter(qr_token=token).first()


@login_not_required
@server_timing
@never_cache
def item_link(request, token: str):
    """Open an item's QR link: kiosk, staff, the borrowing group or the public each see their page."""
    item = find_item_by_token(token)
    user = request.user
    if item is None:
        kit = Kit.objects.filter(qr_token=token).first()
        return _unknown(request) if kit is None else _kit_link(request, kit, token)
    if has_role(user, Role.LENDING_STAFF):
        return _staff_page(request, item)
    if item.is_retired:
        return _unknown(request)
    if has_role(user, Role.KIOSK):
        return render(request, "lending/kiosk/scan.html", _kiosk_context(item, token))
    if has_role(user, Role.ORG_REPRESENTATIVE):
        return _representative_page(request, item)
    return render(request, "lending/links/public.html", {"item": item, **_public_links()})


def _public_links() -> dict:
    return {"availability_url": reverse("lending:availability")}


def _unknown(request):
    return render(request, "lending/links/unknown.html", status=404)


def _kiosk_context(item: Item, token: str) -> dict:
    return kiosk_context(outcome="confirm", code=token, item=item)


def _staff_actions(item: Item, loans: list[Loan]) -> list[tuple[str, str]]:
    """Links to the desk's pages for what can be done with the item now."""
    actions = []
    today = timezone.localdate()
    out = next((loan for loan in loans if loan.is_out), None)
    to_inspect = next(
        (loan for loan in loans if loan.returned_at and loan.inspected_at is None), None
    )
    to_hand_out = next(
        (
            loan
            for loan in loans
            if loan.handed_out_at is None
            and loan.reservation.state == Reservation.State.APPROVED
            and loan.reservation.can_hand_out_on(today)
        ),
        None,
    )
    if out is not None:
        actions.append(
            (_("Record the return"), reverse("lending:counter_return_item", args=[item.pk]))
        )
    if to_inspect is not None:
        actions.append((_("Inspect"), reverse("lending:loan_inspect", args=[to_inspect.pk])))
    if to_hand_out is not None and out is None:
        actions.append(
            (
                _("Hand out"),
                reverse("lending:reservation_hand_out", args=[to_hand_out.reservation_id]),
            )
        )
    actions.append((_("Item details and history"), reverse("lending:item_detail", args=[item.pk])))
    return actions


def _staff_page(request, item: Item):
    loans = list(
        Loan.objects.filter(item=item, released_at__isnull=True)
        .select_related("reservation__organisation")
        .order_by("-reservation__pickup_date", "-pk")[:20]
    )
    return render(
        request,
        "lending/links/staff.html",
        {
            "item": item,
            "loans": loans,
            "history": audit_history(item)[:30],
            "actions": _staff_actions(item, loans),
        },
    )


def _representative_page(request, item: Item):
    organisations = Membership.objects.filter(
        user=request.user, status=Membership.Status.VERIFIED
    ).values("organisation_id")
    # Only bookings of the viewer's own groups; anything else stays invisible.
    loans = (
        Loan.objects.filter(
            item=item,
            released_at__isnull=True,
            reservation__organisation__in=organisations,
        )
        .filter(
            Q(reservation__state__in=Reservation.HOLDING_STATES)
            | Q(reservation__state=Reservation.State.RETURNED)
        )
        .select_related("reservation__organisation")
        .order_by("-reservation__pickup_date")[:5]
    )
    for loan in loans:
        loan.detail_url = reverse("lending:my_reservation_detail", args=[loan.reservation_id])
    return render(
        request,
        "lending/links/representative.html",
        {"item": item, "loans": loans, **_public_links()},
    )


def _kit_link(request, kit: Kit, token: str):
    """A kit's label: staff get the kit's page, the kiosk its return, anyone else what it holds."""
    user = request.user
    if has_role(user, Role.LENDING_STAFF):
        return redirect("lending:kit_detail", pk=kit.pk)
    if kit.is_retired:
        return _unknown(request)
    if has_role(user, Role.KIOSK):
        return render(
            request,
            "lending/kiosk/scan.html",
            kiosk_context(outcome="confirm", code=token, item=kit),
        )
    return render(
        request,
        "lending/links/kit_public.html",
        {"kit": kit, "units": kit.member_items(), **_public_links()},
    )

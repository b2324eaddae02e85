"""Handing out and taking back a whole kit by scanning its own label.

Each unit goes through the same service as a unit scanned on its own
(``loan_hand_out``, ``loan_return``), so a kit changes nothing in how one loan is
recorded, audited or counted; the kit only saves scanning every unit.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.refusals import Refusal
from lending.models import Kit, Loan, Reservation
from lending.services.loans import ReturnResult, loan_hand_out, loan_return


def kit_hand_out(
    *, reservation: Reservation, kit: Kit, by, now: datetime | None = None
) -> list[Loan]:
    """Hand out every unit of ``kit`` booked on ``reservation``, all or none."""
    pending = list(
        reservation.loans.filter(kit=kit, handed_out_at__isnull=True, released_at__isnull=True)
        .select_related("item")
        .order_by("item__tag_number")
    )
    if not pending:
        if reservation.loans.filter(kit=kit, handed_out_at__isnull=False).exists():
            raise Refusal(
                _("The kit %(tag)s has already been handed out.") % {"tag": kit.tag_number},
                field="code",
            )
        raise Refusal(
            _("The kit %(tag)s is not part of this reservation.") % {"tag": kit.tag_number},
            field="code",
        )
    with transaction.atomic():
        return [
            loan_hand_out(reservation=reservation, code=loan.item.qr_token, by=by, now=now)
            for loan in pending
        ]


def kit_return(
    *,
    kit: Kit,
    by,
    via: str,
    missing: Mapping[int, Sequence[str]] | None = None,
    now: datetime | None = None,
) -> list[ReturnResult]:
    """Record the return of every unit of ``kit`` that is out; units already back are skipped.

    ``missing`` gives, by item id, the parts that did not come back (the counter's
    checklist). One return per unit (each idempotent and race-free), so scanning the
    kit and then one of its units, or two kiosks at once, still records each return once.
    """
    missing = missing or {}
    out = (
        Loan.objects.filter(kit=kit, handed_out_at__isnull=False, returned_at__isnull=True)
        .select_related("item")
        .order_by("item__tag_number")
    )
    return [
        loan_return(
            item=loan.item,
            by=by,
            via=via,
            missing_components=missing.get(loan.item_id, ()),
            now=now,
        )
        for loan in out
    ]

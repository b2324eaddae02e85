"""Writes behind the kiosk and the QR labels: component check after a return, token re-issue.

Kept apart from ``services.py`` (the desk's reservations and loans) so the two
can grow without stepping on each other; both follow the same rules: keyword-only,
one transaction, one audit entry per real change.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_history, audit_record
from lending.models import Item, Loan, new_qr_token


@dataclass(frozen=True)
class ComponentCheck:
    """What a component confirmation did: ``changed`` is False when it was already recorded."""

    loan: Loan
    missing: tuple[str, ...]
    changed: bool


def loan_components_report(
    *, loan: Loan, missing_components: Iterable[str], by, via: str = Loan.Via.KIOSK
) -> ComponentCheck:
    """Record which parts came back with a returned loan; missing parts flag it for staff.

    Runs after the return itself (the kiosk records the return first, then asks
    the person to check the parts), so it only touches returned loans that have
    not been inspected yet. Sending the same answer twice changes nothing.
    """
    missing = tuple(dict.fromkeys(part.strip() for part in missing_components if part.strip()))
    with transaction.atomic():
        locked = Loan.objects.select_for_update().select_related("item").get(pk=loan.pk)
        if locked.returned_at is None:
            raise ValidationError(_("This item has not been returned yet."))
        if locked.inspected_at is not None:
            raise ValidationError(_("Staff have already inspected this item."))
        unknown = [part for part in missing if part not in locked.item.components]
        if unknown:
            raise ValidationError(
                _("These parts are not on the item's list: %(parts)s")
                % {"parts": "、".join(unknown)}
            )
        before = list(locked.missing_components or [])
        if before == list(missing) and (missing or _components_answered(locked)):
            return ComponentCheck(loan=locked, missing=missing, changed=False)
        locked.missing_components = list(missing)
        locked.save(update_fields=["missing_components"])
        audit_record(
            actor=by,
            action="lending.loan.parts_missing" if missing else "lending.loan.parts_complete",
            target=locked,
            changes={"missing_components": [before, list(missing)]},
            note=_("Checked at the return kiosk") if via == Loan.Via.KIOSK else "",
        )
    return ComponentCheck(loan=locked, missing=missing, changed=True)


def _components_answered(loan: Loan) -> bool:
    """Whether someone already answered the parts check of ``loan`` (it leaves only an audit entry)."""
    return (
        audit_history(loan)
        .filter(action__in=["lending.loan.parts_complete", "lending.loan.parts_missing"])
        .exists()
    )


def item_token_reissue(*, item: Item, by, reason: str = "") -> Item:
    """Give ``item`` a new QR token; the old label stops working at once (lost or damaged label)."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        old = locked.qr_token
        locked.qr_token = new_qr_token()
        locked.qr_token_issued_at = timezone.now()
        locked.save(update_fields=["qr_token", "qr_token_issued_at"])
        # A prefix is enough to tell two labels apart; whole tokens stay out of the trail.
        audit_record(
            actor=by,
            action="lending.item.qr_reissued",
            target=locked,
            changes={"qr_token": [f"{old[:6]}…", f"{locked.qr_token[:6]}…"]},
            note=reason,
        )
    item.qr_token = locked.qr_token
    item.qr_token_issued_at = locked.qr_token_issued_at
    return locked

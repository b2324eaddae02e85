"""The data migration that moves "was the parts check answered?" from the audit trail to the loan."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEntry
from lending.models import Loan

from .loans import put_on_loan

pytestmark = pytest.mark.django_db

migration = importlib.import_module("lending.migrations.0004_loan_parts_checked_at_fill")


def _returned(loan: Loan, *, via: str, missing: list[str] | None = None) -> Loan:
    """A return as the old code recorded it: no parts_checked_at."""
    returned_at = timezone.now() - timedelta(days=3)
    Loan.objects.filter(pk=loan.pk).update(
        returned_at=returned_at,
        returned_via=via,
        missing_components=missing or [],
        parts_checked_at=None,
    )
    loan.refresh_from_db()
    return loan


@pytest.fixture
def loans(make_item, make_org):
    organisation = make_org()
    return [put_on_loan(make_item(), organisation) for _ in range(6)]


def test_answers_in_the_log_become_the_field_and_the_reverse_empties_it(loans, kiosk_user):
    complete, missing, answered_twice, unanswered, at_counter, still_out = loans
    for loan in (complete, missing, answered_twice, unanswered):
        _returned(loan, via=Loan.Via.KIOSK)
    _returned(missing, via=Loan.Via.KIOSK, missing=["本体"])
    _returned(answered_twice, via=Loan.Via.KIOSK, missing=["本体"])
    _returned(at_counter, via=Loan.Via.COUNTER, missing=["電源ケーブル"])
    audit_record(actor=kiosk_user, action="lending.loan.parts_complete", target=complete)
    audit_record(actor=kiosk_user, action="lending.loan.parts_missing", target=missing)
    audit_record(actor=kiosk_user, action="lending.loan.parts_complete", target=answered_twice)
    last = audit_record(
        actor=kiosk_user, action="lending.loan.parts_missing", target=answered_twice
    )
    # An unrelated entry on the unanswered loan changes nothing.
    audit_record(actor=kiosk_user, action="lending.loan.returned", target=unanswered)

    migration.fill_from_the_log(apps, None)

    def checked(loan):
        loan.refresh_from_db()
        return loan.parts_checked_at

    entry_time = {
        e.target_id: e.at
        for e in AuditEntry.objects.filter(action="lending.loan.parts_complete").order_by("at")
    }
    assert checked(complete) == entry_time[str(complete.pk)]
    assert checked(missing) is not None
    assert checked(answered_twice) == last.at
    assert checked(unanswered) is None
    assert checked(at_counter) == at_counter.returned_at
    assert checked(still_out) is None
    # The answers themselves were already fields and stay as they were.
    assert missing.missing_components == ["本体"]
    assert complete.missing_components == []

    migration.empty_the_field(apps, None)
    assert not Loan.objects.filter(parts_checked_at__isnull=False).exists()
    assert AuditEntry.objects.filter(action__startswith="lending.loan.parts_").count() == 4

"""Lending rules as data: the lead changes them with a date and a reason; reservations keep theirs."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.refusals import Refusal
from core.roles import Role
from lending.models import LendingRule, Loan, Organisation, Reservation
from lending.rules import rules_for, rules_of_reservation
from lending.services import lending_rule_change, loan_hand_out, reservation_approve

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

NEIGHBOURHOOD = Organisation.Kind.NEIGHBOURHOOD


@pytest.fixture
def lead(make_user):
    user = make_user(Role.LENDING_STAFF, full_name="生活課 係長")
    user.groups.add(Group.objects.get(name=Role.LENDING_LEAD))
    return user


def _values(**changes) -> dict:
    values = rules_for(NEIGHBOURHOOD, TODAY).values()
    values.update(changes)
    return values


def test_a_changed_rule_applies_to_new_requests_and_not_to_existing_ones(
    make_org, make_type, make_item, book, lead, lending_staff, frozen
):
    projector = make_type()
    for n in range(3):
        make_item(projector, tag_number=f"MB-PJ-10{n}")
    org = make_org()
    # Made under the city file's first values: a 14-day loan, up to 3 open reservations.
    existing = book(org, {projector: 1}, date(2026, 6, 15), date(2026, 6, 29))
    assert existing.rule is None
    lending_rule_change(
        kind=NEIGHBOURHOOD,
        values=_values(max_loan_days=7, max_open_reservations_per_group=1),
        effective_from=TODAY,
        reason="要綱改正（令和8年6月）",
        by=lead,
        today=TODAY,
    )
    # The reservation already made is untouched and goes on as booked.
    existing.refresh_from_db()
    assert (existing.pickup_date, existing.return_date, existing.state) == (
        date(2026, 6, 15),
        date(2026, 6, 29),
        Reservation.State.REQUESTED,
    )
    assert rules_of_reservation(existing).max_loan_days == 14
    reservation_approve(reservation=existing, by=lending_staff, now=at(TODAY))
    frozen(at(date(2026, 6, 15)))
    loan_hand_out(reservation=existing, code="MB-PJ-100", by=lending_staff)
    assert Loan.objects.filter(reservation=existing, handed_out_at__isnull=False).count() == 1

    # A new request follows the new rules: 7 days at most, one open reservation per group.
    frozen(at(TODAY))
    with pytest.raises(Refusal) as refused:
        book(make_org(), {projector: 1}, date(2026, 6, 22), date(2026, 7, 3))
    assert "7" in refused.value.errors["return_date"][0]
    with pytest.raises(Refusal) as refused:
        book(org, {projector: 1}, date(2026, 7, 6), date(2026, 7, 8))
    assert "1" in " ".join(refused.value.errors["__all__"])
    fresh = book(make_org(), {projector: 1}, date(2026, 7, 6), date(2026, 7, 13))
    assert fresh.rule.max_loan_days == 7
    assert rules_of_reservation(fresh).max_open_reservations_per_group == 1


def test_a_rule_from_a_later_day_leaves_requests_before_it_alone(
    make_org, make_type, make_item, book, lead
):
    projector = make_type()
    make_item(projector)
    make_item(projector)
    lending_rule_change(
        kind=NEIGHBOURHOOD,
        values=_values(max_loan_days=3),
        effective_from=date(2026, 7, 1),
        reason="7月から短縮",
        by=lead,
        today=TODAY,
    )
    assert rules_for(NEIGHBOURHOOD, TODAY).max_loan_days == 14
    assert rules_for(NEIGHBOURHOOD, date(2026, 7, 1)).max_loan_days == 3
    assert book(make_org(), {projector: 1}, date(2026, 6, 15), date(2026, 6, 26)).rule is None


def test_other_kinds_keep_their_rules_and_a_kind_may_be_barred(
    make_org, make_type, make_item, book, lead
):
    projector = make_type()
    make_item(projector)
    lending_rule_change(
        kind=Organisation.Kind.OTHER,
        values={**rules_for(Organisation.Kind.OTHER, TODAY).values(), "may_borrow": False},
        effective_from=TODAY,
        reason="その他の団体は貸出対象外とする",
        by=lead,
        today=TODAY,
    )
    assert rules_for(NEIGHBOURHOOD, TODAY).rule is None
    with pytest.raises(Refusal) as refused:
        book(
            make_org(kind=Organisation.Kind.OTHER),
            {projector: 1},
            date(2026, 6, 15),
            date(2026, 6, 16),
        )
    assert "その他" in str(refused.value)


def test_a_change_needs_a_reason_a_date_not_past_and_a_difference(lead):
    base = {"kind": NEIGHBOURHOOD, "by": lead, "today": TODAY}
    with pytest.raises(Refusal) as refused:
        lending_rule_change(
            values=_values(max_loan_days=7), effective_from=TODAY, reason=" ", **base
        )
    assert refused.value.field == "reason"
    with pytest.raises(Refusal) as refused:
        lending_rule_change(
            values=_values(max_loan_days=7), effective_from=date(2026, 6, 9), reason="x", **base
        )
    assert refused.value.field == "effective_from"
    with pytest.raises(Refusal):
        lending_rule_change(values=_values(), effective_from=TODAY, reason="同じ", **base)
    assert not LendingRule.objects.exists()


def test_only_the_lead_changes_the_rules_and_the_change_is_audited(
    client_for, lead, lending_staff, dx_staff
):
    url = reverse("lending:rule_change", args=[NEIGHBOURHOOD])
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 403
    assert client_for(dx_staff).get(reverse("lending:rules")).status_code == 403
    staff_page = client_for(lending_staff).get(reverse("lending:rules"))
    assert staff_page.status_code == 200 and url not in staff_page.content.decode()

    client = client_for(lead)
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["max_loan_days"] == 14
    data = {
        **{k: v for k, v in _values(max_loan_days=10).items() if v is not False},
        "effective_from": timezone.localdate().isoformat(),
        "reason": "窓口の混雑対策",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    rule = LendingRule.objects.get()
    assert (rule.max_loan_days, rule.created_by, rule.reason) == (10, lead, "窓口の混雑対策")
    entry = AuditEntry.objects.get(action="lending.rule.changed")
    assert entry.changes == {"max_loan_days": [14, 10]}
    assert entry.note == "窓口の混雑対策" and entry.actor == lead
    page = client.get(reverse("lending:rules")).content.decode()
    assert "窓口の混雑対策" in page
    assert client.get(reverse("lending:rule_change", args=["nobody"])).status_code == 404

"""Status changes go through the service: allowed steps only, dated, with a reason, audited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.audit import audit_history
from core.refusals import Refusal
from wifi.models import Machine, MachineStatus
from wifi.services import machine_create, machine_status_change

pytestmark = pytest.mark.django_db


def test_planned_machine_cannot_jump_to_operating(make_machine, dx_staff):
    machine = make_machine(history=[("planned", date(2025, 4, 1))])
    with pytest.raises(Refusal) as excinfo:
        machine_status_change(
            machine=machine, status=MachineStatus.OPERATING, reason="開始", by=dx_staff
        )
    message = excinfo.value.message
    assert "「計画中」の自動販売機を「運用中」にすることはできません" in message
    assert "設置済み" in message  # names the possible next steps
    machine.refresh_from_db()
    assert machine.status == MachineStatus.PLANNED
    assert machine.status_changes.count() == 1


def test_removed_machine_cannot_come_back(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 4, 1)), ("removed", date(2025, 5, 1))])
    with pytest.raises(Refusal, match="撤去済みの自動販売機の状態は変更できません"):
        machine_status_change(
            machine=machine, status=MachineStatus.OPERATING, reason="再開", by=dx_staff
        )


def test_same_status_again_is_refused(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    with pytest.raises(Refusal, match="すでに「運用中」です"):
        machine_status_change(
            machine=machine, status=MachineStatus.OPERATING, reason="確認", by=dx_staff
        )


def test_change_dated_before_the_last_step_is_refused(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 6, 1))])
    with pytest.raises(Refusal, match="令和7年6月1日"):
        machine_status_change(
            machine=machine,
            status=MachineStatus.SUSPENDED,
            reason="故障",
            by=dx_staff,
            effective_on=date(2025, 5, 31),
        )


def test_change_dated_in_the_future_is_refused(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 6, 1))])
    with pytest.raises(Refusal, match="未来の日付"):
        machine_status_change(
            machine=machine,
            status=MachineStatus.REMOVED,
            reason="撤去予定",
            by=dx_staff,
            effective_on=timezone.localdate() + timedelta(days=1),
        )


def test_change_without_reason_is_refused(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 6, 1))])
    with pytest.raises(Refusal, match="理由"):
        machine_status_change(
            machine=machine, status=MachineStatus.SUSPENDED, reason="  ", by=dx_staff
        )


def test_full_life_cycle_is_recorded_and_audited(make_facility, dx_staff):
    machine = machine_create(
        data={"code": "WV-900", "facility": make_facility(), "spot": "玄関横", "operator": "A社"},
        status=MachineStatus.PLANNED,
        effective_on=date(2025, 4, 1),
        reason="協定締結",
        by=dx_staff,
    )
    steps = [
        (MachineStatus.INSTALLED, date(2025, 4, 10)),
        (MachineStatus.OPERATING, date(2025, 4, 10)),
        (MachineStatus.SUSPENDED, date(2025, 8, 1)),
        (MachineStatus.OPERATING, date(2025, 8, 20)),
        (MachineStatus.REMOVED, date(2025, 12, 1)),
    ]
    for status, day in steps:
        machine_status_change(
            machine=machine, status=status, effective_on=day, reason="記録", by=dx_staff
        )
    machine = Machine.objects.get(pk=machine.pk)
    assert machine.status == MachineStatus.REMOVED
    assert machine.status_since == date(2025, 12, 1)
    assert list(machine.status_changes.values_list("status", flat=True)) == [
        "planned",
        "installed",
        "operating",
        "suspended",
        "operating",
        "removed",
    ]
    actions = list(audit_history(machine).values_list("action", flat=True))
    assert actions.count("wifi.machine.status_changed") == 5
    assert "wifi.machine.created" in actions
    assert audit_history(machine).first().actor == dx_staff


def test_new_machine_cannot_start_as_removed(make_facility, dx_staff):
    with pytest.raises(Refusal):
        machine_create(
            data={"code": "WV-901", "facility": make_facility(), "spot": "玄関", "operator": "A"},
            status=MachineStatus.REMOVED,
            effective_on=date(2025, 4, 1),
            reason="x",
            by=dx_staff,
        )
    assert not Machine.objects.filter(code="WV-901").exists()


def test_status_page_shows_the_refusal_in_japanese(make_machine, dx_staff, client_for):
    machine = make_machine(history=[("operating", date(2025, 4, 1)), ("removed", date(2025, 5, 1))])
    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "operating", "effective_on": "2025-06-01", "reason": "再開"},
    )
    assert response.status_code == 400
    assert "撤去済みの自動販売機の状態は変更できません" in response.content.decode()
    assert machine.status_changes.count() == 2


def test_status_page_records_an_allowed_change(make_machine, dx_staff, client_for):
    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "suspended", "effective_on": "2025-07-01", "reason": "故障のため"},
    )
    assert response.status_code == 302
    machine.refresh_from_db()
    assert machine.status == MachineStatus.SUSPENDED
    assert machine.status_changes.last().reason == "故障のため"


def test_status_form_offers_next_steps_but_explains_a_skipped_one(
    make_machine, dx_staff, client_for
):
    machine = make_machine(history=[("planned", date(2025, 4, 1))])
    client = client_for(dx_staff)
    form_page = client.get(f"/wifi/machines/{machine.pk}/status/").content.decode()
    assert 'value="installed"' in form_page
    assert 'value="operating"' not in form_page
    response = client.post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "operating", "effective_on": "2025-05-01", "reason": "開始"},
    )
    assert response.status_code == 400
    assert "「計画中」の自動販売機を「運用中」にすることはできません" in response.content.decode()


def test_a_refusal_about_one_field_is_shown_beside_it(make_machine, dx_staff, client_for):
    machine = make_machine(history=[("operating", date(2025, 6, 1))])
    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "suspended", "effective_on": "2025-05-31", "reason": "故障"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["effective_on"] == [
        "日付は最後に記録した変更（令和7年6月1日（日））と同じ日かそれより後にしてください。"
    ]
    assert not form.non_field_errors()


def test_machine_history_names_the_person_and_the_changed_fields(
    make_machine, make_facility, dx_staff, client_for
):
    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    client = client_for(dx_staff)
    client.post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "suspended", "effective_on": "2025-06-01", "reason": "故障のため"},
    )
    page = client.get(f"/wifi/machines/{machine.pk}/").content.decode()
    history = page.split('id="history-heading-audit"', 1)[1]
    assert "稼働状況の変更" in history  # the action's label
    assert "運用中 → 休止中" in history  # the status by its label, not its code
    assert "故障のため" in history
    assert dx_staff.full_name in history
    assert dx_staff.email not in history
    assert "wifi.machine.status_changed" not in history
    assert "suspended" not in history and "effective_on" not in history

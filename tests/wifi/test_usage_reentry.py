"""Entering a month twice never swaps the operator's report silently (issue 14)."""

import pytest

from core.models import AuditEntry
from wifi.models import MonthlyUsage

pytestmark = pytest.mark.django_db


def _enter(client, machine, **values):
    data = {"month": "2025-07", "connections": "812", "source": "operator_report", **values}
    return client.post(f"/wifi/machines/{machine.pk}/usage/new/", data, follow=True)


def test_a_second_entry_for_a_month_is_refused_and_says_what_is_recorded(
    make_machine, dx_staff, client_for
):
    machine = make_machine()
    client = client_for(dx_staff)
    first = _enter(client, machine)
    assert "令和7年7月の利用実績を保存しました。" in first.content.decode()
    again = _enter(client, machine, connections="700", source="estimate")
    assert again.status_code == 200
    [error] = again.context["form"].errors["month"]
    assert "令和7年7月の数値はすでに記録されています（事業者報告、接続数 812）" in error
    assert "置き換える" in error
    usage = MonthlyUsage.objects.get(machine=machine)
    assert (usage.connections, usage.source) == (812, "operator_report")
    assert not AuditEntry.objects.filter(action="wifi.usage.changed").exists()


def test_replacing_a_month_needs_the_box_ticked_and_says_what_was_replaced(
    make_machine, dx_staff, client_for
):
    machine = make_machine()
    client = client_for(dx_staff)
    _enter(client, machine)
    replaced = _enter(client, machine, connections="700", source="estimate", replace="on")
    text = replaced.content.decode()
    assert (
        "令和7年7月の利用実績を置き換えました：事業者報告、接続数 812 → 推計、接続数 700。" in text
    )
    usage = MonthlyUsage.objects.get(machine=machine)
    assert (usage.connections, usage.source) == (700, "estimate")
    assert AuditEntry.objects.filter(action="wifi.usage.changed").count() == 1


def test_status_history_names_who_recorded_a_step_never_their_address(
    make_machine, make_user, dx_staff, client_for
):
    from datetime import date

    from core.roles import Role
    from wifi.services import machine_status_change

    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    nameless = make_user(Role.DX_STAFF, email="nameless@example.jp")  # full_name = the address
    named = make_user(Role.DX_STAFF, full_name="総務 一郎")
    machine_status_change(
        machine=machine,
        status="suspended",
        effective_on=date(2025, 6, 1),
        reason="故障",
        by=nameless,
    )
    machine_status_change(
        machine=machine,
        status="operating",
        effective_on=date(2025, 7, 1),
        reason="修理済み",
        by=named,
    )
    html = client_for(dx_staff).get(f"/wifi/machines/{machine.pk}/").content.decode()
    assert "nameless@example.jp" not in html
    assert "名前が未登録のアカウント" in html and "総務 一郎" in html

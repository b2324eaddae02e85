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

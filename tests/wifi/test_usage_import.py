"""Monthly usage by CSV: all rows checked first; one bad row and nothing is written."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry
from wifi.models import MonthlyUsage
from wifi.services import UsageImportError, usage_import_csv

pytestmark = pytest.mark.django_db

HEADER = "管理番号,年月,接続数,利用者数,データ量MB,出典\n"


def _upload(client, text: str, encoding="utf-8"):
    return client.post(
        "/wifi/usage/import/",
        {"file": SimpleUploadedFile("usage.csv", text.encode(encoding), "text/csv")},
    )


def test_good_file_imports_every_row(make_machine, dx_staff, client_for):
    make_machine(code="WV-001")
    make_machine(code="WV-002")
    text = HEADER + "WV-001,2025-04,812,350,51200,事業者報告\nWV-002,2025/5,300,,,推計\n"
    response = _upload(client_for(dx_staff), text)
    assert response.status_code == 302
    first = MonthlyUsage.objects.get(machine__code="WV-001")
    assert (first.month, first.connections, first.distinct_users, first.data_mb) == (
        date(2025, 4, 1),
        812,
        350,
        51200,
    )
    assert first.source == MonthlyUsage.Source.OPERATOR_REPORT
    second = MonthlyUsage.objects.get(machine__code="WV-002")
    assert second.source == MonthlyUsage.Source.ESTIMATE
    assert second.distinct_users is None
    assert AuditEntry.objects.filter(action="wifi.usage.recorded").count() == 2


def test_one_bad_row_imports_nothing_and_says_why_in_japanese(make_machine, dx_staff, client_for):
    make_machine(code="WV-001")
    text = (
        HEADER
        + "WV-001,2025-04,812,350,,事業者報告\n"
        + "WV-001,2025-05,たくさん,,,事業者報告\n"
        + "WV-999,2025-06,10,,,推計\n"
    )
    response = _upload(client_for(dx_staff), text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "何も取り込んでいません" in page
    assert "3行目：接続数 は0以上の整数で書いてください（「たくさん」となっています）。" in page
    assert "4行目：管理番号「WV-999」の自動販売機はありません。" in page
    assert MonthlyUsage.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="wifi.usage").exists()


def test_bad_row_leaves_existing_figures_untouched(make_machine, dx_staff):
    machine = make_machine(code="WV-001")
    MonthlyUsage.objects.create(
        machine=machine, month=date(2025, 4, 1), connections=100, source="operator_report"
    )
    text = HEADER + "WV-001,2025-04,999,,,事業者報告\nWV-001,2025-05,50,80,,事業者報告\n"
    with pytest.raises(UsageImportError) as excinfo:
        usage_import_csv(content=text.encode(), by=dx_staff)
    assert excinfo.value.errors == ["3行目：利用者数（80）が接続数（50）より多くなっています。"]
    assert MonthlyUsage.objects.get().connections == 100


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("WV-001,2025-13,5,,,推計\n", "年月は 2025-04 のように書いてください"),
        ("WV-001,2025-04,5,,,メール\n", "出典は「事業者報告」か「推計」"),
        ("WV-001,2025-04,5,,\n", "列の数は6のはずですが、5あります"),
        (
            "WV-001,2025-04,5,,,推計\nWV-001,2025-04,6,,,推計\n",
            "3行目：WV-001 の 2025-04 は 2行目にもあります",
        ),
        ("WV-001,2999-04,5,,,推計\n", "まだ来ていない月"),
        ("WV-001,2025-04,,,,推計\n", "接続数を書いてください"),
    ],
)
def test_each_kind_of_bad_row_is_explained(make_machine, dx_staff, rows, expected):
    make_machine(code="WV-001")
    with pytest.raises(UsageImportError) as excinfo:
        usage_import_csv(content=(HEADER + rows).encode(), by=dx_staff)
    assert any(expected in error for error in excinfo.value.errors), excinfo.value.errors
    assert MonthlyUsage.objects.count() == 0


def test_wrong_header_is_refused(dx_staff):
    with pytest.raises(UsageImportError, match="1行目は次のとおりにしてください"):
        usage_import_csv(content=b"code,month\nWV-001,2025-04\n", by=dx_staff)


def test_excel_shift_jis_file_with_correction_updates_the_month(make_machine, dx_staff):
    machine = make_machine(code="WV-001")
    MonthlyUsage.objects.create(
        machine=machine, month=date(2025, 4, 1), connections=100, source="estimate"
    )
    text = HEADER + "WV-001,2025-04,120,60,,事業者報告\n"
    result = usage_import_csv(content=text.encode("cp932"), by=dx_staff)
    assert (result.created, result.updated) == (0, 1)
    usage = MonthlyUsage.objects.get()
    assert (usage.connections, usage.source) == (120, "operator_report")
    assert AuditEntry.objects.filter(action="wifi.usage.changed").exists()


def test_only_dx_staff_may_import(make_machine, lending_staff, client_for):
    make_machine(code="WV-001")
    response = _upload(client_for(lending_staff), HEADER + "WV-001,2025-04,5,,,推計\n")
    assert response.status_code == 403
    assert MonthlyUsage.objects.count() == 0


def test_form_entry_records_one_month(make_machine, dx_staff, client_for):
    machine = make_machine()
    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/usage/new/",
        {"month": "2025-07", "connections": "420", "distinct_users": "200", "source": "estimate"},
    )
    assert response.status_code == 302
    usage = MonthlyUsage.objects.get(machine=machine)
    assert (usage.month, usage.connections) == (date(2025, 7, 1), 420)


def test_form_refuses_more_users_than_connections(make_machine, dx_staff, client_for):
    machine = make_machine()
    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/usage/new/",
        {"month": "2025-07", "connections": "10", "distinct_users": "20", "source": "estimate"},
    )
    assert response.status_code == 200
    assert "利用者数は接続数より多くできません。" in response.content.decode()
    assert not MonthlyUsage.objects.exists()

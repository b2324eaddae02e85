"""Monthly usage by CSV: all rows checked first; one bad row and nothing is written."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry
from core.refusals import Refusal
from wifi.models import MonthlyUsage
from wifi.services import usage_import_csv

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
    assert "3行目「接続数」：0以上の整数で書いてください（「たくさん」となっています）。" in page
    assert "4行目「管理番号」：管理番号「WV-999」の自動販売機はありません。" in page
    assert MonthlyUsage.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="wifi.usage").exists()


def test_bad_row_leaves_existing_figures_untouched(make_machine, dx_staff):
    machine = make_machine(code="WV-001")
    MonthlyUsage.objects.create(
        machine=machine, month=date(2025, 4, 1), connections=100, source="operator_report"
    )
    text = HEADER + "WV-001,2025-04,999,,,事業者報告\nWV-001,2025-05,50,80,,事業者報告\n"
    with pytest.raises(Refusal) as excinfo:
        usage_import_csv(content=text.encode(), by=dx_staff)
    assert excinfo.value.errors[None][1:] == [
        "3行目「利用者数」：利用者数（80）が接続数（50）より多くなっています。"
    ]
    assert MonthlyUsage.objects.get().connections == 100


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("WV-001,2025-13,5,,,推計\n", "2行目「年月」：年月は 2025-04 のように書いてください"),
        ("WV-001,2025-04,5,,,メール\n", "2行目「出典」：出典は「事業者報告」か「推計」"),
        ("WV-001,2025-04,5,,\n", "2行目「出典」：この列は空にできません"),
        ("WV-001,2025-04,5,,,推計,余分\n", "2行目：この行は見出しより列が多くなっています"),
        (
            "WV-001,2025-04,5,,,推計\nWV-001,2025/4,6,,,推計\n",
            "3行目：WV-001 2025-04 は2行目にもあります",
        ),
        ("WV-001,2999-04,5,,,推計\n", "2行目「年月」：2999-04 はまだ来ていない月です"),
        ("WV-001,2025-04,,,,推計\n", "2行目「接続数」：この列は空にできません"),
        ('WV-001,2025-04,"1,000",-3,,推計\n', "2行目「利用者数」：0以上の整数で書いてください"),
        ("", "ファイルが空です"),
        ("\n\n", "見出しの行しかありません"),
    ],
)
def test_each_kind_of_bad_row_is_explained(make_machine, dx_staff, rows, expected):
    make_machine(code="WV-001")
    content = (HEADER + rows).encode() if rows else b""
    with pytest.raises(Refusal) as excinfo:
        usage_import_csv(content=content, by=dx_staff)
    errors = excinfo.value.errors[None]
    assert errors[0] == "何も取り込んでいません。次の行を直してください："
    assert any(expected in error for error in errors), errors
    assert MonthlyUsage.objects.count() == 0


def test_wrong_header_is_refused(dx_staff):
    with pytest.raises(Refusal) as excinfo:
        usage_import_csv(content=b"code,month\nWV-001,2025-04\n", by=dx_staff)
    assert excinfo.value.errors[None][1:] == [
        "1行目：必要な列がありません：管理番号、年月、接続数、出典",
        "1行目：使えない列があります：code、month",
    ]


def test_columns_may_come_in_any_order_and_the_optional_ones_may_be_left_out(
    make_machine, dx_staff
):
    make_machine(code="WV-001")
    text = '出典,年月,管理番号,接続数\n推計,2025-04,WV-001,"1,200"\n'
    result = usage_import_csv(content=("\ufeff" + text).encode(), by=dx_staff)
    assert (result.created, result.updated) == (1, 0)
    usage = MonthlyUsage.objects.get()
    assert (usage.connections, usage.distinct_users, usage.source) == (1200, None, "estimate")
    assert usage.note == "CSVから取り込み"


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

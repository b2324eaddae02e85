"""The 受付名簿 and the applicants' export: 総務課 only, every print and export audited,
the export opens in Excel, and the list costs the same queries for 1 or 50 people."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from outreach.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(make_session, make_application):
    session = make_session(title="はじめてのLINE", capacity=3)
    make_application(session, name="佐々木 幸子", name_kana="ささき さちこ", phone="0475-22-4411")
    make_application(session, name="=HYPERLINK(1)", email="x@example.jp")
    make_application(session, name="東郷 次郎", status=Application.Status.WAITLISTED)
    make_application(session, name="取消 太郎", status=Application.Status.CANCELLED)
    return session


def _urls(session):
    return [
        reverse("outreach:session_roster", args=[session.pk]),
        reverse("outreach:applicants_export", args=[session.pk, "csv"]),
        reverse("outreach:applicants_export", args=[session.pk, "xlsx"]),
    ]


def test_only_dx_staff_print_or_export_and_nobody_else_leaves_an_entry(
    client, client_for, lending_staff, volunteer_user, session
):
    for url in _urls(session):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert client_for(lending_staff).get(url).status_code == 403
        assert client_for(volunteer_user).get(url).status_code == 403
    assert not AuditEntry.objects.filter(
        action__in=["outreach.roster.printed", "outreach.applicants.exported"]
    ).exists()


def test_the_reception_list_has_who_comes_the_waiting_list_and_walk_in_lines(
    client_for, dx_staff, session
):
    response = client_for(dx_staff).get(reverse("outreach:session_roster", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "受付名簿" in body and "ささき さちこ" in body and "0475-22-4411" in body
    assert "東郷 次郎" in body  # on the waiting list part
    assert "取消 太郎" not in body
    assert body.count("□") == 2 * 2  # 出席 and 欠席 boxes for the two with a place
    assert "当日参加" in body
    entry = AuditEntry.objects.get(action="outreach.roster.printed")
    assert entry.actor == dx_staff and entry.target_id == str(session.pk)
    assert entry.changes == {"people": 3}


def test_the_csv_export_opens_in_excel_and_is_audited(client_for, dx_staff, session):
    response = client_for(dx_staff).get(
        reverse("outreach:applicants_export", args=[session.pk, "csv"])
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff受付番号,状態,氏名,ふりがな,電話番号,メールアドレス")
    assert "'=HYPERLINK(1)" in content  # never a formula in Excel
    assert content.count("\r\n") == 5  # header + every application, cancelled ones too
    entry = AuditEntry.objects.get(action="outreach.applicants.exported")
    assert entry.changes == {"rows": 4, "format": "csv"}


def test_the_xlsx_export_is_audited(client_for, dx_staff, session):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(dx_staff).get(
        reverse("outreach:applicants_export", args=[session.pk, "xlsx"])
    )
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["C2"].value in {"佐々木 幸子", "'=HYPERLINK(1)", "東郷 次郎", "取消 太郎"}
    assert sheet.max_row == 5
    assert AuditEntry.objects.filter(
        action="outreach.applicants.exported", changes__format="xlsx"
    ).exists()


def test_an_unknown_format_is_not_found(client_for, dx_staff, session):
    url = reverse("outreach:applicants_export", args=[session.pk, "pdf"])
    assert client_for(dx_staff).get(url).status_code == 404


@pytest.mark.parametrize("people", [1, 50])
def test_the_reception_list_costs_the_same_queries_for_1_or_50(
    client_for, dx_staff, make_session, make_application, django_assert_max_num_queries, people
):
    session = make_session(capacity=60)
    for _n in range(people):
        make_application(session)
    client = client_for(dx_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("outreach:session_roster", args=[session.pk])).status_code == 200

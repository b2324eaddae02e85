"""Staff pages: who may open them, what they do, and how many queries they cost."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.audit import audit_history
from core.figures import KPI_CACHE
from core.pagecache import bump
from kpi.models import Incident, KpiComment, ManualValue, YearClosing

from .conftest import at, board_reviewed, make_member

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("kpi:sheet_index", {}),
    ("kpi:dashboard", {}),
    ("kpi:sheet", {"fiscal_year": 2025}),
    ("kpi:sheet_print", {"fiscal_year": 2025}),
    ("kpi:sheet_xlsx", {"fiscal_year": 2025}),
    ("kpi:year_close", {"fiscal_year": 2025}),
    ("kpi:comment_edit", {"fiscal_year": 2025, "code": "joined"}),
    ("kpi:facts", {"fiscal_year": 2025, "code": "joined", "year": 2025}),
    ("kpi:manual_edit", {"fiscal_year": 2025, "code": "joined", "year": 2023}),
    ("kpi:kpi_list", {}),
    ("kpi:incident_list", {}),
    ("kpi:incident_create", {}),
    ("kpi:incident_analysis", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_need_a_signed_in_dx_staff_member(
    name, kwargs, facts, client, client_for, dx_staff, lending_staff, volunteer_user
):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(volunteer_user).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code in (200, 302)


def test_object_pages_need_dx_staff_and_404_for_unknown_objects(
    facts, client_for, dx_staff, volunteer_user
):
    incident = Incident.objects.first()
    kpi = facts["joined"]
    for url in (
        reverse("kpi:incident_edit", args=[incident.pk]),
        reverse("kpi:kpi_edit", args=[kpi.pk]),
    ):
        assert client_for(volunteer_user).get(url).status_code == 403
        assert client_for(dx_staff).get(url).status_code == 200
    staff = client_for(dx_staff)
    assert staff.get(reverse("kpi:incident_edit", args=[999999])).status_code == 404
    assert staff.get(reverse("kpi:facts", args=[2025, "nope", 2025])).status_code == 404
    assert staff.get(reverse("kpi:facts", args=[2024, "joined", 2025])).status_code == 404
    assert staff.get(reverse("kpi:sheet", args=[2019])).status_code == 404
    # no typing in a value the records already give
    assert staff.get(reverse("kpi:manual_edit", args=[2025, "joined", 2024])).status_code == 404


def test_sheet_page_shows_values_with_links_to_their_rows(facts, client_for, dx_staff):
    response = client_for(dx_staff).get(reverse("kpi:sheet", args=[2025]))
    html = response.content.decode()
    assert "令和7年度" in html and "令和3年度" in html
    assert reverse("kpi:facts", args=[2025, "joined", 2025]) in html
    assert "暫定" in html
    assert "50.0%" in html and "88.3%" in html and "80.0%" in html
    assert "手入力" in html  # the training KPI contains typed-in years
    facts_page = client_for(dx_staff).get(reverse("kpi:facts", args=[2025, "joined", 2025]))
    body = facts_page.content.decode()
    # the rows: one line per month, 2025-06 had 17
    assert "2025-06" in body and "<td>17</td>" in body


def test_cumulative_drill_down_lists_each_year(facts, client_for, dx_staff):
    body = (
        client_for(dx_staff)
        .get(reverse("kpi:facts", args=[2025, "training", 2025]))
        .content.decode()
    )
    for label in ("令和3年度", "令和4年度", "令和5年度", "令和6年度", "令和7年度"):
        assert label in body
    assert "136" in body


def test_sheet_page_query_count_does_not_grow_with_the_facts(
    facts, client_for, dx_staff, django_assert_max_num_queries
):
    client = client_for(dx_staff)
    client.get(reverse("kpi:sheet", args=[2025]))  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bump(KPI_CACHE)  # both requests measured are cache misses (make_member bumps)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("kpi:sheet", args=[2025])).status_code == 200
    for n in range(50):
        make_member(at(2025, 7, 1 + n % 28), 500 + n)
        Incident.objects.create(
            occurred_on=at(2025, 8, 1).date(), severity="serious", summary=f"s{n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("kpi:sheet", args=[2025])).status_code == 200


def test_comment_form_saves_and_audits(facts, client_for, dx_staff):
    url = reverse("kpi:comment_edit", args=[2025, "joined"])
    response = client_for(dx_staff).post(
        url, {"analysis": "周知が進んだ", "outlook": "地区を広げる"}
    )
    assert response.status_code == 302
    comment = KpiComment.objects.get(kpi=facts["joined"], fiscal_year=2025)
    assert (comment.analysis, comment.updated_by) == ("周知が進んだ", dx_staff)
    assert audit_history(comment).first().action == "kpi.comment.saved"


def test_manual_form_saves_a_value_and_bad_input_gets_a_message(facts, client_for, dx_staff):
    url = reverse("kpi:manual_edit", args=[2025, "joined", 2023])
    client = client_for(dx_staff)
    bad = client.post(url, {"value": "-3", "note": ""})
    assert bad.status_code == 200
    assert not ManualValue.objects.filter(kpi=facts["joined"], fiscal_year=2023).exists()
    assert client.post(url, {"value": "14", "note": "紙の台帳"}).status_code == 302
    assert ManualValue.objects.get(kpi=facts["joined"], fiscal_year=2023).value == Decimal(14)


def test_incident_register_records_and_updates_with_audit(engine_period, client_for, dx_staff):
    client = client_for(dx_staff)
    response = client.post(
        reverse("kpi:incident_create"),
        {
            "occurred_on": "2025-05-10",
            "severity": "serious",
            "category": "loss",
            "cause": "human_error",
            "summary": "USBメモリ紛失",
            "response": "",
            "resolved_on": "",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(summary="USBメモリ紛失")
    assert incident.recorded_by == dx_staff and incident.is_open
    bad = client.post(
        reverse("kpi:incident_edit", args=[incident.pk]),
        {
            "occurred_on": "2025-05-10",
            "severity": "serious",
            "category": "loss",
            "cause": "human_error",
            "summary": "USBメモリ紛失",
            "response": "発見",
            "resolved_on": "2025-05-01",
        },
    )
    assert bad.status_code == 200  # resolved before it happened
    client.post(
        reverse("kpi:incident_edit", args=[incident.pk]),
        {
            "occurred_on": "2025-05-10",
            "severity": "serious",
            "category": "loss",
            "cause": "human_error",
            "summary": "USBメモリ紛失",
            "response": "発見",
            "resolved_on": "2025-05-12",
        },
    )
    incident.refresh_from_db()
    assert incident.resolved_on.isoformat() == "2025-05-12"
    assert (incident.category, incident.cause) == ("loss", "human_error")
    assert [e.action for e in audit_history(incident)] == [
        "kpi.incident.changed",
        "kpi.incident.recorded",
    ]
    assert "USBメモリ紛失" in client.get(reverse("kpi:incident_list")).content.decode()


def test_kpi_edit_page_saves_definition_and_intermediate_target(facts, client_for, dx_staff):
    kpi = facts["joined"]
    client = client_for(dx_staff)
    page = client.get(reverse("kpi:kpi_edit", args=[kpi.pk]))
    form = page.context["form"]
    data = {
        f"kpi-{name}": ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update({"kpi-target_value": "35", "save_kpi": "1"})
    assert client.post(reverse("kpi:kpi_edit", args=[kpi.pk]), data).status_code == 302
    kpi.refresh_from_db()
    assert kpi.target_value == 35
    assert audit_history(kpi).first().changes == {"target_value": ["30.00", "35"]}
    client.post(
        reverse("kpi:kpi_edit", args=[kpi.pk]),
        {"target-fiscal_year": "2024", "target-value": "12", "save_target": "1"},
    )
    assert kpi.year_targets.get().value == 12
    # The history reads like the sheet: labels and names, never codes, keys or addresses.
    page = client.get(reverse("kpi:kpi_edit", args=[kpi.pk])).content.decode()
    history = page.split('id="history-heading-main"', 1)[1]
    assert "指標の変更" in history and "目標値：30.00 → 35" in history
    assert "年度目標の設定" in history and "中間目標：― → 12" in history
    assert "令和6年度" in history
    assert dx_staff.full_name in history and dx_staff.email not in history
    for raw in ("target_value", "kpi.definition.changed", "kpi.target.set"):
        assert raw not in history


def test_kpi_history_shows_choices_by_their_label(facts, client_for, dx_staff):
    from kpi import services

    kpi = facts["joined"]
    services.kpi_update(kpi=kpi, changes={"aggregation": "cumulative"}, by=dx_staff)
    page = client_for(dx_staff).get(reverse("kpi:kpi_edit", args=[kpi.pk])).content.decode()
    history = page.split('id="history-heading-main"', 1)[1]
    assert "年度ごと → 基準年度からの累計（延べ）" in history, history
    assert "per_year" not in history


def test_a_refused_change_is_shown_on_the_form(texts, facts, client_for, dx_staff):
    from kpi import services

    board_reviewed(2025, dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    response = client_for(dx_staff).post(
        reverse("kpi:comment_edit", args=[2025, "joined"]),
        {"analysis": "新しい分析", "outlook": "新しい方向性"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "この年度は締めています。シートを変えるには、先に再開してください。"
    ]
    assert (
        "新しい分析" not in KpiComment.objects.get(kpi=facts["joined"], fiscal_year=2025).analysis
    )


def test_a_rule_of_the_records_reads_as_a_sentence_not_a_constraint_name(
    facts, client_for, dx_staff
):
    response = client_for(dx_staff).post(
        reverse("kpi:manual_edit", args=[2025, "training", 2023]),
        {"value": "-5", "note": "集計表"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["値はマイナスにできません。"]
    assert "kpi_manualvalue_not_negative" not in response.content.decode()
    assert not ManualValue.objects.filter(fiscal_year=2023, value=-5).exists()


def test_close_and_reopen_through_the_pages(texts, facts, client_for, dx_staff):
    client = client_for(dx_staff)
    board_reviewed(2025, dx_staff)
    assert client.post(reverse("kpi:year_close", args=[2025])).status_code == 302
    assert YearClosing.objects.filter(fiscal_year=2025, reopened_at__isnull=True).exists()
    page = client.get(reverse("kpi:sheet", args=[2025])).content.decode()
    assert "総務課 職員" in page  # who closed it, for staff only
    make_member(at(2025, 5, 5), 990)
    page = client.get(reverse("kpi:sheet", args=[2025])).content.decode()
    assert "現在の集計 21（差 1）" in page
    assert client.post(reverse("kpi:year_reopen", args=[2025]), {"reason": ""}).status_code == 200
    assert (
        client.post(reverse("kpi:year_reopen", args=[2025]), {"reason": "訂正"}).status_code == 302
    )
    assert not YearClosing.objects.filter(reopened_at__isnull=True).exists()


def test_closing_with_missing_texts_shows_what_is_missing(facts, client_for, dx_staff):
    client = client_for(dx_staff)
    response = client.post(reverse("kpi:year_close", args=[2025]), follow=True)
    assert "要因分析" in response.content.decode() or "分析" in response.content.decode()
    assert not YearClosing.objects.exists()


def test_dashboard_shows_risk_and_needed_input(facts, client_for, dx_staff, monkeypatch):
    from django.utils import timezone

    # 1 October 2025 is day 184 of the 365 days of FY2025.
    monkeypatch.setattr(timezone, "now", lambda: at(2025, 10, 1))
    Incident.objects.create(
        occurred_on=at(2025, 9, 30).date(), severity="minor", summary="未解決の件"
    )
    response = client_for(dx_staff).get(reverse("kpi:dashboard"))
    html = response.content.decode()
    rows = {row["code"]: row for row in response.context["sheet"]["rows"]}
    # 20 joined in FY2025; an even pace to 30 needs 30 × 184 / 365 = 15.12 → 15.1 by now
    assert rows["joined"]["value"] == 20 and rows["joined"]["at_risk"] is False
    assert rows["joined"]["expected"] == Decimal("15.1")
    assert response.context["progress_percent"] == Decimal("50")  # 184 / 365 = 50.4%
    # members: year-end state 21 so far against 40 → at risk
    assert rows["members"]["at_risk"] is True
    assert rows["incidents"]["at_risk"] is False
    assert "未解決の件" not in html  # summaries stay in the register; the date links there
    # the three incidents of the fixture have no resolution date either
    assert response.context["open_incidents"].count() == 4
    assert len(response.context["needs_comment"]) == 5
    assert any(value["fiscal_year"] == 2022 for _row, value in response.context["needs_value"])


@pytest.mark.parametrize("count", [1, 50])
def test_incident_list_query_count_does_not_grow(
    count, engine_period, client_for, dx_staff, django_assert_max_num_queries
):
    for n in range(count):
        Incident.objects.create(
            occurred_on=at(2025, 5, 1).date(),
            severity="minor",
            summary=f"件{n}",
            recorded_by=dx_staff,
        )
    client = client_for(dx_staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("kpi:incident_list")).status_code == 200


def test_public_report_query_count_does_not_grow_with_the_facts(
    facts, client, django_assert_max_num_queries, fy2025_running
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/kpi/2025/").status_code == 200
    for n in range(50):
        make_member(at(2025, 7, 1 + n % 28), 700 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/kpi/2025/").status_code == 200


def test_dashboard_after_the_plan_ends_points_to_the_version_up(
    facts, client_for, dx_staff, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(2026, 5, 1))
    response = client_for(dx_staff).get(reverse("kpi:dashboard"))
    assert response.context["fiscal_year"] == 2025  # the plan's last year, under review
    assert response.context["no_current_period"] is True
    assert "令和8年度を含む計画期間がまだない" in response.content.decode()
    # the current year's provisional sheet is one link away and answers
    assert reverse("kpi:sheet", args=[2026]) in response.content.decode()
    sheet_2026 = client_for(dx_staff).get(reverse("kpi:sheet", args=[2026]))
    assert sheet_2026.status_code == 200
    assert sheet_2026.context["sheet"]["targets_set"] is False


def test_incident_analysis_counts_by_fiscal_year_kind_and_cause(
    engine_period, client_for, dx_staff, django_assert_max_num_queries
):
    from kpi import services as kpi_services
    from kpi.selectors import incident_analysis

    def record(day, severity, category, cause):
        kpi_services.incident_record(
            by=dx_staff,
            occurred_on=date.fromisoformat(day),
            severity=severity,
            category=category,
            cause=cause,
            summary="記録",
        )

    record("2024-04-01", "minor", "misdelivery", "human_error")  # FY2024
    record("2025-03-31", "serious", "misdelivery", "human_error")  # FY2024, last day
    record("2025-04-01", "minor", "misdelivery", "procedure")  # FY2025, first day
    record("2025-09-01", "minor", "malware", "attack")
    record("2026-03-31", "serious", "loss", "human_error")  # FY2025

    with django_assert_max_num_queries(1):
        analysis = incident_analysis(first_year=2024, last_year=2025)
    by_category = {row["label"]: row["counts"] for row in analysis.by_category.rows}
    assert by_category == {
        "メール・書類の誤送付": [2, 1],
        "機器・書類の紛失・盗難": [0, 1],
        "マルウェア感染・不審メールの開封": [0, 1],
    }
    by_cause = {row["label"]: row["counts"] for row in analysis.by_cause.rows}
    assert by_cause["人為的なミス（ルール違反・見落とし）"] == [2, 1]
    assert analysis.by_cause.totals == analysis.by_category.totals == [2, 3]
    assert analysis.serious_by_year == [1, 1]

    page = client_for(dx_staff).get(reverse("kpi:incident_analysis"), {"first": 2024, "last": 2025})
    assert page.status_code == 200
    assert page.context["analysis"].by_category.years == [2024, 2025]


@pytest.mark.django_db
def test_closed_sheet_names_who_closed_it_never_their_address(
    texts, facts, client_for, dx_staff, make_user
):
    """Issue 14: histories and 'closed by' lines show a name, not the e-mail address
    ``get_full_name`` falls back to."""
    from core.roles import Role
    from kpi import services
    from tests.kpi.conftest import board_reviewed

    nameless = make_user(Role.DX_STAFF, email="closer@example.jp")  # full_name = the address
    board_reviewed(2025, dx_staff)  # a year is confirmed after the DX board's step
    services.year_close(fiscal_year=2025, by=nameless)
    html = client_for(dx_staff).get(reverse("kpi:sheet", args=[2025])).content.decode()
    assert "closer@example.jp" not in html
    assert "名前が未登録のアカウント" in html

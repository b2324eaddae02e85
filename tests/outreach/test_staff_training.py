"""Security training per person: the staff list from the personnel list (CSV), attendance
by employee number, and who has not attended, across the 31 March / 1 April edge."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.audit import AuditEntry
from core.imports import run_import
from core.refusals import Refusal
from outreach import selectors, services
from outreach.imports import STAFF_LIST
from outreach.models import Attendance, ClassSession, Course, Section, StaffMember
from outreach.selectors import kpi_staff_security_training_attendees

from .conftest import jst

pytestmark = pytest.mark.django_db

PERSONNEL = (
    "職員番号,氏名,氏名カナ,所属\n"
    "000101,茂原 一郎,モバラ イチロウ,総務課\n"
    "000102,本納 花子,ホンノウ ハナコ,総務課\n"
    "000201,豊田 次郎,トヨダ ジロウ,生活課\n"
    "000202,二宮 三郎,ニノミヤ サブロウ,生活課\n"
)


def _import(text: str, by, **kwargs):
    return run_import(STAFF_LIST, data=text.encode("utf-8-sig"), by=by, **kwargs)


@pytest.fixture
def staff(dx_staff):
    result = _import(PERSONNEL, dx_staff)
    assert result.ok and result.saved == 4
    return {m.employee_number: m for m in StaffMember.objects.all()}


@pytest.fixture
def training(db, make_course):
    return make_course(
        code="security",
        name="情報セキュリティ研修",
        category=Course.Category.SECURITY_TRAINING,
        audience=Course.Audience.STAFF,
    )


@pytest.fixture
def held(make_session, training, dx_staff):
    """held(starts_at, *members, walk_ins=0) → a training session with staff recorded."""

    def _held(starts_at, *members, walk_ins=0):
        session = make_session(course=training, starts_at=starts_at, capacity=40)
        for member in members:
            services.attendance_add_staff(session=session, staff_member=member, by=dx_staff)
        for _n in range(walk_ins):
            services.attendance_add_walk_in(session=session, by=dx_staff)
        return session

    return _held


def _numbers(queryset) -> list[str]:
    return [m.employee_number for m in queryset]


def test_import_adds_sections_and_staff_and_audits_each(staff):
    assert set(Section.objects.values_list("name", flat=True)) == {"総務課", "生活課"}
    assert staff["000201"].section.name == "生活課" and staff["000201"].name_kana == "トヨダ ジロウ"
    assert AuditEntry.objects.filter(action="outreach.staff_member.imported").count() == 4


def test_reimport_moves_sections_and_keeps_leavers_inactive(staff, dx_staff):
    result = _import(
        "職員番号,氏名,氏名カナ,所属\n"
        "000101,茂原 一郎,モバラ イチロウ,生活課\n"  # moved
        "000102,本納 花子,ホンノウ ハナコ,総務課\n"  # unchanged
        "000201,豊田 次郎,トヨダ ジロウ,生活課\n",  # 000202 has left
        dx_staff,
    )
    assert result.ok and result.saved == 2
    assert StaffMember.objects.get(employee_number="000101").section.name == "生活課"
    assert StaffMember.objects.get(employee_number="000202").is_active is False
    assert AuditEntry.objects.filter(action="outreach.staff_member.deactivated").count() == 1


def test_a_bad_line_imports_nothing_and_says_where(dx_staff):
    result = _import(
        "職員番号,氏名,氏名カナ,所属\n000101,茂原 一郎,,総務課\n000101,重複 太郎,,総務課\n,名無し,,総務課\n",
        dx_staff,
    )
    assert not result.ok
    assert {(e.line, e.column) for e in result.errors} == {(3, "職員番号"), (4, "職員番号")}
    assert not StaffMember.objects.exists() and not Section.objects.exists()


def test_untrained_list_is_right_across_the_fiscal_year_edge(staff, held):
    ichiro, hanako, jiro, saburo = (staff[n] for n in ("000101", "000102", "000201", "000202"))
    held(jst(2025, 6, 2, 15), jiro)  # FY2025
    held(jst(2026, 3, 31, 23, 30), ichiro, walk_ins=2)  # last half hour of FY2025
    held(jst(2026, 4, 1, 0, 0), hanako)  # first minute of FY2026

    assert _numbers(selectors.untrained_staff(fiscal_year=2025)) == ["000102", "000202"]
    assert _numbers(selectors.untrained_staff(fiscal_year=2026)) == ["000101", "000201", "000202"]
    # in the last two fiscal years, only 二宮 has never attended
    assert _numbers(selectors.untrained_staff(fiscal_year=2026, years=2)) == ["000202"]
    by_section = {
        row.section.name: (row.staff, row.trained, row.untrained)
        for row in selectors.training_by_section(fiscal_year=2025)
    }
    assert by_section == {"総務課": (2, 1, 1), "生活課": (2, 1, 1)}
    # The KPI stays 延べ: the walk-ins count, the named staff count, by the session's year.
    assert kpi_staff_security_training_attendees(2025).value == 4
    assert kpi_staff_security_training_attendees(2026).value == 1
    assert saburo.is_active


def test_leavers_drop_off_the_untrained_list_but_their_attendance_still_counts(
    staff, held, dx_staff
):
    held(jst(2025, 6, 2, 15), staff["000202"])
    _import(PERSONNEL.replace("000202,二宮 三郎,ニノミヤ サブロウ,生活課\n", ""), dx_staff)
    assert "000202" not in _numbers(selectors.untrained_staff(fiscal_year=2026))
    assert kpi_staff_security_training_attendees(2025).value == 1


def test_staff_attendance_is_refused_twice_and_for_resident_classes(
    staff, held, make_session, dx_staff
):
    session = held(jst(2025, 6, 2, 15), staff["000101"])
    with pytest.raises(Refusal):
        services.attendance_add_staff(session=session, staff_member=staff["000101"], by=dx_staff)
    residents = make_session(starts_at=jst(2025, 6, 3, 10))
    with pytest.raises(Refusal):
        services.attendance_add_staff(session=residents, staff_member=staff["000102"], by=dx_staff)
    assert Attendance.objects.filter(staff_member=staff["000101"]).count() == 1
    assert AuditEntry.objects.filter(action="outreach.attendance.staff_added").count() == 1
    session.refresh_from_db()
    assert session.status == ClassSession.Status.HELD


# --- Pages --------------------------------------------------------------------------

PAGES = ["outreach:staff_list", "outreach:staff_import", "outreach:untrained_staff"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_pages_are_for_dx_staff_only(name, client, client_for, lending_staff, dx_staff):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → sign in
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 200


def test_staff_attendance_page_adds_by_employee_number(
    staff, held, client_for, dx_staff, lending_staff
):
    session = held(jst(2025, 6, 2, 15), walk_ins=1)
    url = reverse("outreach:staff_attendance", args=[session.pk])
    assert client_for(lending_staff).get(url).status_code == 403
    client = client_for(dx_staff)
    response = client.post(url, {"employee_number": "000102"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "本納 花子" in page
    unknown = client.post(url, {"employee_number": "999999"})
    assert unknown.status_code == 200 and unknown.context["form"].errors["employee_number"]
    twice = client.post(url, {"employee_number": "000102"})
    assert twice.status_code == 200 and twice.context["form"].errors["employee_number"]
    assert Attendance.objects.filter(session=session, staff_member__isnull=False).count() == 1


def test_import_page_checks_then_imports(client_for, dx_staff):
    client = client_for(dx_staff)
    upload = SimpleUploadedFile("staff.csv", PERSONNEL.encode("utf-8-sig"), "text/csv")
    checked = client.post(reverse("outreach:staff_import"), {"file": upload, "check_only": "1"})
    assert checked.status_code == 200 and checked.context["result"].ok
    assert not StaffMember.objects.exists()
    upload = SimpleUploadedFile("staff.csv", PERSONNEL.encode("utf-8-sig"), "text/csv")
    done = client.post(reverse("outreach:staff_import"), {"file": upload})
    assert done.status_code == 302 and StaffMember.objects.count() == 4


def test_untrained_page_shows_the_chosen_years_per_section(staff, held, client_for, dx_staff):
    held(jst(2025, 6, 2, 15), staff["000101"], staff["000201"])
    client = client_for(dx_staff)
    response = client.get(reverse("outreach:untrained_staff"), {"fy": 2025, "years": 1})
    assert _numbers(response.context["page"].object_list) == ["000102", "000202"]
    section = Section.objects.get(name="生活課")
    response = client.get(
        reverse("outreach:untrained_staff"), {"fy": 2025, "years": 1, "section": section.pk}
    )
    assert _numbers(response.context["page"].object_list) == ["000202"]


@pytest.mark.parametrize("extra", [0, 50])
def test_untrained_page_query_count_does_not_grow(
    extra, staff, client_for, dx_staff, django_assert_max_num_queries
):
    section = Section.objects.get(name="総務課")
    StaffMember.objects.bulk_create(
        StaffMember(employee_number=f"9{n:05d}", name=f"職員 {n}", section=section)
        for n in range(extra)
    )
    client = client_for(dx_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:untrained_staff")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:staff_list")).status_code == 200


def test_dx_staff_see_the_page_in_their_navigation(client_for, dx_staff, lending_staff):
    url = reverse("outreach:untrained_staff")
    assert url in client_for(dx_staff).get(reverse("outreach:staff_list")).content.decode()
    assert f'href="{url}"' not in client_for(lending_staff).get("/").content.decode()


def test_bad_query_and_form_input_gets_a_page_not_an_error(staff, held, client_for, dx_staff):
    client = client_for(dx_staff)
    for params in (
        {"fy": "abc", "years": "-1", "section": "999999"},
        {"fy": "1900", "years": "99", "page": "x"},
        {"fy": "2025\x00", "years": "NaN"},
    ):
        response = client.get(reverse("outreach:untrained_staff"), params)
        assert response.status_code == 200
        assert response.context["years"] == 1  # an unknown choice falls back to the default
    analysis = client.get(reverse("kpi:incident_analysis"), {"first": "x", "last": "-5"})
    assert analysis.status_code == 200
    session = held(jst(2025, 6, 2, 15))
    url = reverse("outreach:staff_attendance", args=[session.pk])
    too_long = client.post(url, {"employee_number": "9" * 5000})
    assert too_long.status_code == 200 and too_long.context["form"].errors
    binary = SimpleUploadedFile("staff.csv", bytes(range(256)) * 10, "text/csv")
    upload = client.post(reverse("outreach:staff_import"), {"file": binary})
    assert upload.status_code == 200 and not upload.context["result"].ok
    assert StaffMember.objects.count() == 4

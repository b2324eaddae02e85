"""Courses as 総務課's master data: pages, history, and the skills that match volunteers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from outreach import selectors
from outreach.models import Course, CourseSkill
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db


def _course_data(**changes) -> dict:
    data = {
        "code": "city-line-photos",
        "name": "写真の送り方",
        "name_kana": "シャシンノオクリカタ",
        "category": Course.Category.CITY,
        "audience": Course.Audience.RESIDENTS,
        "typical_minutes": "90",
        "what_to_bring": "スマートフォン",
        "description": "撮った写真を家族に送ります。",
        "is_active": "on",
        "sort_order": "120",
        "skills": ["line", "android"],
    }
    data.update(changes)
    return data


def test_dx_staff_create_and_change_a_course_with_its_skills(client_for, dx_staff):
    client = client_for(dx_staff)
    assert client.get(reverse("outreach:course_new")).status_code == 200
    response = client.post(reverse("outreach:course_new"), _course_data())
    course = Course.objects.get(code="city-line-photos")
    assert response["Location"] == reverse("outreach:course_edit", args=[course.pk])
    assert course.skill_codes() == ["android", "line"]

    client.post(reverse("outreach:course_edit", args=[course.pk]), _course_data(skills=["line"]))
    assert course.skill_codes() == ["line"]
    changed = AuditEntry.objects.get(action="outreach.course.changed")
    assert changed.changes["skills"] == ["android, line", "line"]
    page = client.get(reverse("outreach:course_edit", args=[course.pk]))
    assert [c.label for e in page.context["history"] for c in e.changed]
    listing = client.get(reverse("outreach:course_list"), {"skill": "line"})
    assert "写真の送り方" in listing.content.decode()
    assert (
        "写真の送り方"
        not in client.get(reverse("outreach:course_list"), {"skill": "e_tax"}).content.decode()
    )


def test_a_duplicate_code_is_refused_on_the_form(client_for, dx_staff, make_course):
    make_course(code="taken")
    response = client_for(dx_staff).post(reverse("outreach:course_new"), _course_data(code="taken"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_course_pages_are_for_dx_staff_only(client_for, lending_staff, volunteer_user, make_course):
    course = make_course()
    for user in (lending_staff, volunteer_user):
        client = client_for(user)
        for url in (
            reverse("outreach:course_list"),
            reverse("outreach:course_new"),
            reverse("outreach:course_edit", args=[course.pk]),
        ):
            assert client.get(url).status_code == 403, url


def test_classes_are_matched_to_volunteers_by_the_courses_skills(make_course, make_session):
    with_skill = make_course(name="スマホで家族と連絡")  # no keyword in the name
    CourseSkill.objects.create(course=with_skill, skill="line")
    keyword_only = make_course(name="LINEの使い方（補講）")  # a keyword, but no skill recorded
    matched = make_session(course=with_skill)
    make_session(course=keyword_only)
    found = list(selectors.sessions_for_volunteers(skill="line"))
    assert found == [matched]
    assert len(list(selectors.sessions_for_volunteers())) == 2


def test_staffing_page_lists_volunteers_with_the_courses_skills(
    make_user, make_course, make_session, client_for, dx_staff
):
    course = make_course()
    CourseSkill.objects.create(course=course, skill="mynumber_card")
    session = make_session(course=course)
    able = build_profile(
        make_user, status="active", skills=["mynumber_card", "line"], full_name="カード 得意"
    )
    build_profile(make_user, status="active", skills=["line"], full_name="ライン だけ")
    build_profile(make_user, status="paused", skills=["mynumber_card"], full_name="休止 中")
    assert selectors.matching_volunteers(session) == [able]
    page = client_for(dx_staff).get(reverse("outreach:staffing_detail", args=[session.pk]))
    assert "カード 得意" in page.content.decode()


def test_course_list_uses_the_same_queries_for_1_and_50_courses(
    make_course, client_for, dx_staff, django_assert_max_num_queries
):
    Course.objects.all().delete()  # the standard catalogue of the data migration
    client = client_for(dx_staff)
    course = make_course()
    CourseSkill.objects.create(course=course, skill="line")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("outreach:course_list"))
    for _n in range(49):
        CourseSkill.objects.create(course=make_course(), skill="maps")
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("outreach:course_list"))
    assert len(response.context["page"].object_list) == 50

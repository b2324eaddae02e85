"""総務課's roster (filters, export) and approval queue: permissions and query counts."""

import io

import openpyxl
import pytest

from volunteers.models import Appointment

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/volunteers/staff/roster/", "/volunteers/staff/approvals/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_need_dx_staff(
    url, client, client_for, volunteer_user, lending_staff, dx_staff
):
    assert client.get(url).status_code == 302
    assert client_for(volunteer_user).get(url).status_code == 403
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/volunteers/{pk}/training/", "/volunteers/{pk}/appointments/", "/volunteers/{pk}/status/"],
)
def test_staff_posts_need_dx_staff(url, make_profile, client_for, lending_staff):
    profile = make_profile(status="active")
    assert client_for(lending_staff).post(url.format(pk=profile.pk), {}).status_code == 403
    assert client_for(profile.user).post(url.format(pk=profile.pk), {}).status_code == 403


def test_roster_filters_by_skill_and_status(make_profile, client_for, dx_staff):
    make_profile(status="active", skills=["line"], full_name="ライン 花子")
    make_profile(status="paused", skills=["android"], full_name="アンドロイド 太郎")
    client = client_for(dx_staff)
    body = client.get("/volunteers/staff/roster/?skill=line").content.decode()
    assert "ライン 花子" in body and "アンドロイド 太郎" not in body
    body = client.get("/volunteers/staff/roster/?status=paused").content.decode()
    assert "ライン 花子" not in body and "アンドロイド 太郎" in body


def test_roster_exports_csv_and_xlsx(make_profile, client_for, dx_staff):
    make_profile(status="active", skills=["line", "iphone"], full_name="出力 一郎", trained=True)
    client = client_for(dx_staff)
    response = client.get("/volunteers/staff/roster/?_export=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "出力 一郎" in text and "LINE" in text
    response = client.get("/volunteers/staff/roster/?_export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "出力 一郎" in values


@pytest.mark.parametrize("url", STAFF_PAGES + ["/volunteers/staff/roster/?_export=csv"])
def test_lists_use_constant_queries(
    url, make_profile, client_for, dx_staff, django_assert_max_num_queries
):
    client = client_for(dx_staff)

    def fill(n):
        for i in range(n):
            p = make_profile(
                status="applied" if i % 2 == 0 else "active",
                skills=["line", "android"],
                trained=True,
            )
            Appointment.objects.create(profile=p, fiscal_year=2025, appointed_on="2025-04-01")

    fill(1)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    fill(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_dx_staff_sees_any_profile_and_history(make_profile, client_for, dx_staff):
    profile = make_profile(status="active")
    response = client_for(dx_staff).get(f"/volunteers/{profile.pk}/")
    assert response.status_code == 200
    assert profile.phone in response.content.decode()


def test_unknown_profile_is_404_for_staff(client_for, dx_staff):
    assert client_for(dx_staff).get("/volunteers/999999/").status_code == 404

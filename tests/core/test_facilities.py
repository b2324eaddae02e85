"""総務課 keeps the facilities as staff pages: register, change, take out of use, audited."""

import pytest

from core.models import AuditEntry, Facility

NEW_FACILITY = {
    "name": "茂原市西部公民館",
    "name_kana": "モバラシセイブコウミンカン",
    "kind": "community_centre",
    "address": "千葉県茂原市腰当1番地",
    "latitude": "35.421000",
    "longitude": "140.270000",
    "phone": "0475-00-0000",
    "opens_at": "08:30",
    "closes_at": "17:15",
    "barrier_free": "スロープ;車椅子対応トイレ",
}


@pytest.mark.django_db
def test_dx_office_registers_a_facility_with_its_open_data_fields(client_for, dx_staff):
    response = client_for(dx_staff).post("/staff/facilities/new/", NEW_FACILITY)
    facility = Facility.objects.get(name="茂原市西部公民館")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/facilities/{facility.pk}/"
    assert facility.barrier_free_items == ["スロープ", "車椅子対応トイレ"]
    entry = AuditEntry.objects.get(action="core.facility.created")
    assert entry.actor == dx_staff and entry.target_repr == "茂原市西部公民館"


@pytest.mark.django_db
def test_a_change_is_audited_with_the_fields_that_changed(client_for, dx_staff, make_facility):
    facility = make_facility(phone="0475-11-1111")
    data = {
        "name": facility.name,
        "name_kana": facility.name_kana,
        "kind": facility.kind,
        "address": facility.address,
        "phone": "0475-22-2222",
    }
    client = client_for(dx_staff)
    client.post(f"/staff/facilities/{facility.pk}/", data)
    entry = AuditEntry.objects.get(action="core.facility.changed")
    assert entry.changes == {"phone": ["0475-11-1111", "0475-22-2222"]}
    client.post(f"/staff/facilities/{facility.pk}/", data)
    assert AuditEntry.objects.filter(action="core.facility.changed").count() == 1, (
        "saving without a change records nothing"
    )
    page = client.get(f"/staff/facilities/{facility.pk}/").content.decode()
    assert "施設情報の変更" in page and "総務課 職員" in page
    assert "0475-11-1111 → 0475-22-2222" in page


@pytest.mark.django_db
def test_missing_required_fields_show_errors_on_the_form(client_for, dx_staff):
    response = client_for(dx_staff).post("/staff/facilities/new/", {"name": "名前だけ"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name_kana", "address"}
    assert 'class="error-summary"' in response.content.decode()
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_retired_facility_leaves_the_open_data_and_can_come_back(
    client, client_for, dx_staff, make_facility
):
    facility = make_facility(name="旧集会所")
    staff = client_for(dx_staff)
    response = staff.post(
        f"/staff/facilities/{facility.pk}/retire/", {"reason": "老朽化のため閉館"}
    )
    assert response.status_code == 302
    facility.refresh_from_db()
    assert not facility.is_active
    assert AuditEntry.objects.get(action="core.facility.retired").note == "老朽化のため閉館"
    assert "旧集会所" not in client.get("/opendata/facilities.csv").content.decode("utf-8")
    assert "旧集会所" not in staff.get("/staff/facilities/").content.decode()
    assert "旧集会所" in staff.get("/staff/facilities/", {"state": "retired"}).content.decode()

    again = staff.post(f"/staff/facilities/{facility.pk}/retire/", {"reason": ""}, follow=True)
    assert again.status_code == 200
    assert "すでに利用を終了" in again.content.decode()

    staff.post(f"/staff/facilities/{facility.pk}/reinstate/")
    facility.refresh_from_db()
    assert facility.is_active
    assert AuditEntry.objects.filter(action="core.facility.reinstated").count() == 1


@pytest.mark.django_db
def test_facility_list_filters_and_keeps_its_query_count(
    client_for, dx_staff, make_facility, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_facility(name="市立図書館", kind="library")
    client = client_for(dx_staff)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/staff/facilities/")
    assert len(response.context["page"].object_list) == 1
    for _ in range(49):
        make_facility()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/staff/facilities/")
    assert len(response.context["page"].object_list) == 50
    libraries = client.get("/staff/facilities/", {"kind": "library"}).context["page"]
    assert [f.name for f in libraries.object_list] == ["市立図書館"]

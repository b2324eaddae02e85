"""Only 総務課 (dx_staff) changes the registry; 生活課 may look; others get 403; anonymous → sign in."""

from datetime import date

import pytest

from wifi.models import Machine

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "/wifi/",
    "/wifi/machines/",
    "/wifi/machines/{pk}/",
    "/wifi/usage/",
    "/wifi/analysis/",
]
CHANGE_PAGES = [
    "/wifi/machines/new/",
    "/wifi/machines/{pk}/edit/",
    "/wifi/machines/{pk}/status/",
    "/wifi/machines/{pk}/usage/new/",
    "/wifi/machines/{pk}/inspections/new/",
    "/wifi/machines/{pk}/activations/new/",
    "/wifi/usage/import/",
]


@pytest.fixture
def machine(make_machine):
    return make_machine(history=[("operating", date(2025, 4, 1))])


@pytest.mark.parametrize("page", READ_PAGES + CHANGE_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, machine, page):
    response = client.get(page.format(pk=machine.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", READ_PAGES + CHANGE_PAGES)
def test_dx_staff_opens_every_page(client_for, dx_staff, machine, page):
    assert client_for(dx_staff).get(page.format(pk=machine.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["volunteer_user", "org_rep_user"])
@pytest.mark.parametrize("page", READ_PAGES + CHANGE_PAGES)
def test_other_roles_are_refused(request, client_for, machine, persona, page):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(page.format(pk=machine.pk)).status_code == 403


def test_kiosk_is_refused(client_for, kiosk_user, machine):
    assert client_for(kiosk_user).get("/wifi/").status_code == 403


@pytest.mark.parametrize("page", READ_PAGES)
def test_lending_staff_may_look(client_for, lending_staff, machine, page):
    assert client_for(lending_staff).get(page.format(pk=machine.pk)).status_code == 200


@pytest.mark.parametrize("page", CHANGE_PAGES)
def test_lending_staff_may_not_change(client_for, lending_staff, machine, page):
    client = client_for(lending_staff)
    assert client.get(page.format(pk=machine.pk)).status_code == 403
    assert client.post(page.format(pk=machine.pk), {}).status_code == 403


def test_lending_staff_cannot_remove_a_machine(client_for, lending_staff, machine):
    response = client_for(lending_staff).post(
        f"/wifi/machines/{machine.pk}/status/",
        {"status": "removed", "effective_on": "2025-06-01", "reason": "撤去"},
    )
    assert response.status_code == 403
    machine.refresh_from_db()
    assert machine.status == "operating"


def test_unknown_machine_is_404(client_for, dx_staff):
    assert client_for(dx_staff).get("/wifi/machines/999999/").status_code == 404


def test_dx_staff_registers_and_edits_a_machine(client_for, dx_staff, make_facility):
    facility = make_facility()
    client = client_for(dx_staff)
    response = client.post(
        "/wifi/machines/new/",
        {
            "code": "WV-100",
            "facility": facility.pk,
            "spot": "1階正面玄関横",
            "operator": "房総ボトリング株式会社",
            "agreement_type": "disaster_support",
            "agreement_start": "2025-04-01",
            "agreement_end": "2030-03-31",
            "disaster_ssid": "00000JAPAN",
            "power_backup": "battery",
            "initial_status": "operating",
            "effective_on": "2025-04-01",
            "reason": "協定に基づき設置",
        },
    )
    assert response.status_code == 302, response.content.decode()
    machine = Machine.objects.get(code="WV-100")
    assert machine.status == "operating"
    assert machine.status_changes.get().effective_on == date(2025, 4, 1)
    response = client.post(
        f"/wifi/machines/{machine.pk}/edit/",
        {
            "code": "WV-100",
            "facility": facility.pk,
            "spot": "2階ロビー",
            "operator": "房総ボトリング株式会社",
            "agreement_type": "disaster_support",
            "disaster_ssid": "00000JAPAN",
            "power_backup": "battery",
        },
    )
    assert response.status_code == 302
    machine.refresh_from_db()
    assert machine.spot == "2階ロビー"
    assert machine.status == "operating"  # editing never touches the status


def test_agreement_ending_before_it_starts_is_refused(client_for, dx_staff, make_facility):
    response = client_for(dx_staff).post(
        "/wifi/machines/new/",
        {
            "code": "WV-101",
            "facility": make_facility().pk,
            "spot": "玄関",
            "operator": "A社",
            "agreement_type": "disaster_support",
            "agreement_start": "2025-04-01",
            "agreement_end": "2024-03-31",
            "disaster_ssid": "00000JAPAN",
            "power_backup": "none",
            "initial_status": "planned",
            "effective_on": "2025-04-01",
            "reason": "計画",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "協定の終了日は開始日より前にできません。"
    ]
    assert "wifi_machine_agreement_end_after_start" not in response.content.decode()
    assert not Machine.objects.filter(code="WV-101").exists()


def test_dx_staff_records_inspection_and_activation(client_for, dx_staff, machine):
    client = client_for(dx_staff)
    response = client.post(
        f"/wifi/machines/{machine.pk}/inspections/new/",
        {"inspected_on": "2025-06-01", "inspector": "総務課", "result": "ok", "wifi_checked": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/wifi/machines/{machine.pk}/activations/new/",
        {
            "kind": "drill",
            "started_on": "2025-09-01",
            "duration_hours": "2.5",
            "authorised_by": "総務課長",
            "disaster_ssid_opened": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/wifi/machines/{machine.pk}/").content.decode()
    assert "総務課長" in page
    assert "訓練" in page


def test_nav_shows_registry_to_dx_staff_only(client_for, dx_staff, volunteer_user):
    assert "/wifi/" in client_for(dx_staff).get("/dashboard/").content.decode()
    assert 'href="/wifi/"' not in client_for(volunteer_user).get("/dashboard/").content.decode()


def test_photo_can_be_added_and_cleared(client_for, dx_staff, machine, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(dx_staff)
    fields = {
        "code": machine.code,
        "facility": machine.facility_id,
        "spot": machine.spot,
        "operator": machine.operator,
        "agreement_type": "disaster_support",
        "disaster_ssid": "00000JAPAN",
        "power_backup": "none",
    }
    photo = SimpleUploadedFile("machine.jpg", b"\xff\xd8\xff\xe0 fake jpeg", "image/jpeg")
    assert (
        client.post(f"/wifi/machines/{machine.pk}/edit/", {**fields, "photo": photo}).status_code
        == 302
    )
    machine.refresh_from_db()
    assert machine.photo.name.startswith("wifi/machines/")
    assert client.post(f"/wifi/machines/{machine.pk}/edit/", fields).status_code == 302
    machine.refresh_from_db()
    assert machine.photo  # kept when no new file is sent
    response = client.post(f"/wifi/machines/{machine.pk}/edit/", {**fields, "photo-clear": "on"})
    assert response.status_code == 302
    machine.refresh_from_db()
    assert not machine.photo


def test_photo_must_be_an_image_file(client_for, dx_staff, machine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(dx_staff).post(
        f"/wifi/machines/{machine.pk}/edit/",
        {
            "code": machine.code,
            "facility": machine.facility_id,
            "spot": machine.spot,
            "operator": machine.operator,
            "agreement_type": "disaster_support",
            "disaster_ssid": "00000JAPAN",
            "power_backup": "none",
            "photo": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    machine.refresh_from_db()
    assert not machine.photo


@pytest.mark.parametrize(
    ("page", "button"),
    [("/wifi/machines/", "/wifi/machines/new/"), ("/wifi/usage/", "/wifi/usage/import/")],
)
def test_list_offers_its_change_page_to_those_it_lets_in(
    client_for, dx_staff, lending_staff, machine, page, button
):
    # The link follows the role the change page asks for (not a model permission no role has).
    assert f'href="{button}"' in client_for(dx_staff).get(page).content.decode()
    assert f'href="{button}"' not in client_for(lending_staff).get(page).content.decode()

"""The audit log for staff: search, labels and names, links only where the viewer may go,
each section its own entries, bounded pages and a CSV download."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.selectors import audit_action_choices, audit_prefixes_for
from lending.models import Organisation

JST = timezone.get_fixed_timezone(9 * 60)


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="本納東自治会", kind=Organisation.Kind.NEIGHBOURHOOD)


@pytest.fixture
def mixed_log(make_entry, make_facility, org, dx_staff, lending_staff):
    facility = make_facility(name="中央公民館")
    make_entry("core.facility.changed", facility, actor=dx_staff, at=_at(2026, 5, 1, 10))
    make_entry("lending.organisation.changed", org, actor=lending_staff, at=_at(2026, 5, 2, 10))
    return facility


def _actions(response) -> list[str]:
    return [entry.action for entry, _link in response.context["rows"]]


@pytest.mark.django_db
def test_dx_office_and_administrator_read_every_entry(
    client_for, mixed_log, dx_staff, administrator
):
    for viewer in (dx_staff, administrator):
        response = client_for(viewer).get("/staff/audit/")
        assert _actions(response) == ["lending.organisation.changed", "core.facility.changed"]


@pytest.mark.django_db
def test_lending_desk_reads_only_the_lending_entries(client_for, mixed_log, lending_staff):
    response = client_for(lending_staff).get("/staff/audit/")
    assert _actions(response) == ["lending.organisation.changed"]
    assert audit_prefixes_for(lending_staff) == ["lending."]
    assert all(name.startswith("lending.") for name, _label in audit_action_choices(lending_staff))


@pytest.mark.django_db
def test_lending_desk_cannot_ask_for_another_sections_action(client_for, mixed_log, lending_staff):
    response = client_for(lending_staff).get("/staff/audit/", {"action": "core.facility.changed"})
    assert response.status_code == 200
    assert _actions(response) == []
    assert response.context["form"].errors["action"]


@pytest.mark.django_db
def test_section_scopes_come_from_the_city_file(settings, lending_staff):
    settings.TSUNAGU = {**settings.TSUNAGU, "audit_log": {"lending": ["lending", "wifi"]}}
    assert audit_prefixes_for(lending_staff) == ["lending.", "wifi."]


@pytest.mark.django_db
def test_other_roles_have_no_audit_log(client_for, volunteer_user, org_rep_user, kiosk_user):
    for user in (volunteer_user, org_rep_user, kiosk_user):
        assert client_for(user).get("/staff/audit/").status_code == 403


@pytest.mark.django_db
def test_labels_in_japanese_and_names_instead_of_addresses(client_for, mixed_log, dx_staff):
    html = client_for(dx_staff).get("/staff/audit/").content.decode()
    assert "施設情報の変更" in html
    assert "core.facility.changed" not in html.split("<tbody>")[1]
    assert "総務課 職員" in html
    assert dx_staff.email not in html


@pytest.mark.django_db
def test_filters_by_person_record_action_and_dates(
    client_for, make_entry, make_facility, dx_staff, lending_staff, org
):
    hall = make_facility(name="本納公民館")
    library = make_facility(name="市立図書館")
    make_entry("core.facility.created", hall, actor=dx_staff, at=_at(2026, 4, 1, 9))
    make_entry("core.facility.changed", library, actor=dx_staff, at=_at(2026, 4, 30, 23, 59))
    make_entry("core.facility.changed", hall, actor=lending_staff, at=_at(2026, 5, 1, 0, 0))
    make_entry("lending.organisation.changed", org, actor=None, at=_at(2026, 5, 2, 8))
    client = client_for(dx_staff)

    def found(**query):
        return [
            (entry.action, entry.target_repr)
            for entry, _link in client.get("/staff/audit/", query).context["rows"]
        ]

    assert found(person="生活課") == [("core.facility.changed", "本納公民館")]
    assert found(person=lending_staff.email) == [("core.facility.changed", "本納公民館")]
    assert found(person="自動") == [("lending.organisation.changed", "本納東自治会")]
    assert found(record="図書館") == [("core.facility.changed", "市立図書館")]
    assert found(action="core.facility.created") == [("core.facility.created", "本納公民館")]
    # Office days in Japan: 30 April ends at 23:59:59 JST, 1 May starts at 00:00 JST.
    assert found(date_from="2026-04-30", date_to="2026-04-30") == [
        ("core.facility.changed", "市立図書館")
    ]
    assert found(date_from="2026-05-01") == [
        ("lending.organisation.changed", "本納東自治会"),
        ("core.facility.changed", "本納公民館"),
    ]
    response = client.get("/staff/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.context["form"].errors["date_to"]


@pytest.mark.django_db
def test_record_links_only_to_pages_the_viewer_may_open(
    client_for, mixed_log, dx_staff, administrator, lending_staff, make_entry
):
    facility = mixed_log
    dx_rows = client_for(dx_staff).get("/staff/audit/").context["rows"]
    links = {entry.action: link for entry, link in dx_rows}
    assert links["core.facility.changed"] == f"/staff/facilities/{facility.pk}/"
    # Lending records have no get_absolute_url yet: plain text, never a guessed link.
    assert links["lending.organisation.changed"] is None

    # The 管理者 reads the facility entry but cannot open 総務課's facility page: no link.
    admin_rows = client_for(administrator).get("/staff/audit/").context["rows"]
    assert {entry.action: link for entry, link in admin_rows}["core.facility.changed"] is None

    # An account entry links to the account's page for the 管理者 only.
    make_entry("core.account.deactivated", lending_staff, actor=administrator)
    admin_links = {
        entry.action: link
        for entry, link in client_for(administrator).get("/staff/audit/").context["rows"]
    }
    assert admin_links["core.account.deactivated"] == f"/staff/accounts/{lending_staff.pk}/"
    dx_links = {
        entry.action: link
        for entry, link in client_for(dx_staff).get("/staff/audit/").context["rows"]
    }
    assert dx_links["core.account.deactivated"] is None


@pytest.mark.django_db
def test_a_deleted_record_shows_as_text(client_for, make_entry, make_facility, dx_staff):
    facility = make_facility(name="取り壊した集会所")
    make_entry("core.facility.created", facility, actor=dx_staff)
    facility.delete()
    [(entry, link)] = client_for(dx_staff).get("/staff/audit/").context["rows"]
    assert entry.target_repr == "取り壊した集会所" and link is None


@pytest.mark.django_db
def test_pages_are_bounded(client_for, make_entry, make_facility, dx_staff):
    facility = make_facility()
    for _ in range(60):
        make_entry("core.facility.changed", facility, actor=dx_staff)
    client = client_for(dx_staff)
    first = client.get("/staff/audit/")
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 60
    assert len(client.get("/staff/audit/", {"page": 2}).context["rows"]) == 10


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(
    client_for, make_entry, make_facility, dx_staff, lending_staff, make_user
):
    client = client_for(dx_staff)
    facility = make_facility()
    make_entry("core.facility.changed", facility, actor=dx_staff)
    client.get("/staff/audit/")  # warm the content-type cache like a running server
    with CaptureQueriesContext(connection) as one_row:
        response = client.get("/staff/audit/")
    assert len(response.context["rows"]) == 1
    for n in range(49):
        other = make_facility()
        make_entry("core.facility.changed", other, actor=make_user(full_name=f"職員{n}"))
    with CaptureQueriesContext(connection) as fifty_rows:
        response = client.get("/staff/audit/")
    assert len(response.context["rows"]) == 50
    assert len(fifty_rows.captured_queries) == len(one_row.captured_queries)


@pytest.mark.django_db
def test_csv_download_has_labels_names_and_no_addresses(client_for, mixed_log, dx_staff):
    response = client_for(dx_staff).get("/staff/audit/", {"_export": "csv", "record": "公民館"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "日時,担当,内容,記録の種類,対象,メモ"
    assert len(lines) == 2
    assert "総務課 職員" in lines[1] and "中央公民館" in lines[1] and "施設" in lines[1]
    assert dx_staff.email not in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_csv_download_of_the_lending_desk_keeps_its_scope(client_for, mixed_log, lending_staff):
    text = (
        client_for(lending_staff)
        .get("/staff/audit/", {"_export": "csv"})
        .content.decode("utf-8-sig")
    )
    assert "本納東自治会" in text
    assert "中央公民館" not in text


@pytest.mark.parametrize(
    ("url", "roles", "may"),
    [
        ("/lending/availability/", set(), True),  # public page
        ("/lending/items/", {"lending_staff"}, True),  # class view with role_required
        ("/lending/items/", {"dx_staff"}, False),
        ("/no/such/page/", {"administrator"}, False),
    ],
)
def test_a_link_is_offered_only_where_the_roles_open_the_page(url, roles, may):
    from core.selectors import _may_open

    assert _may_open(url, frozenset(roles)) is may

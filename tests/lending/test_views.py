"""Pages over real HTTP: who may open what, scanning, conflicts, exports, query counts."""

from datetime import date

import pytest
from django.urls import reverse

from core.roles import Role
from lending.models import Item, Loan, Reservation
from lending.selectors import DESK_QUEUE_LENGTH
from lending.services import loan_hand_out, loan_return, reservation_approve

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

MON, WED, FRI = date(2026, 6, 15), date(2026, 6, 17), date(2026, 6, 19)
STAFF_PAGES = [
    "lending:desk",
    "lending:item_list",
    "lending:reservation_list",
    "lending:organisation_list",
    "lending:reservation_new",
    "lending:counter_return",
    "lending:organisation_new",
]


@pytest.fixture
def scene(frozen, make_org, make_type, make_item, make_rep, book, lending_staff):
    """Two groups with a representative each and one reservation each."""
    projector = make_type(name="プロジェクター")
    items = [make_item(projector, tag_number=f"MB-PJ-00{i}") for i in range(1, 4)]
    honno, toyota = make_org("本納地区自治会"), make_org("豊田地区自治会")
    honno_rep, toyota_rep = make_rep(honno), make_rep(toyota)
    mine = book(honno, {projector: 1}, MON, WED)
    theirs = book(toyota, {projector: 1}, MON, WED)
    return {
        "projector": projector,
        "items": items,
        "honno": honno,
        "honno_rep": honno_rep,
        "toyota_rep": toyota_rep,
        "mine": mine,
        "theirs": theirs,
    }


def test_availability_is_public_and_counts_free_units(client, scene):
    response = client.get(
        reverse("lending:availability"), {"start": MON.isoformat(), "end": WED.isoformat()}
    )
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.total, row.free) == (3, 1)
    calendar = client.get(
        reverse("lending:availability_calendar", args=[scene["projector"].pk]), {"month": "2026-06"}
    )
    assert calendar.status_code == 200
    days = {d.day: d for week in calendar.context["weeks"] for d in week if d}
    assert days[MON].free == 1
    assert days[FRI].free == 3
    assert not days[date(2026, 6, 13)].is_open  # Saturday


def test_availability_rejects_a_reversed_range_without_error(client, scene):
    response = client.get(
        reverse("lending:availability"), {"start": "2026-06-20", "end": "2026-06-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_open_for_lending_staff_and_refuse_others(
    name, client_for, lending_staff, org_rep_user, kiosk_user, scene
):
    assert client_for(lending_staff).get(reverse(name)).status_code == 200
    assert client_for(org_rep_user).get(reverse(name)).status_code == 403
    assert client_for(scene["honno_rep"]).get(reverse(name)).status_code == 403
    assert client_for(kiosk_user).get(reverse(name)).status_code == 403


def test_staff_object_pages_open_for_staff(client_for, lending_staff, scene):
    client = client_for(lending_staff)
    pk = scene["mine"].pk
    for name in [
        "reservation_detail",
        "reservation_reject",
        "reservation_hand_out",
        "reservation_slip",
    ]:
        assert client.get(reverse(f"lending:{name}", args=[pk])).status_code == 200, name
    assert (
        client.get(reverse("lending:item_detail", args=[scene["items"][0].pk])).status_code == 200
    )
    assert (
        client.get(reverse("lending:organisation_detail", args=[scene["honno"].pk])).status_code
        == 200
    )


def _lending_routes_with_pk():
    from django.urls import get_resolver

    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "lending" or (
            hasattr(pattern, "url_patterns") and getattr(pattern, "app_name", None) == "lending"
        ):
            for entry in pattern.url_patterns:
                if "pk" in entry.pattern.converters and entry.name != "availability_calendar":
                    yield entry.name


def test_a_group_never_sees_or_changes_another_groups_reservation(client_for, scene):
    """Every lending URL that takes an id answers 404 (group pages) or 403 (staff pages)."""
    client = client_for(scene["honno_rep"])
    theirs = scene["theirs"]
    names = sorted(set(_lending_routes_with_pk()))
    assert "my_reservation_detail" in names and "my_reservation_cancel" in names
    for name in names:
        url = reverse(f"lending:{name}", args=[theirs.pk])
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if name.startswith("my_"):
                assert status in (404, 405), (name, method, status)
                if method == "post" and name.endswith("cancel"):
                    assert status == 404
                if method == "get" and name.endswith("detail"):
                    assert status == 404
            else:
                assert status in (403, 405), (name, method, status)
    theirs.refresh_from_db()
    assert theirs.state == Reservation.State.REQUESTED
    # Their own reservation: visible, and in the list only theirs appear.
    assert (
        client.get(reverse("lending:my_reservation_detail", args=[scene["mine"].pk])).status_code
        == 200
    )
    listed = client.get(reverse("lending:my_reservations")).context["table"].data.data
    assert [r.pk for r in listed] == [scene["mine"].pk]


def test_an_unverified_link_gives_no_access(client_for, make_user, scene):
    from lending.models import Membership

    user = make_user(Role.ORG_REPRESENTATIVE)
    Membership.objects.create(organisation=scene["honno"], user=user)  # pending
    client = client_for(user)
    assert (
        client.get(reverse("lending:my_reservation_detail", args=[scene["mine"].pk])).status_code
        == 404
    )
    assert client.get(reverse("lending:my_reservation_new")).status_code == 302


def test_group_requests_equipment_and_a_conflict_shows_the_free_dates(client_for, scene):
    client = client_for(scene["honno_rep"])
    form_url = reverse("lending:my_reservation_new")
    assert client.get(form_url).status_code == 200
    payload = {
        "organisation": scene["honno"].pk,
        "pickup_date": MON.isoformat(),
        "return_date": WED.isoformat(),
        f"quantity_{scene['projector'].pk}": "2",
        "event_name": "敬老会",
        "purpose": "敬老会で写真を映します",
        "declaration": "on",
    }
    response = client.post(form_url, payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert "空いているプロジェクターは1台だけです（ご希望は2台）" in html
    assert "2026/06/18" in html  # the first free dates offered
    assert Reservation.objects.count() == 2
    payload[f"quantity_{scene['projector'].pk}"] = "1"
    response = client.post(form_url, payload)
    assert response.status_code == 302
    assert Reservation.objects.filter(organisation=scene["honno"]).count() == 2


def test_group_request_on_a_closed_day_gets_the_next_open_day(client_for, scene):
    client = client_for(scene["honno_rep"])
    response = client.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": scene["honno"].pk,
            "pickup_date": "2026-06-13",
            "return_date": "2026-06-15",
            f"quantity_{scene['projector'].pk}": "1",
            "event_name": "x",
            "purpose": "x",
            "declaration": "on",
        },
    )
    assert response.status_code == 200
    assert "2026/06/15" in response.context["form"].errors["pickup_date"][0]


def test_group_cancels_before_pickup(client_for, scene):
    client = client_for(scene["honno_rep"])
    url = reverse("lending:my_reservation_cancel", args=[scene["mine"].pk])
    detail = client.get(reverse("lending:my_reservation_detail", args=[scene["mine"].pk]))
    assert f'href="{url}"' in detail.content.decode()  # a question first, never one tap
    question = client.get(url)
    assert question.status_code == 200
    assert "予約を取り消しますか" in question.content.decode()
    scene["mine"].refresh_from_db()
    assert scene["mine"].state != Reservation.State.CANCELLED
    # Another group's representative cannot even see the question.
    assert client_for(scene["toyota_rep"]).get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 302
    scene["mine"].refresh_from_db()
    assert scene["mine"].state == Reservation.State.CANCELLED


def test_staff_approve_reject_and_phone_booking(
    client_for, lending_staff, scene, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(lending_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lending:reservation_approve", args=[scene["mine"].pk]))
        response = client.post(
            reverse("lending:reservation_reject", args=[scene["theirs"].pk]),
            {"reason": "重複のため"},
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[scene["honno_rep"].email], [scene["toyota_rep"].email]]
    response = client.post(
        reverse("lending:reservation_new"),
        {
            "organisation": scene["honno"].pk,
            "pickup_date": FRI.isoformat(),
            "return_date": FRI.isoformat(),
            f"quantity_{scene['projector'].pk}": "1",
            "event_name": "電話受付",
            "purpose": "会議",
            "declaration": "on",
            "provisional": "on",
        },
    )
    assert response.status_code == 302
    assert Reservation.objects.filter(state=Reservation.State.PROVISIONAL).count() == 1


def test_hand_out_by_scanned_url_and_return_at_the_counter(
    client_for, lending_staff, scene, frozen, settings
):
    reservation_approve(reservation=scene["mine"], by=lending_staff)
    item = scene["mine"].loans.get().item
    frozen(at(MON, 9))
    client = client_for(lending_staff)
    url = reverse("lending:reservation_hand_out", args=[scene["mine"].pk])
    page = client.get(url).content.decode()
    assert "autofocus" in page
    response = client.post(url, {"code": f"{settings.SITE_URL}/t/{item.qr_token}"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.ON_LOAN
    again = client.post(url, {"code": item.tag_number})
    assert again.status_code == 200
    assert "すでに貸し出し済み" in again.content.decode()
    assert (
        client.get(reverse("lending:reservation_slip", args=[scene["mine"].pk])).status_code == 200
    )
    frozen(at(WED, 15))
    client = client_for(lending_staff)  # a new working day, a new sign-in
    response = client.post(reverse("lending:counter_return"), {"code": "ｍｂ－ｐｊ－００１"})
    assert response.status_code == 302
    check_page = client.get(response["Location"])
    assert check_page.status_code == 200
    assert "電源ケーブル" in check_page.content.decode()
    response = client.post(response["Location"], {"present": ["本体"]})
    assert response.status_code == 302, response.context["form"].errors
    loan = Loan.objects.get(item=item)
    assert loan.returned_via == "counter"
    assert loan.missing_components == ["電源ケーブル"]
    assert client.get(reverse("lending:loan_inspect", args=[loan.pk])).status_code == 200
    response = client.post(
        reverse("lending:loan_inspect", args=[loan.pk]),
        {"result": "missing", "note": "電源ケーブルなし", "compensation_required": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REPAIR


def test_unknown_code_at_the_counter_is_a_clear_message(client_for, lending_staff, scene):
    response = client_for(lending_staff).post(reverse("lending:counter_return"), {"code": "zzz"})
    assert response.status_code == 200
    assert "このコードの備品はありません" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["lending:item_list", "lending:reservation_list", "lending:organisation_list"]
)
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_lists_export_csv_and_xlsx(name, export, client_for, lending_staff, scene):
    response = client_for(lending_staff).get(reverse(name), {"_export": export})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{export}"')
    if export == "csv":
        assert "MB-PJ" in response.content.decode() or "自治会" in response.content.decode()


def test_item_csv_export_never_contains_qr_tokens(client_for, lending_staff, scene):
    body = (
        client_for(lending_staff)
        .get(reverse("lending:item_list"), {"_export": "csv"})
        .content.decode()
    )
    assert scene["items"][0].qr_token not in body


# --- query counts: constant from 1 to 50 rows -----------------------------------------------


def _fill(count, make_org, make_type, make_item, book, lending_staff, frozen):
    """``count`` reservations, items, organisations and loans in every desk state."""
    projector = make_type()
    tent = make_type(is_digital_ready=False)
    for _ in range(count):
        for equipment_type in (projector, projector, tent, tent):
            make_item(equipment_type)
        reservation = book(
            make_org(),
            {projector: 1, tent: 1},
            date(2026, 6, 3),
            date(2026, 6, 5),
            now=at(date(2026, 6, 1)),
        )
        reservation_approve(reservation=reservation, by=lending_staff)
        for loan in reservation.loans.select_related("item"):
            loan_hand_out(
                reservation=reservation,
                code=loan.item.tag_number,
                by=lending_staff,
                now=at(date(2026, 6, 3)),
            )
        returned = reservation.loans.get(item__equipment_type=tent).item
        loan_return(item=returned, by=lending_staff, via="counter", now=at(date(2026, 6, 5)))
        book(make_org(), {projector: 1}, TODAY, TODAY)  # awaiting approval; the other is overdue
        approved = book(make_org(), {tent: 1}, TODAY, date(2026, 6, 12))
        reservation_approve(reservation=approved, by=lending_staff)  # pickup today


def _fill_group(count, organisation):
    Reservation.objects.bulk_create(
        [
            Reservation(
                organisation=organisation,
                pickup_date=date(2025, 6, 2),
                return_date=date(2025, 6, 3),
                state=Reservation.State.CLOSED,
                event_name=f"行事{i}",
                purpose="過去の貸出",
                declaration=True,
            )
            for i in range(count)
        ]
    )


LIST_PAGES = [
    ("lending:desk", "staff"),
    ("lending:item_list", "staff"),
    ("lending:reservation_list", "staff"),
    ("lending:organisation_list", "staff"),
    ("lending:availability", "anonymous"),
    ("lending:my_reservations", "rep"),
]


def test_list_pages_use_the_same_number_of_queries_for_1_and_50_rows(
    client,
    client_for,
    make_org,
    make_type,
    make_item,
    make_rep,
    book,
    lending_staff,
    frozen,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rep_org = make_org()
    rep = make_rep(rep_org)
    browsers = {"staff": client_for(lending_staff), "rep": client_for(rep), "anonymous": client}
    counts = {name: [] for name, _who in LIST_PAGES}
    for added in (1, 49):  # 1 row of everything, then 50
        _fill(added, make_org, make_type, make_item, book, lending_staff, frozen)
        _fill_group(added, rep_org)
        for name, who in LIST_PAGES:
            with CaptureQueriesContext(connection) as captured:
                response = browsers[who].get(reverse(name))
            assert response.status_code == 200
            counts[name].append(len(captured))
    for name, (one, fifty) in counts.items():
        assert one == fifty, (name, one, fifty)
    # Session, user, roles; the three reservation queues with their groups and lines; the
    # two loan queues; open calls; maintenance plans.
    assert counts["lending:desk"][0] <= 7, counts["lending:desk"]
    with django_assert_max_num_queries(counts["lending:desk"][0]):
        browsers["staff"].get(reverse("lending:desk"))
    # Every section is filled (50 of each); the desk shows the soonest 20 of each with the count.
    response = browsers["staff"].get(reverse("lending:desk"))
    desk = response.context["desk"]
    for queue in (
        desk.overdue,
        desk.awaiting_inspection,
        desk.awaiting_approval,
        desk.pickups_today,
    ):
        assert (len(queue.rows), queue.total, queue.hidden) == (DESK_QUEUE_LENGTH, 50, 30)
    assert [r.pickup_date for r in desk.awaiting_approval] == sorted(
        r.pickup_date for r in desk.awaiting_approval
    )
    page = response.content.decode()
    assert page.count("20件を表示しています") == 4
    assert "?state=requested&amp;state=provisional&amp;sort=pickup_date" in page


def test_a_group_cannot_book_in_another_groups_name(client_for, scene):
    client = client_for(scene["honno_rep"])
    response = client.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": scene["theirs"].organisation.pk,
            "pickup_date": FRI.isoformat(),
            "return_date": FRI.isoformat(),
            f"quantity_{scene['projector'].pk}": "1",
            "event_name": "なりすまし",
            "purpose": "x",
            "declaration": "on",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Reservation.objects.filter(event_name="なりすまし").exists()


def test_a_user_asks_to_join_a_group_and_staff_verify_before_booking(
    client_for, make_user, lending_staff, scene
):
    from lending.models import Membership

    user = make_user()
    client = client_for(user)
    assert client.get(reverse("lending:my_reservation_new")).status_code == 302
    response = client.post(
        reverse("lending:my_join"), {"organisation": scene["honno"].pk, "position": "副会長"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.status == Membership.Status.PENDING
    staff = client_for(lending_staff)
    page = staff.get(
        reverse("lending:organisation_detail", args=[scene["honno"].pk])
    ).content.decode()
    assert user.email in page
    staff.post(reverse("lending:membership_verify", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.VERIFIED
    assert user.groups.filter(name=Role.ORG_REPRESENTATIVE).exists()
    assert client.get(reverse("lending:my_reservation_new")).status_code == 200
    assert (
        client.get(reverse("lending:my_reservation_detail", args=[scene["mine"].pk])).status_code
        == 200
    )


def test_staff_register_and_edit_an_organisation_with_an_audit_entry(client_for, lending_staff):
    from core.models import AuditEntry
    from lending.models import Organisation

    client = client_for(lending_staff)
    response = client.post(
        reverse("lending:organisation_new"),
        {
            "name": "緑ケ丘自治会",
            "kind": "neighbourhood",
            "representative_name": "森 一",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="緑ケ丘自治会")
    assert not organisation.is_verified
    client.post(
        reverse("lending:organisation_detail", args=[organisation.pk]),
        {
            "name": "緑ケ丘自治会",
            "kind": "neighbourhood",
            "representative_name": "森 一",
            "is_verified": "on",
            "is_active": "on",
        },
    )
    organisation.refresh_from_db()
    assert organisation.is_verified
    change = AuditEntry.objects.get(action="lending.organisation.changed")
    assert change.changes["is_verified"] == [False, True]


def test_item_retire_and_repair_from_the_item_page(client_for, lending_staff, make_item):
    item = make_item()
    client = client_for(lending_staff)
    Item.objects.filter(pk=item.pk).update(status=Item.Status.IN_REPAIR)
    client.post(reverse("lending:item_repair_finish", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == Item.Status.AVAILABLE
    client.post(reverse("lending:item_retire", args=[item.pk]), {"reason": "落下して破損"})
    item.refresh_from_db()
    assert item.status == Item.Status.RETIRED
    assert Item.objects.filter(pk=item.pk).exists()


# --- refusals: shown on the form, never a server error ------------------------------------------


def test_a_refused_rejection_is_shown_on_the_reject_form(client_for, lending_staff, scene):
    from lending.services import reservation_cancel

    reservation_cancel(reservation=scene["mine"], by=lending_staff)
    response = client_for(lending_staff).post(
        reverse("lending:reservation_reject", args=[scene["mine"].pk]), {"reason": "重複"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["承認待ちの申込だけが不承認にできます。"]
    assert "data-error-summary" in response.content.decode()
    scene["mine"].refresh_from_db()
    assert scene["mine"].state == Reservation.State.CANCELLED


def test_an_inspection_without_a_note_is_refused_beside_the_note_field(
    client_for, lending_staff, make_item, make_org
):
    from .loans import put_on_loan

    item = make_item()
    loan = put_on_loan(item, make_org())
    loan_return(item=item, by=lending_staff, via="counter")
    response = client_for(lending_staff).post(
        reverse("lending:loan_inspect", args=[loan.pk]), {"result": "damaged", "note": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["note"]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'href="#id_note"' in html
    loan.refresh_from_db()
    assert loan.inspected_at is None


def test_a_hand_out_scan_that_is_refused_shows_under_the_scan_field(
    client_for, lending_staff, scene, frozen
):
    reservation_approve(reservation=scene["mine"], by=lending_staff)
    frozen(at(MON, 9))
    response = client_for(lending_staff).post(
        reverse("lending:reservation_hand_out", args=[scene["mine"].pk]), {"code": "MB-XX-999"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["このコードの備品はありません。ラベルを確認するか、備品番号を入力してください。"]
    }


def test_a_revoked_member_asking_again_is_refused_on_the_join_form(client_for, make_user, scene):
    from lending.models import Membership

    user = make_user()
    Membership.objects.create(
        organisation=scene["honno"], user=user, status=Membership.Status.REVOKED
    )
    response = client_for(user).post(
        reverse("lending:my_join"), {"organisation": scene["honno"].pk}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisation"]


def test_a_refused_action_without_a_form_comes_back_as_a_message(client_for, lending_staff, scene):
    client = client_for(lending_staff)
    url = reverse("lending:reservation_approve", args=[scene["mine"].pk])
    client.post(url, follow=True)
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["承認待ちの申込だけが承認できます。"]


def test_a_programming_error_in_a_service_is_a_server_error_not_a_message(
    client_for, lending_staff, scene, monkeypatch
):
    from lending.views import desk

    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(desk, "reservation_approve", broken)
    with pytest.raises(ValueError, match="a bug"):
        client_for(lending_staff).post(
            reverse("lending:reservation_approve", args=[scene["mine"].pk])
        )


def test_the_public_calendar_ignores_a_month_it_cannot_read(client, scene):
    url = reverse("lending:availability_calendar", args=[scene["projector"].pk])
    for month in ("2026-13", "junk", "2026-06-01", "1999-01"):
        response = client.get(url, {"month": month})
        assert response.status_code == 200
        assert response.context["first"] == TODAY.replace(day=1), month
    assert client.get(url, {"month": "2026-7"}).context["first"] == date(2026, 7, 1)


def test_exports_keep_numbers_dates_and_yes_no_as_data(client_for, lending_staff, scene):
    import io

    from openpyxl import load_workbook

    client = client_for(lending_staff)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("lending:reservation_list"), {"_export": "xlsx"}).content)
    ).active
    number, _organisation, _event, pickup, ret, _state = next(
        sheet.iter_rows(min_row=2, values_only=True)
    )
    assert isinstance(number, int)
    assert (pickup.date(), ret.date()) == (MON, WED)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("lending:organisation_list"), {"_export": "xlsx"}).content)
    ).active
    assert next(sheet.iter_rows(min_row=2, values_only=True))[-2:] == (True, True)


def test_histories_show_labels_and_names_never_codes_or_addresses(
    client_for, lending_staff, scene, frozen
):
    reservation_approve(reservation=scene["mine"], by=lending_staff)
    frozen(at(MON, 9))
    item = scene["mine"].loans.get().item
    loan_hand_out(reservation=scene["mine"], code=item.tag_number, by=lending_staff)
    client = client_for(lending_staff)
    pages = [
        client.get(reverse("lending:reservation_detail", args=[scene["mine"].pk])),
        client.get(reverse("lending:item_detail", args=[item.pk])),
        client.get(reverse("lending:item_link", args=[item.qr_token])),
    ]
    reservation_page = pages[0].content.decode()
    # The reservation's history includes what happened to its loans.
    assert "予約の承認" in reservation_page and "備品の貸出し" in reservation_page
    assert lending_staff.full_name in reservation_page
    from core.audit import registered_actions

    for response in pages:
        html = response.content.decode()
        assert 'class="history' in html
        assert lending_staff.email not in html
        for action in registered_actions():
            assert action not in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "x", "0", "-1", "99999", "NaN"])
def test_a_groups_reservations_page_with_any_page_number_is_a_page(client_for, make_user, page):
    # Found by the fuzz suite: ?page= (empty) was a 500.
    response = client_for(make_user()).get("/lending/my/", {"page": page})
    assert response.status_code == 200

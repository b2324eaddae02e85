"""The equipment register's pages: 生活課 adds types, units and kits and prints their labels;
a group then reserves the kit. Roles, audit, retiring, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import office_calendar
from core.models import AuditEntry
from lending.models import EquipmentType, Item, Kit, Loan, Reservation, ReservationLine

pytestmark = pytest.mark.django_db


def _open_day(after: int):
    day = timezone.localdate() + timedelta(days=after)
    while not office_calendar.is_open_day(day):
        day += timedelta(days=1)
    return day


def _type_form(**extra) -> dict:
    data = {
        "name": "プロジェクター",
        "category": "projector",
        "tag_prefix": "MB-PJ",
        "is_digital_ready": "on",
        "description": "明るさ3000ルーメン",
        "usage_notes": "使用後はレンズキャップを付けてください。",
        "eligible_kinds": ["neighbourhood", "civic"],
        "default_components": "本体\n電源ケーブル\n\n電源ケーブル\nリモコン",
        "sort_order": "1",
        "is_active": "on",
    }
    data.update(extra)
    return data


def _item_form(equipment_type, tag, **extra) -> dict:
    data = {
        "equipment_type": equipment_type.pk,
        "tag_number": tag,
        "name": "EPSON EB-X06",
        "storage_place": "生活課 倉庫A",
        "condition": "good",
        "components": "",
        "acquired_on": "2026-04-01",
        "acquisition_cost_yen": "89800",
        "replacement_fiscal_year": "2032",
        "notes": "",
    }
    data.update(extra)
    return data


def test_staff_add_a_type_an_item_and_a_kit_print_labels_and_a_group_reserves_the_kit(
    client_for, lending_staff, make_org, make_rep, make_item, make_type
):
    staff = client_for(lending_staff)
    # The type, with its checklist and who may borrow it.
    response = staff.post(reverse("lending:type_new"), _type_form())
    projector = EquipmentType.objects.get(name="プロジェクター")
    assert response.status_code == 302
    assert projector.default_components == ["本体", "電源ケーブル", "リモコン"]
    assert projector.eligible_kinds == ["neighbourhood", "civic"]
    assert projector.is_digital_ready
    assert AuditEntry.objects.filter(action="lending.equipment_type.created").count() == 1
    # The item: its 備品番号 is suggested from the prefix, after what is already used.
    Item.objects.create(equipment_type=projector, tag_number="MB-PJ-003")
    page = staff.get(reverse("lending:item_new"), {"type": projector.pk})
    assert page.context["form"].initial["tag_number"] == "MB-PJ-004"
    assert 'value="MB-PJ-004"' in page.content.decode()
    response = staff.post(
        f"{reverse('lending:item_new')}?type={projector.pk}", _item_form(projector, "MB-PJ-004")
    )
    item = Item.objects.get(tag_number="MB-PJ-004")
    assert response.status_code == 302
    assert response["Location"] == reverse("lending:item_detail", args=[item.pk])
    assert item.components == ["本体", "電源ケーブル", "リモコン"]  # the type's checklist
    assert (item.acquisition_cost_yen, item.replacement_fiscal_year) == (89800, 2032)
    entry = AuditEntry.objects.get(action="lending.item.created")
    assert entry.actor == lending_staff
    # Its page links straight to its label, which prints its code and tag.
    detail = staff.get(response["Location"]).content.decode()
    assert reverse("lending:label_single", args=[item.pk]) in detail
    assert "令和14年度" in detail  # the planned replacement, as a fiscal year
    assert "89,800円" in detail
    label = staff.get(reverse("lending:label_single", args=[item.pk])).content.decode()
    assert "MB-PJ-004" in label and item.qr_token in label
    # The kit: the new projector with a screen and a cable.
    screen = make_item(make_type("スクリーン", category="screen"), tag_number="MB-SC-001")
    cable = make_item(make_type("HDMIケーブル", category="other"), tag_number="MB-HD-001")
    new_kit = staff.get(reverse("lending:kit_new"))
    assert new_kit.context["form"].instance.tag_number == "MB-KIT-001"  # suggested
    response = staff.post(
        reverse("lending:kit_new"),
        {
            "name": "上映セット",
            "tag_number": "MB-KIT-001",
            "storage_place": "生活課 倉庫A",
            "description": "",
            "items": [item.pk, screen.pk, cable.pk],
        },
    )
    kit = Kit.objects.get(tag_number="MB-KIT-001")
    assert response.status_code == 302
    assert {m.item_id for m in kit.members.all()} == {item.pk, screen.pk, cable.pk}
    assert AuditEntry.objects.filter(action="lending.kit.created", target_id=kit.pk).exists()
    label = staff.get(reverse("lending:kit_label", args=[kit.pk])).content.decode()
    assert "MB-KIT-001" in label and kit.qr_token in label
    sheet = staff.get(reverse("lending:kit_label_sheet"))
    assert sheet.context["label_count"] == 1 and kit.qr_token in sheet.content.decode()
    # A 自治会 sees the kit on its request form and books it as one line.
    org = make_org()
    rep = client_for(make_rep(org))
    form_page = rep.get(reverse("lending:my_reservation_new"))
    assert "上映セット（MB-KIT-001）" in form_page.content.decode()
    pickup = _open_day(7)
    back = _open_day((pickup - timezone.localdate()).days + 1)
    response = rep.post(
        reverse("lending:my_reservation_new"),
        {
            "organisation": org.pk,
            "pickup_date": pickup.isoformat(),
            "return_date": back.isoformat(),
            "event_name": "防災上映会",
            "purpose": "防災映画の上映",
            "declaration": "on",
            f"kit_{kit.pk}": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    reservation = Reservation.objects.get(organisation=org)
    assert ReservationLine.objects.get(reservation=reservation).kit == kit
    assert set(Loan.objects.filter(reservation=reservation).values_list("item_id", "kit_id")) == {
        (item.pk, kit.pk),
        (screen.pk, kit.pk),
        (cable.pk, kit.pk),
    }
    mine = rep.get(reverse("lending:my_reservation_detail", args=[reservation.pk]))
    assert "上映セット（MB-KIT-001）" in mine.content.decode()


def test_a_tag_number_already_used_is_refused_on_the_form(client_for, lending_staff, make_item):
    existing = make_item(tag_number="MB-PJ-001")
    Kit.objects.create(name="セット", tag_number="MB-KIT-001")
    staff = client_for(lending_staff)
    url = f"{reverse('lending:item_new')}?type={existing.equipment_type_id}"
    for tag in ("MB-PJ-001", "mb-kit-001"):
        response = staff.post(url, _item_form(existing.equipment_type, tag))
        assert response.status_code == 200
        assert response.context["form"].errors["tag_number"]
    assert Item.objects.count() == 1


def test_bad_input_gets_a_message_and_nothing_is_stored(client_for, lending_staff, make_type):
    staff = client_for(lending_staff)
    response = staff.post(reverse("lending:type_new"), _type_form(name="", category="spaceship"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "category"}
    assert EquipmentType.objects.count() == 0
    projector = make_type()
    response = staff.post(
        f"{reverse('lending:item_new')}?type={projector.pk}",
        _item_form(projector, "MB-X-001", replacement_fiscal_year="99999", acquired_on="昨日"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"replacement_fiscal_year", "acquired_on"}
    assert Item.objects.count() == 0


def test_a_kit_needs_two_units_and_a_unit_in_another_kit_is_not_offered(
    client_for, lending_staff, make_item
):
    staff = client_for(lending_staff)
    a, b, c = make_item(), make_item(), make_item()
    response = staff.post(
        reverse("lending:kit_new"),
        {"name": "一つだけ", "tag_number": "MB-KIT-001", "items": [a.pk]},
    )
    assert response.context["form"].errors["items"]
    staff.post(
        reverse("lending:kit_new"),
        {"name": "セットA", "tag_number": "MB-KIT-001", "items": [a.pk, b.pk]},
    )
    form = staff.get(reverse("lending:kit_new")).context["form"]
    assert list(form.fields["items"].queryset) == [c]
    assert form.instance.tag_number == "MB-KIT-002"


def test_editing_an_item_is_audited_with_the_changes(client_for, lending_staff, make_item):
    item = make_item(tag_number="MB-PJ-001", storage_place="倉庫A")
    staff = client_for(lending_staff)
    response = staff.post(
        reverse("lending:item_edit", args=[item.pk]),
        _item_form(item.equipment_type, "MB-PJ-001", storage_place="倉庫B", components="本体"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.storage_place == "倉庫B" and item.components == ["本体"]
    entry = AuditEntry.objects.get(action="lending.item.changed")
    assert entry.changes["storage_place"] == ["倉庫A", "倉庫B"]


def test_retiring_an_item_needs_a_reason_keeps_it_and_is_audited(
    client_for, lending_staff, make_item
):
    item = make_item()
    staff = client_for(lending_staff)
    staff.post(reverse("lending:item_retire", args=[item.pk]), {"reason": ""})
    item.refresh_from_db()
    assert not item.is_retired
    staff.post(reverse("lending:item_retire", args=[item.pk]), {"reason": "落下で破損"})
    item.refresh_from_db()
    assert item.is_retired and item.retired_reason == "落下で破損"
    assert AuditEntry.objects.filter(action="lending.item.retired").count() == 1
    # A retired unit is not changed any more and does not go into a kit.
    response = staff.get(reverse("lending:item_edit", args=[item.pk]))
    assert response.status_code == 302


def test_retiring_a_kit_from_its_page(client_for, lending_staff, make_item):
    from lending.services import kit_save

    kit = kit_save(
        kit=Kit(name="セット", tag_number="MB-KIT-001"),
        items=[make_item(), make_item()],
        by=lending_staff,
    )
    staff = client_for(lending_staff)
    response = staff.post(reverse("lending:kit_retire", args=[kit.pk]), {"reason": "組み直し"})
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.is_retired
    page = staff.get(reverse("lending:kit_detail", args=[kit.pk])).content.decode()
    assert "組み直し" in page and "セットを廃止" in page  # the reason and the history label


NEW_PAGES = [
    ("lending:type_list", []),
    ("lending:type_new", []),
    ("lending:type_edit", ["type"]),
    ("lending:item_new", []),
    ("lending:item_edit", ["item"]),
    ("lending:kit_list", []),
    ("lending:kit_new", []),
    ("lending:kit_detail", ["kit"]),
    ("lending:kit_edit", ["kit"]),
    ("lending:kit_label", ["kit"]),
    ("lending:kit_label_sheet", []),
    ("lending:counter_return_kit", ["kit"]),
]


def test_register_pages_are_for_lending_staff_only(
    client_for, lending_staff, dx_staff, org_rep_user, kiosk_user, volunteer_user, make_item
):
    from lending.services import kit_save

    item = make_item()
    kit = kit_save(
        kit=Kit(name="セット", tag_number="MB-KIT-001"), items=[item, make_item()], by=lending_staff
    )
    objects = {"type": item.equipment_type_id, "item": item.pk, "kit": kit.pk}
    for name, args in NEW_PAGES:
        url = reverse(name, args=[objects[a] for a in args])
        # The counter's kit return sends staff back to the scan page while nothing is out.
        expected = 302 if name == "lending:counter_return_kit" else 200
        assert client_for(lending_staff).get(url).status_code == expected, name
        for stranger in (dx_staff, org_rep_user, kiosk_user, volunteer_user):
            assert client_for(stranger).get(url).status_code == 403, (name, stranger)
    retire = reverse("lending:kit_retire", args=[kit.pk])
    assert client_for(org_rep_user).post(retire, {"reason": "x"}).status_code == 403
    assert client_for(lending_staff).get(retire).status_code == 405
    assert (
        client_for(lending_staff).get(reverse("lending:kit_detail", args=[999])).status_code == 404
    )


def test_every_register_page_is_in_the_lending_staff_menu(client_for, lending_staff):
    menu = client_for(lending_staff).get(reverse("lending:desk")).content.decode()
    for name in ("lending:type_list", "lending:kit_list", "lending:item_list"):
        assert f'href="{reverse(name)}"' in menu, name
    types = client_for(lending_staff).get(reverse("lending:type_list")).content.decode()
    assert f'href="{reverse("lending:item_new")}"' in types


def test_register_lists_use_the_same_queries_for_1_and_50_rows(
    client_for, lending_staff, make_type, make_item, django_assert_max_num_queries
):
    from lending.services import kit_save

    client = client_for(lending_staff)
    urls = [reverse("lending:type_list"), reverse("lending:kit_list")]

    def fill(count: int) -> None:
        for n in range(count):
            kit_save(
                kit=Kit(name=f"セット{n}", tag_number=f"MB-KIT-{Kit.objects.count() + 1:03d}"),
                items=[make_item(), make_item()],
                by=lending_staff,
            )

    fill(1)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counts.append(len(one))
    fill(49)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
    assert len(client.get(urls[1]).context["page"].object_list) == 50


def test_the_audit_log_links_to_the_type_the_item_and_the_kit(client_for, lending_staff, make_item):
    from lending.services import kit_save

    staff = client_for(lending_staff)
    staff.post(reverse("lending:type_new"), _type_form())
    projector = EquipmentType.objects.get(name="プロジェクター")
    staff.post(
        f"{reverse('lending:item_new')}?type={projector.pk}", _item_form(projector, "MB-PJ-001")
    )
    item = Item.objects.get(tag_number="MB-PJ-001")
    kit = kit_save(
        kit=Kit(name="セット", tag_number="MB-KIT-001"), items=[item, make_item()], by=lending_staff
    )
    log = staff.get("/staff/audit/").content.decode()
    for url in (
        reverse("lending:type_edit", args=[projector.pk]),
        reverse("lending:item_detail", args=[item.pk]),
        reverse("lending:kit_detail", args=[kit.pk]),
    ):
        assert f'href="{url}"' in log, url
    assert "セットを作成" in log and "備品を登録" in log and "備品の種類を追加" in log


def test_a_unit_of_a_type_no_longer_lent_can_still_be_changed(client_for, lending_staff, make_item):
    item = make_item(tag_number="MB-PJ-001")
    EquipmentType.objects.filter(pk=item.equipment_type_id).update(is_active=False)
    response = client_for(lending_staff).post(
        reverse("lending:item_edit", args=[item.pk]),
        _item_form(item.equipment_type, "MB-PJ-001", storage_place="本納支所 倉庫"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.storage_place == "本納支所 倉庫"


def test_choosing_an_unknown_type_asks_again(client_for, lending_staff):
    response = client_for(lending_staff).get(reverse("lending:item_new"), {"type": "999"})
    assert response.status_code == 200
    assert response.context["form"].errors["type"]
    assert Item.objects.count() == 0


def test_every_register_page_is_reached_by_following_links_from_the_menu(
    client_for, lending_staff, make_item
):
    """Start at the 生活課 menu and follow links (GET only): each new page is found."""
    import re
    from collections import deque

    from django.urls import Resolver404, resolve

    from lending.services import kit_save

    kit_save(
        kit=Kit(name="セット", tag_number="MB-KIT-001"),
        items=[make_item(), make_item()],
        by=lending_staff,
    )
    client = client_for(lending_staff)
    wanted = {name for name, _args in NEW_PAGES} - {"lending:counter_return_kit"}
    seen_names, seen_paths = set(), set()
    queue = deque([reverse("lending:desk")])
    while queue and len(seen_paths) < 300 and not wanted <= seen_names:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        try:
            match = resolve(path.split("?")[0])
        except Resolver404:
            continue
        if match.namespace != "lending" or "export" in path:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen_names.add(f"lending:{match.url_name}")
        for href in re.findall(r'href="(/lending/[^"#]*)"', response.content.decode()):
            queue.append(href.replace("&amp;", "&"))
    assert wanted <= seen_names, wanted - seen_names


def test_staff_book_a_kit_for_a_group_that_phoned(client_for, lending_staff, make_org, make_item):
    from lending.services import kit_save

    kit = kit_save(
        kit=Kit(name="上映セット", tag_number="MB-KIT-001"),
        items=[make_item(), make_item()],
        by=lending_staff,
    )
    org = make_org()
    pickup = _open_day(7)
    response = client_for(lending_staff).post(
        reverse("lending:reservation_new"),
        {
            "organisation": org.pk,
            "pickup_date": pickup.isoformat(),
            "return_date": pickup.isoformat(),
            "event_name": "総会",
            "purpose": "資料の投影",
            "declaration": "on",
            "provisional": "on",
            f"kit_{kit.pk}": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    reservation = Reservation.objects.get(organisation=org)
    assert reservation.state == Reservation.State.PROVISIONAL
    assert reservation.loans.filter(kit=kit).count() == 2


def test_the_item_list_shows_the_kit_and_its_export_carries_cost_and_renewal(
    client_for, lending_staff, make_item
):
    from lending.services import kit_save

    item = make_item(
        tag_number="MB-PJ-001", acquisition_cost_yen=89800, replacement_fiscal_year=2032
    )
    kit_save(
        kit=Kit(name="上映セット", tag_number="MB-KIT-001"),
        items=[item, make_item()],
        by=lending_staff,
    )
    client = client_for(lending_staff)
    page = client.get(reverse("lending:item_list")).content.decode()
    assert "MB-KIT-001" in page
    assert "89800" not in page  # the money stays in the register's export
    export = client.get(reverse("lending:item_list"), {"_export": "csv"})
    text = export.content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert "取得価格（円）" in header and "更新予定年度" in header
    assert "MB-PJ-001" in first and "89800" in first and "2032" in first and "MB-KIT-001" in first

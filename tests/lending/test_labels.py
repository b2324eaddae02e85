"""QR labels: A4 sheets of every active item (or a selection), single labels, token re-issue."""

import re

import pytest
import qrcode
from django.conf import settings
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from core.models import AuditEntry
from lending import qr
from lending.models import Item

pytestmark = pytest.mark.django_db


def qr_matrix(data: str) -> list[list[bool]]:
    """The module grid (True = dark), quiet zone included, of the code the labels draw."""
    return qr._build(data).get_matrix()


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by an SVG path of unit squares (qrcode's SvgPathImage)."""
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", svg)}


def matrix_modules(data: str, error_correction: int) -> set[tuple[int, int]]:
    code = qrcode.QRCode(error_correction=error_correction, border=4)
    code.add_data(data)
    code.make(fit=True)
    return {(x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}


def svgs_in(html: str) -> list[str]:
    return re.findall(r"<svg[^>]*class=\"qr\".*?</svg>", html, flags=re.S)


def test_sheet_without_selection_lists_every_active_item(client_for, lending_staff, make_item):
    items = [make_item() for _ in range(3)]
    retired = make_item()
    Item.objects.filter(pk=retired.pk).update(
        status=Item.Status.RETIRED, retired_at="2026-01-01T00:00Z"
    )
    response = client_for(lending_staff).get("/lending/labels/")
    html = response.content.decode()
    assert response.status_code == 200
    sheet = html[html.index('class="label-preview"') :]
    for item in items:
        assert item.tag_number in sheet
        assert item.qr_token in html  # in the QR's accessible name
    assert retired.tag_number not in html
    assert len(svgs_in(html)) == 3
    assert "lending/labels.css" in html


def test_sheet_with_selection_prints_only_the_chosen_items(client_for, lending_staff, make_item):
    chosen, other = make_item(), make_item()
    response = client_for(lending_staff).get("/lending/labels/", {"item": [chosen.pk]})
    sheet = response.content.decode().split('class="label-preview"', 1)[1]
    assert chosen.tag_number in sheet
    assert other.tag_number not in sheet


def test_sheet_starts_a_new_a4_page_after_21_labels(
    client_for, lending_staff, make_item, make_type
):
    kind = make_type()
    for _ in range(22):
        make_item(equipment_type=kind)
    html = client_for(lending_staff).get("/lending/labels/").content.decode()
    assert html.count('<section class="label-sheet"') == 2
    assert len(svgs_in(html)) == 22


def test_label_qr_encodes_site_url_and_token_with_error_correction_q(
    client_for, lending_staff, make_item
):
    item = make_item()
    html = client_for(lending_staff).get(f"/lending/labels/{item.pk}/").content.decode()
    [svg] = svgs_in(html)
    expected = f"{settings.SITE_URL}/t/{item.qr_token}"
    drawn = svg_modules(svg)
    assert drawn == matrix_modules(expected, ERROR_CORRECT_Q)
    for other_level in (ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_H):
        assert drawn != matrix_modules(expected, other_level)
    assert drawn != matrix_modules(f"{settings.SITE_URL}/t/{item.qr_token}x", ERROR_CORRECT_Q)
    # qr_matrix (the helper the SVG is drawn from) agrees, quiet zone included.
    assert {
        (x, y) for y, r in enumerate(qr_matrix(expected)) for x, d in enumerate(r) if d
    } == drawn


def test_label_shows_tag_name_and_the_lending_section_from_settings(
    client_for, lending_staff, make_item, settings
):
    item = make_item(name="EPSON EB-W06")
    city, section = settings.TSUNAGU["city"]["name"], settings.TSUNAGU["sections"]["lending"]
    html = client_for(lending_staff).get(f"/lending/labels/{item.pk}/").content.decode()
    assert item.tag_number in html
    assert "EPSON EB-W06" in html
    assert f"{city} {section}" in html

    settings.TSUNAGU = {
        **settings.TSUNAGU,
        "sections": {**settings.TSUNAGU["sections"], "lending": "市民課"},
    }
    html = client_for(lending_staff).get(f"/lending/labels/{item.pk}/").content.decode()
    assert f"{city} 市民課" in html


def test_label_css_lays_out_a4_in_millimetres():
    css = (settings.BASE_DIR / "static" / "lending" / "labels.css").read_text()
    assert re.search(r"@page\s*\{\s*size:\s*A4", css)
    assert "grid-template-columns: repeat(3, 70mm)" in css
    assert "grid-template-rows: repeat(7, 42.3mm)" in css


def test_labels_are_for_lending_staff_only(
    client, client_for, make_item, org_rep_user, dx_staff, kiosk_user
):
    item = make_item()
    for path in (
        "/lending/labels/",
        f"/lending/labels/{item.pk}/",
        f"/lending/items/{item.pk}/new-qr-code/",
    ):
        assert client.get(path).status_code == 302
        for user in (org_rep_user, dx_staff, kiosk_user):
            assert client_for(user).get(path).status_code == 403, (path, user)


def test_single_label_of_a_retired_item_is_not_found(client_for, lending_staff, make_item):
    item = make_item()
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.RETIRED, retired_at="2026-01-01T00:00Z"
    )
    assert client_for(lending_staff).get(f"/lending/labels/{item.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_label_sheet_query_count_does_not_grow(
    client_for, lending_staff, make_item, make_type, django_assert_max_num_queries, count
):
    kind = make_type()
    for _ in range(count):
        make_item(equipment_type=kind)
    client = client_for(lending_staff)
    with django_assert_max_num_queries(8):
        assert client.get("/lending/labels/").status_code == 200


def test_reissued_token_replaces_the_old_label(client, client_for, lending_staff, make_item):
    item = make_item()
    old = item.qr_token
    staff = client_for(lending_staff)
    assert client.get(f"/t/{old}").status_code == 200

    page = staff.get(f"/lending/items/{item.pk}/new-qr-code/")
    assert page.status_code == 200
    assert Item.objects.get(pk=item.pk).qr_token == old  # a GET only asks

    response = staff.post(f"/lending/items/{item.pk}/new-qr-code/", {"reason": "ラベルがはがれた"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.qr_token != old
    assert len(item.qr_token) >= 22  # ≥128 bits, URL-safe

    assert client.get(f"/t/{old}").status_code == 404
    assert client.get(f"/t/{old}/").status_code == 404
    assert client.get(f"/t/{item.qr_token}").status_code == 200
    label = staff.get(response["Location"]).content.decode()
    assert item.qr_token in label and old not in label

    [entry] = AuditEntry.objects.filter(action="lending.item.qr_reissued", target_id=str(item.pk))
    assert entry.actor == lending_staff
    assert entry.note == "ラベルがはがれた"
    assert old not in str(entry.changes)


def test_label_sheet_can_be_narrowed_to_one_type(client_for, lending_staff, make_item, make_type):
    tents, projectors = make_type("テント"), make_type("プロジェクター")
    tent, projector = make_item(equipment_type=tents), make_item(equipment_type=projectors)
    html = (client_for(lending_staff).get("/lending/labels/", {"type": tents.pk})).content.decode()
    sheet = html.split('class="label-preview"', 1)[1]
    assert tent.tag_number in sheet
    assert projector.tag_number not in sheet

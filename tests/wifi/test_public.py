"""The public spots page and /opendata/wifi.csv: operating machines only, the standard layout."""

import csv
import io
from datetime import date

import pytest

from wifi.models import MachineStatus

pytestmark = pytest.mark.django_db

HEADER = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "住所",
    "方書",
    "緯度",
    "経度",
    "設置者",
    "電話番号",
    "内線番号",
    "SSID",
    "提供エリア",
    "URL",
    "備考",
]


@pytest.fixture
def machines(make_machine, make_facility):
    return {
        "operating": make_machine(
            facility=make_facility("稼働公民館", name_en="Working Hall", phone="0475-00-0001"),
            spot="1階正面玄関横",
            ssid="Mobara_Free",
            history=[("operating", date(2025, 4, 1))],
        ),
        "removed": make_machine(
            facility=make_facility("撤去公民館"),
            spot="撤去された場所",
            history=[("operating", date(2024, 4, 1)), ("removed", date(2025, 5, 1))],
        ),
        "suspended": make_machine(
            facility=make_facility("休止公民館"),
            history=[("operating", date(2024, 4, 1)), ("suspended", date(2025, 5, 1))],
        ),
        "planned": make_machine(
            facility=make_facility("計画公民館"), history=[("planned", date(2025, 5, 1))]
        ),
    }


def test_public_page_lists_operating_machines_and_no_removed_one(client, machines):
    response = client.get("/wifi/spots/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "稼働公民館" in page and "1階正面玄関横" in page and "Mobara_Free" in page
    assert "00000JAPAN" in page
    assert "災害のとき" in page
    for hidden in ("撤去公民館", "撤去された場所", "休止公民館", "計画公民館"):
        assert hidden not in page


def test_public_page_in_english_through_the_language_switcher(client, machines):
    client.post("/i18n/setlang/", {"language": "en", "next": "/wifi/spots/"})
    page = client.get("/wifi/spots/").content.decode()
    assert "Free Wi-Fi spots" in page
    assert "In a disaster" in page
    assert "Working Hall" in page


def test_opendata_csv_has_exactly_the_18_standard_columns(client, machines, settings):
    response = client.get("/opendata/wifi.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == HEADER
    assert len(rows[0]) == 18
    assert all(len(row) == 18 for row in rows)
    body = rows[1:]
    assert len(body) == 1  # operating only
    row = dict(zip(HEADER, body[0], strict=True))
    assert row["都道府県コード又は市区町村コード"] == "122106"
    assert (
        row["都道府県コード又は市区町村コード"] == settings.TSUNAGU["city"]["local_government_code"]
    )
    assert row["NO"] == "1"
    assert row["都道府県名"] == settings.TSUNAGU["city"]["prefecture"] == "千葉県"
    assert row["市区町村名"] == settings.TSUNAGU["city"]["name"]
    assert row["名称"] == "稼働公民館"
    assert row["名称_カナ"] and row["住所"]  # required columns are filled
    assert row["方書"] == "1階正面玄関横"
    assert row["SSID"] == "Mobara_Free"
    assert row["URL"].endswith("/wifi/spots/")


def test_opendata_csv_drops_a_machine_once_it_is_removed(client, machines, dx_staff):
    from wifi.services import machine_status_change

    machine_status_change(
        machine=machines["operating"], status=MachineStatus.REMOVED, reason="撤去", by=dx_staff
    )
    rows = list(csv.reader(io.StringIO(client.get("/opendata/wifi.csv").content.decode())))
    assert rows == [HEADER]
    assert "稼働公民館" not in client.get("/wifi/spots/").content.decode()

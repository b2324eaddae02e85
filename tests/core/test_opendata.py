"""core.opendata: the 公共施設一覧 in the national layout, public, and safe in a spreadsheet."""

import csv
import io
from datetime import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from core.opendata import FACILITY_COLUMNS, city_columns, opendata_response

# REFERENCE.md, 公共施設一覧 (24 columns), copied here on purpose: the layout is national.
REFERENCE_HEADER = (
    "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,名称_通称,"
    "POIコード,住所,方書,緯度,経度,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,"
    "終了時間,利用可能日時特記事項,説明,バリアフリー情報,URL,備考"
)
URL = "/opendata/facilities.csv"


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_the_url_is_core_opendata_facilities():
    assert reverse("core:opendata_facilities") == URL


def test_the_facility_columns_are_the_reference_layout():
    assert ",".join(FACILITY_COLUMNS) == REFERENCE_HEADER
    assert len(FACILITY_COLUMNS) == 24


@pytest.mark.django_db
def test_anyone_may_download_the_facilities_csv(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="facilities.csv"'


@pytest.mark.django_db
def test_an_empty_register_still_has_the_header(client):
    assert _rows(client.get(URL)) == [REFERENCE_HEADER.split(",")]


@pytest.mark.django_db
def test_only_get_is_allowed(client):
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_the_file_is_utf8_without_bom_with_crlf_and_exactly_24_columns(client, make_facility):
    make_facility("茂原市役所", description="本庁舎\n1階に窓口")
    make_facility("中央公民館")
    response = client.get(URL)
    content = response.content
    assert not content.startswith(b"\xef\xbb\xbf")
    assert content.startswith("都道府県コード又は市区町村コード,NO,".encode())
    assert content.count(b"\r\n") >= 3
    assert b"\n" not in content.replace(b"\r\n", b"").replace("本庁舎\n1階".encode(), b"")
    rows = _rows(response)
    assert rows[0] == REFERENCE_HEADER.split(",")
    assert all(len(row) == 24 for row in rows)


@pytest.mark.django_db
def test_each_row_starts_with_the_city_and_a_running_number(client, make_facility):
    make_facility("茂原市役所", name_kana="モバラシヤクショ")
    make_facility("中央公民館", name_kana="チュウオウコウミンカン")
    rows = _rows(client.get(URL))[1:]
    city = settings.TSUNAGU["city"]
    assert [row[:4] for row in rows] == [
        ["122106", "1", city["prefecture"], city["name"]],
        ["122106", "2", city["prefecture"], city["name"]],
    ]
    assert rows[0][0] == "122106" == city["local_government_code"]
    assert [row[4] for row in rows] == ["中央公民館", "茂原市役所"]  # in kana order


@pytest.mark.django_db
def test_every_field_lands_in_its_column(client, make_facility):
    make_facility(
        "茂原市本納公民館",
        name_kana="モバラシホンノウコウミンカン",
        common_name="本納公民館",
        poi_code="3002",
        address="千葉県茂原市本納2191番地",
        address_detail="2階",
        latitude=Decimal("35.498000"),
        longitude=Decimal("140.282000"),
        phone="0475-34-2028",
        extension="21",
        corporate_number="4000020122106",
        available_days="火水木金土日",
        opens_at=time(9, 0),
        closes_at=time(21, 30),
        availability_notes="年末年始休館",
        description="地域の公民館",
        barrier_free="車椅子対応トイレ; スロープ ;",
        url="https://www.city.mobara.chiba.jp/",
        notes="駐車場あり",
    )
    row = dict(zip(FACILITY_COLUMNS, _rows(client.get(URL))[1], strict=True))
    assert row == {
        "都道府県コード又は市区町村コード": "122106",
        "NO": "1",
        "都道府県名": "千葉県",
        "市区町村名": "茂原市",
        "名称": "茂原市本納公民館",
        "名称_カナ": "モバラシホンノウコウミンカン",
        "名称_通称": "本納公民館",
        "POIコード": "3002",
        "住所": "千葉県茂原市本納2191番地",
        "方書": "2階",
        "緯度": "35.498000",
        "経度": "140.282000",
        "電話番号": "0475-34-2028",
        "内線番号": "21",
        "法人番号": "4000020122106",
        "団体名": "茂原市",
        "利用可能曜日": "火水木金土日",
        "開始時間": "09:00",
        "終了時間": "21:30",
        "利用可能日時特記事項": "年末年始休館",
        "説明": "地域の公民館",
        "バリアフリー情報": "車椅子対応トイレ;スロープ",
        "URL": "https://www.city.mobara.chiba.jp/",
        "備考": "駐車場あり",
    }


@pytest.mark.django_db
def test_facilities_no_longer_in_use_are_left_out(client, make_facility):
    make_facility("中央公民館")
    make_facility("閉館した施設", is_active=False)
    assert [row[4] for row in _rows(client.get(URL))[1:]] == ["中央公民館"]


@pytest.mark.django_db
def test_a_formula_typed_into_a_facility_is_text_in_the_csv(client, make_facility):
    make_facility('=HYPERLINK("http://evil.example","x")', notes="@SUM(A1)")
    row = _rows(client.get(URL))[1]
    assert row[4] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[23] == "'@SUM(A1)"


@pytest.mark.django_db
def test_the_csv_costs_one_query_however_many_facilities(
    client, make_facility, django_assert_num_queries
):
    for i in range(30):
        make_facility(f"施設{i}")
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert len(_rows(response)) == 31


def test_city_columns_come_from_the_city_file():
    city = settings.TSUNAGU["city"]
    assert city_columns(7) == ["122106", 7, city["prefecture"], city["name"]]


def test_opendata_response_writes_any_layout_without_bom():
    response = opendata_response("events.csv", ["名称", "件数"], [["=1", 3]])
    assert response.content == "名称,件数\r\n'=1,3\r\n".encode()
    assert response["Content-Disposition"] == 'inline; filename="events.csv"'

"""Open-data CSVs: header rows exactly as REFERENCE.md, first column the city code."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from outreach.models import ClassSession

REFERENCE = Path("/work/shared/REFERENCE.md")
# The same header rows as REFERENCE.md (copied so the test also runs without that file).
EVENTS_HEADER = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,イベント名_カナ,イベント名_英語,開始日,終了日,開始時間,終了時間,開始日時特記事項,説明,料金(基本),料金(詳細),連絡先名称,連絡先電話番号,連絡先内線番号,主催者,場所名称,住所,方書,緯度,経度,アクセス方法,駐車場情報,定員,参加申込終了日,参加申込終了時間,参加申込方法,URL,備考"
FACILITIES_HEADER = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,名称_通称,POIコード,住所,方書,緯度,経度,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,説明,バリアフリー情報,URL,備考"


def _reference_header(title: str) -> str | None:
    if not REFERENCE.exists():
        return None
    text = REFERENCE.read_text(encoding="utf-8")
    block = text[text.index(title) :]
    return re.search(r"`(都道府県コード[^`]+)`", block).group(1)


def _parse(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_reference_copies_match_reference_md():
    for title, ours in (
        ("イベント一覧 (32", EVENTS_HEADER),
        ("公共施設一覧 (24", FACILITIES_HEADER),
    ):
        reference = _reference_header(title)
        if reference is None:
            pytest.skip("REFERENCE.md not available")
        assert reference == ours


@pytest.mark.django_db
def test_events_csv_matches_the_reference_layout(client, make_session, make_course, make_facility):
    venue = make_facility(name="茂原市中央公民館", latitude="35.421300", longitude="140.293600")
    course = make_course(name_kana="スマホニュウモン", what_to_bring="スマートフォン、筆記用具")
    session = make_session(course=course, venue=venue, title="はじめてのスマホ, LINE編")
    make_session(status=ClassSession.Status.PLANNED)
    response = client.get(reverse("outreach:opendata_events"))
    assert _header(response) == EVENTS_HEADER.split(",")
    assert len(_header(response)) == 32
    rows = _parse(response)
    assert len(rows) == 1
    row = rows[0]
    assert list(row)[0] == "都道府県コード又は市区町村コード"
    assert row["都道府県コード又は市区町村コード"] == "122106"
    assert row["都道府県名"] == settings.TSUNAGU["city"]["prefecture"]
    assert row["市区町村名"] == settings.TSUNAGU["city"]["name"]
    assert row["NO"] == "1"
    assert row["イベント名"] == "はじめてのスマホ, LINE編"  # a comma survives quoting
    assert row["イベント名_カナ"] == "スマホニュウモン"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["開始日"])
    assert re.fullmatch(r"\d{2}:\d{2}", row["開始時間"])
    assert row["場所名称"] == "茂原市中央公民館"
    assert row["緯度"] == "35.421300"
    assert row["定員"] == str(session.capacity)
    assert row["URL"].endswith(f"/classes/{session.pk}/")
    assert "スマートフォン" in row["備考"]


@pytest.mark.django_db
def test_facilities_csv_matches_the_reference_layout(client, make_facility):
    make_facility(
        name="茂原市本納公民館",
        name_kana="モバラシホンノウコウミンカン",
        barrier_free="車椅子対応トイレ; スロープ",
        phone="0475-34-2028",
    )
    make_facility(name="閉館した施設", is_active=False)
    response = client.get(reverse("core:opendata_facilities"))
    assert _header(response) == FACILITIES_HEADER.split(",")
    assert len(_header(response)) == 24
    rows = _parse(response)
    assert [r["名称"] for r in rows] == ["茂原市本納公民館"]
    row = rows[0]
    assert row["都道府県コード又は市区町村コード"] == "122106"
    assert row["バリアフリー情報"] == "車椅子対応トイレ;スロープ"
    assert row["団体名"] == settings.TSUNAGU["city"]["name"]
    assert row["電話番号"] == "0475-34-2028"

"""Open data (自治体標準オープンデータセット, 推奨データセット layout): the shared parts.

Every file is UTF-8 with CRLF and a header row exactly as the national guideline
gives it (no BOM), one row per record, and starts with the city's 団体コード, a
running number, 都道府県名 and 市区町村名 from the city file. Cells go through the
one export writer, so no formula reaches a spreadsheet. The 公共施設一覧 is
``core``'s own (facilities are core data); the apps serve their own files.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from core.exports import CSV_TYPE, write_csv
from core.models import Facility

FACILITY_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_通称",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "説明",
    "バリアフリー情報",
    "URL",
    "備考",
]


def city_columns(number: int) -> list[Any]:
    """The first four columns of every open-data row: 団体コード, NO, 都道府県名, 市区町村名."""
    city = settings.TSUNAGU["city"]
    return [city["local_government_code"], number, city["prefecture"], city["name"]]


def opendata_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An open-data CSV in the national layout (UTF-8 without BOM, CRLF)."""
    response = HttpResponse(write_csv(header, rows, bom=False), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


@login_not_required
@require_GET
def facilities_csv(request):
    """公共施設一覧: the facilities in use."""
    city = settings.TSUNAGU["city"]
    facilities = Facility.objects.filter(is_active=True).order_by("name_kana", "pk")
    rows = (
        [
            *city_columns(number),
            f.name,
            f.name_kana,
            f.common_name,
            f.poi_code,
            f.address,
            f.address_detail,
            f.latitude,
            f.longitude,
            f.phone,
            f.extension,
            f.corporate_number,
            city["name"],
            f.available_days,
            hhmm(f.opens_at),
            hhmm(f.closes_at),
            f.availability_notes,
            f.description,
            ";".join(f.barrier_free_items),
            f.url,
            f.notes,
        ]
        for number, f in enumerate(facilities, start=1)
    )
    return opendata_response("facilities.csv", FACILITY_COLUMNS, rows)

"""CSV in and out, shared by every app: open-data files and uploaded imports.

Open data follows the 自治体標準オープンデータセット conventions: UTF-8, CRLF,
a header row, and the city's 団体コード, 都道府県名 and 市区町村名 (from
settings) in the first columns. Uploads come from Excel as often as not, so
Shift_JIS (cp932) is accepted besides UTF-8.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse


def city_columns(number: int) -> list[Any]:
    """The first four columns of every open-data row: 団体コード, NO, 都道府県名, 市区町村名."""
    city = settings.TSUNAGU["city"]
    return [city["local_government_code"], number, city["prefecture"], city["name"]]


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, download: bool = False
) -> HttpResponse:
    """A UTF-8, CRLF CSV response; None becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def decode_upload(data: bytes) -> str | None:
    """The text of an uploaded CSV: UTF-8 (with or without BOM), else Shift_JIS; None if neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

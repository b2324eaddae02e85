"""CSV, JSON, the kpi_report command and the page agree, byte for byte where they can."""

import csv
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kpi import services

from .conftest import at, make_member, publish

# The public URLs answer for published years and the running one: 2025 runs here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fy2025_running")]


def command(fiscal_year, fmt) -> bytes:
    out = StringIO()
    call_command("kpi_report", "--fiscal-year", str(fiscal_year), "--format", fmt, stdout=out)
    return out.getvalue().encode("utf-8")


def test_json_url_and_command_give_the_same_bytes(facts, client):
    response = client.get("/kpi/2025.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == command(2025, "json")
    data = json.loads(response.content)
    rows = {row["code"]: row for row in data["rows"]}
    assert (data["fiscal_year"], data["label"], data["status"]) == (
        2025,
        "令和7年度",
        "provisional",
    )
    assert (rows["joined"]["value"], rows["joined"]["rate_percent"], rows["joined"]["grade"]) == (
        20,
        50.0,
        "A",
    )
    assert (rows["training"]["value"], rows["training"]["rate_percent"]) == (136, 88.3)
    assert (
        rows["incidents"]["value"],
        rows["incidents"]["passed"],
        rows["incidents"]["grade"],
    ) == (0, True, "S")


def test_csv_url_and_command_give_the_same_bytes_and_the_sheet_columns(facts, client):
    response = client.get("/kpi/2025.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == command(2025, "csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    header = table[0]
    assert header[:9] == [
        "年度",
        "状態",
        "分野",
        "指標名",
        "単位",
        "基準値",
        "基準年度",
        "目標値",
        "目標年度",
    ]
    assert header[9:14] == [f"実績値(令和{n}年度)" for n in (3, 4, 5, 6, 7)]
    assert header[14:] == [
        "当該年度の目標値",
        "達成率(%)",
        "評価",
        "要因分析",
        "今後の方向性",
        "担当課",
        "集計方法",
        "注意事項",
        "実人数(当該年度)",
    ]
    joined = dict(zip(header, table[1], strict=True))
    assert joined["指標名"] == "登録者数(年間)"
    assert (
        joined["実績値(令和6年度)"],
        joined["実績値(令和7年度)"],
        joined["達成率(%)"],
        joined["評価"],
    ) == ("3", "20", "50.0", "A")
    assert joined["実績値(令和3年度)"] == "10(基準値)"
    assert joined["状態"] == "暫定"
    training = dict(zip(header, table[3], strict=True))
    assert training["実績値(令和4年度)"] == "58(手入力)"
    # a cumulative total says what it is made of, not 「136(手入力)」
    assert training["実績値(令和7年度)"] == "136(記録20+手入力116)"
    incidents = dict(zip(header, table[4], strict=True))
    assert (incidents["達成率(%)"], incidents["評価"]) == ("達成", "S")
    plain = dict(zip(header, table[5], strict=True))
    assert plain["担当課"] == "生活課"


def test_page_shows_the_same_figures_as_the_json(facts, client):
    data = json.loads(client.get("/kpi/2025.json").content)
    page = client.get("/kpi/2025/")
    shown = page.context["sheet"]
    for exported, rendered in zip(data["rows"], shown["rows"], strict=True):
        assert (exported["value"], exported["rate_percent"], exported["grade"]) == (
            rendered["value"],
            rendered["rate_percent"],
            rendered["grade"],
        )
        assert [v["value"] for v in exported["values"]] == [v["value"] for v in rendered["values"]]


def test_exports_are_japanese_even_for_an_english_visitor(facts, client):
    japanese = client.get("/kpi/2025.csv").content
    client.post(reverse("set_language"), {"language": "en", "next": "/kpi/"})
    assert client.get("/kpi/2025.csv").content == japanese


def test_closed_year_exports_the_frozen_figures_with_differences(texts, facts, client, dx_staff):
    publish(2025, dx_staff)
    make_member(at(2025, 12, 24), 777)
    data = json.loads(client.get("/kpi/2025.json").content)
    joined = next(r for r in data["rows"] if r["code"] == "joined")
    assert (data["status"], joined["value"], joined["current_value"], joined["difference"]) == (
        "closed",
        20,
        21,
        1,
    )
    assert client.get("/kpi/2025.json").content == command(2025, "json")
    assert "確定" in client.get("/kpi/2025.csv").content.decode()


def test_unknown_year_is_404_and_a_command_error(engine_period, client):
    assert client.get("/kpi/2019.json").status_code == 404
    assert client.get("/kpi/2099.csv").status_code == 404  # not yet published
    with pytest.raises(CommandError):
        command(2019, "json")


def test_staff_xlsx_has_the_csv_figures_as_numbers_with_the_notes_in_their_own_column(
    facts, client_for, dx_staff, client
):
    from openpyxl import load_workbook

    response = client_for(dx_staff).get(reverse("kpi:sheet_xlsx", args=[2025]))
    book = load_workbook(io.BytesIO(response.content))
    lines = list(book.active.iter_rows(values_only=True))
    table = list(csv.reader(io.StringIO(client.get("/kpi/2025.csv").content.decode())))
    assert len(lines) == len(table)
    assert list(lines[0]) == [*table[0], "注記"]
    noted = 0
    for line, csv_line in zip(lines[1:], table[1:], strict=True):
        *cells, notes = line
        for heading, cell, text in zip(table[0], cells, csv_line, strict=True):
            if isinstance(cell, int | float):
                number, _, note = text.partition("(")
                assert float(number) == cell  # the CSV's figure, kept a number for Excel
                if note:  # 「28(手入力)」 in the CSV: 28 here and the note in 注記
                    assert f"{heading}: {note.rstrip(')')}" in notes
                    noted += 1
            else:
                assert ("" if cell is None else cell) == text
                assert not re.fullmatch(r"-?\d+(\.\d+)?(\(.*\))?", text or "")
    assert noted >= 3  # the typed-in years of the training KPI
    joined = dict(zip(lines[0], lines[1], strict=True))
    assert (joined["実績値(令和7年度)"], joined["達成率(%)"]) == (20, 50)
    training = next(line for line in lines if line[3] == facts["training"].name)
    assert "実績値(令和6年度): 手入力" in training[-1]


def test_texts_that_look_like_formulas_are_not_formulas_in_the_csv(facts, client, dx_staff):
    services.comment_save(
        kpi=facts["joined"],
        fiscal_year=2025,
        analysis='=HYPERLINK("http://x")',
        outlook="-",
        by=dx_staff,
    )
    table = list(csv.reader(io.StringIO(client.get("/kpi/2025.csv").content.decode())))
    joined = dict(zip(table[0], table[1], strict=True))
    assert joined["要因分析"] == '\'=HYPERLINK("http://x")'
    assert joined["今後の方向性"] == "'-"
    assert (
        json.loads(client.get("/kpi/2025.json").content)["rows"][0]["analysis"]
        == '=HYPERLINK("http://x")'
    )

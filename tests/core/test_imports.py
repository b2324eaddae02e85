"""core.imports: every line checked first, then all saved or none, with errors in Japanese."""

from decimal import Decimal, InvalidOperation

import pytest
from django.core.exceptions import ValidationError

from core.imports import Column, CsvImport, RowError, decode_upload, read_rows, run_import
from core.models import Facility
from core.refusals import Refusal

HEADER = "名称,名称_カナ,住所,電話番号,緯度,説明"


def _build(values: dict[str, str], context) -> Facility:
    if values["name"] == "閉鎖施設":
        raise Refusal("閉鎖した施設は登録できません。", field="name")
    facility = Facility(
        name=values["name"],
        name_kana=values["name_kana"],
        address=values["address"],
        phone=values["phone"],
        description=values["description"],
    )
    problems = {}
    if values["latitude"]:
        try:
            facility.latitude = Decimal(values["latitude"])
        except InvalidOperation:
            problems["latitude"] = ["数字で入力してください。"]
    if values["phone"] and not values["phone"].replace("-", "").isdigit():
        problems["phone"] = ["電話番号は数字とハイフンで入力してください。"]
    if problems:
        raise ValidationError(problems)
    context["built"] += 1
    return facility


def _save(objects: list[Facility], by) -> int:
    # One by one, as a service would (each write may fail on a constraint).
    for facility in objects:
        facility.save()
    return len(objects)


FACILITIES = CsvImport(
    columns=[
        Column("名称", "name", required=True, example="茂原市役所"),
        Column("名称_カナ", "name_kana", required=True, example="モバラシヤクショ"),
        Column("住所", "address", required=True, example="千葉県茂原市道表1番地"),
        Column("電話番号", "phone"),
        Column("緯度", "latitude"),
        Column("説明", "description"),
    ],
    build=_build,
    save=_save,
    prepare=lambda: {"built": 0},
    key="name",
)

GOOD_LINES = [
    "茂原市役所,モバラシヤクショ,千葉県茂原市道表1番地,0475-23-2111,35.428,本庁舎",
    "中央公民館,チュウオウコウミンカン,千葉県茂原市高師1番地,,,",
]


def _csv(*lines: str, header: str = HEADER, newline: str = "\r\n") -> str:
    return newline.join([header, *lines]) + newline


def _import(text_or_bytes, *, spec: CsvImport = FACILITIES, dry_run=False, encoding="utf-8"):
    data = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode(encoding)
    return run_import(spec, data=data, by=None, dry_run=dry_run)


def _messages(result) -> list[str]:
    return [str(error) for error in result.errors]


# --- encodings and line endings ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"], ids=["utf8", "bom", "cp932", "sjis"]
)
def test_excel_encodings_are_read(encoding):
    result = _import(_csv(*GOOD_LINES), encoding=encoding)
    assert result.ok, _messages(result)
    assert result.saved == 2
    assert set(Facility.objects.values_list("name", flat=True)) == {"茂原市役所", "中央公民館"}
    assert Facility.objects.get(name="茂原市役所").name_kana == "モバラシヤクショ"


@pytest.mark.django_db
def test_cp932_only_characters_are_read():
    # ㈱ and ① exist in cp932 (Windows) but not in plain Shift_JIS.
    result = _import(_csv("㈱茂原①会館,モバラカイカン,茂原市,,,"), encoding="cp932")
    assert result.ok, _messages(result)
    assert Facility.objects.get().name == "㈱茂原①会館"


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "bare-cr"])
def test_every_line_ending_is_read(newline):
    result = _import(_csv(*GOOD_LINES, newline=newline))
    assert result.ok, _messages(result)
    assert result.rows == 2
    assert Facility.objects.count() == 2


@pytest.mark.django_db
def test_a_quoted_cell_may_hold_a_line_break_and_commas():
    result = _import(_csv('茂原市役所,モバラシヤクショ,茂原市,,,"1階:窓口\r\n2階:会議室, 和室"'))
    assert result.ok, _messages(result)
    assert Facility.objects.get().description == "1階:窓口\n2階:会議室, 和室"


@pytest.mark.django_db
def test_a_file_in_no_known_encoding_is_refused_in_japanese():
    result = _import("名称\n".encode("utf-16"))
    assert not result.ok
    assert _messages(result) == [
        "ファイルを読み込めませんでした。CSV（UTF-8）で保存して、もう一度お試しください。"
    ]


def test_decode_upload_prefers_utf8_and_falls_back_to_cp932():
    assert decode_upload("名称".encode()) == "名称"
    assert decode_upload("\ufeff名称".encode()) == "名称"
    assert decode_upload("名称".encode("cp932")) == "名称"


# --- files that cannot be read ---------------------------------------------------------


@pytest.mark.django_db
def test_a_cell_over_the_csv_field_limit_is_a_japanese_error_naming_its_line():
    huge = "あ" * 140_000  # over csv.field_size_limit() (131,072 characters)
    result = _import(_csv(GOOD_LINES[0], f"中央公民館,チュウオウ,茂原市,,,{huge}", GOOD_LINES[1]))
    assert not result.ok
    assert len(result.errors) == 1
    assert result.errors[0].line == 0
    message = _messages(result)[0]
    assert "3行目" in message
    assert "読み取れません" in message
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_quote_that_is_never_closed_names_its_line():
    result = _import(_csv(GOOD_LINES[0], '"中央公民館,チュウオウ,茂原市,,,') + "x" * 140_000)
    assert not result.ok
    assert "行目" in _messages(result)[0]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_is_an_error_not_an_exception():
    # csv reads NUL since Python 3.11; PostgreSQL refuses it in text (a 500 at save).
    result = _import(_csv(GOOD_LINES[0], "茂原\x00市役所,モバラ,茂原市,,,"))
    assert _messages(result) == ["3行目に NUL 文字があるため読み取れませんでした。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_reading():
    spec = CsvImport(
        columns=FACILITIES.columns, build=_build, save=_save, prepare=lambda: {"built": 0},
        max_bytes=1024 * 1024,
    )  # fmt: skip
    line = "茂原市役所,モバラシヤクショ,千葉県茂原市道表1番地,,,"
    result = _import(_csv(*[line] * 20_000), spec=spec)
    assert not result.ok
    assert _messages(result) == ["ファイルが大きすぎます（1MBまで）。"]
    assert not Facility.objects.exists()


def test_read_rows_refuses_over_the_limit():
    with pytest.raises(Refusal):
        read_rows(b"x" * 11, max_bytes=10)
    assert read_rows(b"x" * 10, max_bytes=10) == [["x" * 10]]


@pytest.mark.django_db
def test_too_many_lines_are_refused():
    spec = CsvImport(
        columns=FACILITIES.columns, build=_build, save=_save, prepare=lambda: {"built": 0},
        max_rows=2,
    )  # fmt: skip
    lines = [f"施設{i},シセツ,茂原市,,," for i in range(3)]
    result = _import(_csv(*lines), spec=spec)
    assert _messages(result) == ["4行目：行が多すぎます（2行まで）。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "\r\n\r\n", ",,,\r\n"])
def test_an_empty_file_is_refused(text):
    result = _import(text)
    assert _messages(result) == ["ファイルが空です。"]


# --- headings -------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_required_columns_are_named():
    result = _import(_csv("茂原市役所", header="名称"))
    assert _messages(result) == ["1行目：必要な列がありません：名称_カナ、住所"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_unknown_columns_are_named():
    result = _import(_csv("茂原市役所,モバラ,茂原市,x", header="名称,名称_カナ,住所,FAX"))
    assert _messages(result) == ["1行目：使えない列があります：FAX"]


@pytest.mark.django_db
def test_optional_columns_may_be_left_out_and_headings_may_be_in_any_order():
    result = _import(_csv("茂原市,モバラ,茂原市役所", header="住所,名称_カナ,名称"))
    assert result.ok, _messages(result)
    facility = Facility.objects.get()
    assert (facility.name, facility.address, facility.phone) == ("茂原市役所", "茂原市", "")


@pytest.mark.django_db
def test_spaces_around_headings_and_cells_are_ignored():
    result = _import(_csv(" 茂原市役所 , モバラ ,茂原市", header=" 名称 ,名称_カナ, 住所"))
    assert result.ok, _messages(result)
    assert Facility.objects.get().name == "茂原市役所"


# --- lines ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_required_cell_names_line_and_column():
    result = _import(_csv(GOOD_LINES[0], "中央公民館,,茂原市,,,"))
    assert _messages(result) == ["3行目「名称_カナ」：この列は空にできません。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_key_twice_in_the_file_names_the_first_line():
    result = _import(_csv(GOOD_LINES[0], GOOD_LINES[1], "茂原市役所,モバラ,茂原市,,,"))
    assert _messages(result) == ["4行目「名称」：同じ値が2行目にもあります。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_validation_error_dict_from_build_lands_on_its_columns():
    result = _import(_csv(GOOD_LINES[0], "中央公民館,チュウオウ,茂原市,代表番号,北緯35度,"))
    assert sorted(_messages(result)) == [
        "3行目「緯度」：数字で入力してください。",
        "3行目「電話番号」：電話番号は数字とハイフンで入力してください。",
    ]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_validation_error_without_a_field_is_about_the_line():
    def build(values, context):
        raise ValidationError("この行は取り込めません。")

    spec = CsvImport(columns=FACILITIES.columns, build=build, save=_save)
    result = _import(_csv(GOOD_LINES[0]), spec=spec)
    assert _messages(result) == ["2行目：この行は取り込めません。"]
    assert result.errors == [RowError(2, "", "この行は取り込めません。")]


@pytest.mark.django_db
def test_a_refusal_from_build_lands_on_its_column():
    result = _import(_csv(GOOD_LINES[0], "閉鎖施設,ヘイサ,茂原市,,,"))
    assert _messages(result) == ["3行目「名称」：閉鎖した施設は登録できません。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_refusal_without_a_field_is_about_the_line():
    def build(values, context):
        raise Refusal("この施設は登録済みです。")

    spec = CsvImport(columns=FACILITIES.columns, build=build, save=_save)
    result = _import(_csv(GOOD_LINES[0]), spec=spec)
    assert _messages(result) == ["2行目：この施設は登録済みです。"]


@pytest.mark.django_db
def test_a_line_with_more_cells_than_headings_is_an_error():
    result = _import(_csv("茂原市役所,モバラ,茂原市,,,,余分"))
    assert _messages(result) == ["2行目：この行は見出しより列が多くなっています。"]


@pytest.mark.django_db
def test_a_short_line_leaves_the_missing_cells_empty():
    result = _import(_csv("茂原市役所,モバラ,茂原市"))
    assert result.ok, _messages(result)
    assert Facility.objects.get().phone == ""


@pytest.mark.django_db
def test_blank_lines_are_skipped_and_not_counted():
    result = _import(_csv(GOOD_LINES[0], "", ",,,,,", GOOD_LINES[1], ""))
    assert result.ok, _messages(result)
    assert result.rows == 2
    assert result.saved == 2


@pytest.mark.django_db
def test_errors_of_every_line_are_reported_together():
    result = _import(_csv("閉鎖施設,ヘイサ,茂原市,,,", GOOD_LINES[0], "中央公民館,,,,,"))
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "名称"),
        (4, "名称_カナ"),
        (4, "住所"),
    ]


# --- all or nothing ---------------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_line_among_many_saves_nothing():
    lines = [f"施設{i},シセツ,茂原市,,," for i in range(50)]
    lines[37] = "施設37,シセツ,茂原市,,北,"
    result = _import(_csv(*lines))
    assert _messages(result) == ["39行目「緯度」：数字で入力してください。"]
    assert result.saved == 0
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_checks_everything_and_saves_nothing():
    result = _import(_csv(*GOOD_LINES), dry_run=True)
    assert result.ok
    assert result.dry_run
    assert result.rows == 2
    assert result.saved == 0
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_reports_the_same_errors_as_the_real_run():
    text = _csv(GOOD_LINES[0], "中央公民館,,茂原市,,,")
    assert _messages(_import(text, dry_run=True)) == _messages(_import(text))


@pytest.mark.django_db
def test_an_integrity_error_while_saving_is_an_error_and_rolls_back_every_line(make_facility):
    # The check passed, then someone registered the same facility before the write.
    make_facility("中央公民館")
    result = _import(_csv(*GOOD_LINES))
    assert not result.ok
    assert result.saved == 0
    assert _messages(result) == [
        "同時に別の変更が保存されました。何も登録していません。もう一度お試しください。"
    ]
    assert list(Facility.objects.values_list("name", flat=True)) == ["中央公民館"]


@pytest.mark.django_db
def test_a_refusal_while_saving_is_an_error_and_rolls_back_every_line():
    def save(objects, by):
        objects[0].save()
        raise Refusal("この期間の登録は締め切りました。")

    spec = CsvImport(
        columns=FACILITIES.columns, build=_build, save=save, prepare=lambda: {"built": 0}
    )
    result = _import(_csv(*GOOD_LINES), spec=spec)
    assert _messages(result) == ["この期間の登録は締め切りました。"]
    assert result.saved == 0
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_the_importer_is_given_to_save_and_prepare_runs_once(dx_staff):
    calls = []

    def save(objects, by):
        calls.append((len(objects), by))
        return _save(objects, by)

    prepared = []

    def prepare():
        prepared.append(1)
        return {"built": 0}

    spec = CsvImport(columns=FACILITIES.columns, build=_build, save=save, prepare=prepare)
    result = run_import(spec, data=_csv(*GOOD_LINES).encode(), by=dx_staff)
    assert result.ok
    assert calls == [(2, dx_staff)]
    assert prepared == [1]


def test_the_template_has_a_bom_crlf_and_the_headings():
    text = FACILITIES.template_csv()
    assert text.startswith("\ufeff名称,名称_カナ,住所,電話番号,緯度,説明\r\n")
    assert "茂原市役所,モバラシヤクショ,千葉県茂原市道表1番地,,," in text


@pytest.mark.django_db
def test_the_template_imports_cleanly():
    result = _import(FACILITIES.template_csv())
    assert result.ok, _messages(result)
    assert Facility.objects.get().name == "茂原市役所"


@pytest.mark.django_db
def test_a_key_made_of_several_cells_names_the_record_as_people_read_it():
    spec = CsvImport(
        columns=FACILITIES.columns,
        build=_build,
        save=_save,
        prepare=lambda: {"built": 0},
        key=lambda values: f"{values['name']} {values['address']}" if values["name"] else None,
    )
    result = _import(
        _csv(
            "公民館,コウミンカン,茂原市高師,,,",
            "公民館,コウミンカン,茂原市本納,,,",  # same name elsewhere: another record
            "公民館,コウミンカン,茂原市高師,,,",
        ),
        spec=spec,
    )
    assert _messages(result) == ["4行目：公民館 茂原市高師 は2行目にもあります。"]
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_line_whose_key_function_gives_none_is_never_a_duplicate():
    spec = CsvImport(
        columns=FACILITIES.columns, build=_build, save=_save, prepare=lambda: {"built": 0},
        key=lambda values: None,
    )  # fmt: skip
    result = _import(_csv(GOOD_LINES[0], GOOD_LINES[1]), spec=spec)
    assert result.ok, _messages(result)

"""CSV import of items and organisations: every row checked first, then all or nothing."""

import io

import pytest

from core.models import AuditEntry
from lending.models import Item, Organisation

pytestmark = pytest.mark.django_db

ITEM_HEADER = "備品番号,種類,型番・名称,保管場所,状態,付属品,取得日,備考\n"
ORG_HEADER = "団体名,団体名カナ,種別,地区,代表者名,代表者電話番号,確認済み\n"


def upload(client, kind: str, text: str, *, encoding: str = "utf-8", check_only: bool = False):
    data = {"kind": kind, "file": io.BytesIO(text.encode(encoding))}
    data["file"].name = "import.csv"
    if check_only:
        data["check_only"] = "1"
    return client.post("/lending/import/", data)


@pytest.fixture
def staff(client_for, lending_staff):
    return client_for(lending_staff)


@pytest.fixture
def projector(make_type):
    return make_type("プロジェクター", default_components=["本体", "電源ケーブル"])


def test_good_item_file_adds_every_row_with_a_qr_token_and_audit(staff, projector, lending_staff):
    text = ITEM_HEADER + (
        "MB-PJ-101,プロジェクター,EPSON EB-W06,市役所1階,良好,本体;電源ケーブル;リモコン,2025/4/1,\n"
        "MB-PJ-102,プロジェクター,,市役所1階,,,,予備機\n"
    )
    response = upload(staff, "items", text)
    assert response.status_code == 302
    first = Item.objects.get(tag_number="MB-PJ-101")
    second = Item.objects.get(tag_number="MB-PJ-102")
    assert first.components == ["本体", "電源ケーブル", "リモコン"]
    assert str(first.acquired_on) == "2025-04-01"
    assert second.components == ["本体", "電源ケーブル"]  # the type's standard set
    assert first.qr_token != second.qr_token
    assert (
        AuditEntry.objects.filter(action="lending.item.imported", actor=lending_staff).count() == 2
    )
    assert "2件を登録しました" in staff.get("/lending/import/").content.decode()


def test_item_file_with_one_bad_row_imports_nothing_and_lists_the_error_in_japanese(
    staff, projector
):
    text = ITEM_HEADER + (
        "MB-PJ-201,プロジェクター,,,,,,\n"
        "MB-PJ-202,テント,,,,,,\n"  # no such type
        "MB-PJ-203,プロジェクター,,,,,,\n"
    )
    response = upload(staff, "items", text)
    html = response.content.decode()
    assert response.status_code == 200
    assert Item.objects.count() == 0
    assert "何も取り込んでいません" in html
    assert "3行目" in html
    assert "「テント」という種類の備品は登録されていません。" in html


def test_Shift_JIS_file_from_excel_is_read(staff):
    text = (
        ORG_HEADER
        + "本納北自治会,ホンノウキタジチカイ,自治会・町内会,本納地区,茂原 太郎,0475-00-0000,はい\n"
    )
    response = upload(staff, "organisations", text, encoding="cp932")
    assert response.status_code == 302
    org = Organisation.objects.get(name="本納北自治会")
    assert org.kind == Organisation.Kind.NEIGHBOURHOOD
    assert org.is_verified is True


def test_organisation_errors_name_line_column_and_reason(staff, make_org):
    make_org(name="既存自治会")
    text = ORG_HEADER + (
        "既存自治会,,自治会,,代表 一,,\n"  # exists already
        "新しい会,,政党,,代表 二,,\n"  # unknown kind
        "重複会,,その他,,,,\n"  # no representative
        "重複会,,その他,,代表 四,,たぶん\n"  # duplicate in file, bad yes/no
    )
    html = upload(staff, "organisations", text).content.decode()
    assert Organisation.objects.count() == 1
    assert "2行目" in html and "団体名" in html
    assert "3行目" in html and "次のどれかを書いてください" in html
    assert "4行目" in html and "この列は空にできません。" in html
    assert "5行目" in html and "同じ値が4行目にもあります。" in html


def test_existing_tag_number_is_refused_and_not_overwritten(staff, projector, make_item):
    existing = make_item(equipment_type=projector, tag_number="MB-PJ-001", name="元の名前")
    html = upload(
        staff, "items", ITEM_HEADER + "MB-PJ-001,プロジェクター,上書き,,,,,\n"
    ).content.decode()
    assert "2行目" in html
    existing.refresh_from_db()
    assert existing.name == "元の名前"


def test_missing_required_column_is_reported_before_any_row(staff):
    html = upload(staff, "items", "型番・名称\nなにか\n").content.decode()
    assert "必要な列がありません：備品番号、種類" in html


def test_check_only_validates_without_writing(staff, projector):
    response = upload(
        staff, "items", ITEM_HEADER + "MB-PJ-301,プロジェクター,,,,,,\n", check_only=True
    )
    assert response.status_code == 200
    assert "問題はありませんでした" in response.content.decode()
    assert not Item.objects.exists()


def test_template_csv_has_the_headings(staff):
    response = staff.get("/lending/import/items/template.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("備品番号,種類,")
    assert staff.get("/lending/import/nothing/template.csv").status_code == 404


def test_import_is_for_lending_staff_only(client, client_for, org_rep_user, kiosk_user, dx_staff):
    assert client.get("/lending/import/").status_code == 302
    for user in (org_rep_user, kiosk_user, dx_staff):
        assert client_for(user).get("/lending/import/").status_code == 403
        assert client_for(user).get("/lending/import/items/template.csv").status_code == 403


@pytest.mark.parametrize("kind", ["items", "organisations"])
@pytest.mark.parametrize(
    "body",
    [
        "\r{a}\r",  # old Mac line endings
        '\n"{big}"\n',  # a field over the csv module's 128 kB limit
        "\n{a}\x00\n",
    ],
    ids=["bare-cr", "field-over-128kB", "nul"],
)
def test_odd_files_get_an_answer_not_a_server_error(staff, projector, kind, body):
    header = (ITEM_HEADER if kind == "items" else ORG_HEADER).rstrip("\n")
    line = (
        "MB-PJ-101,プロジェクター,,市役所1階,,,,"
        if kind == "items"
        else "本町自治会,ほんちょうじちかい,自治会,本町,山田,0475-00-0000,"
    )
    text = header + body.format(a=line, big="x" * (129 * 1024))
    response = upload(staff, kind, text)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("typed", ["0155-09-20", "1899/12/31", "2100-01-01"])
def test_an_acquisition_date_outside_the_sane_range_is_refused(staff, projector, typed):
    text = ITEM_HEADER + f"MB-PJ-101,プロジェクター,,市役所1階,,,{typed},\n"
    response = upload(staff, "items", text)
    assert (
        "1900年1月1日から2099年12月31日までの日付を入力してください。" in response.content.decode()
    )
    assert not Item.objects.exists()

"""The two CSV files the desk imports, items and organisations, described for ``core.imports``.

``core.imports.run_import`` reads the file (UTF-8 or Shift_JIS from Excel), checks
every line and saves all of them or none. Here: the Japanese headings staff use,
how one line becomes an unsaved ``Item`` or ``Organisation``, and how the checked
records are saved with their audit entries. An import only adds records: a
備品番号 or group name that exists already is a line error, so an import can
never overwrite what the desk has recorded.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.forms import validate_day_in_range
from core.imports import Column, CsvImport
from lending.models import EquipmentType, Item, Organisation
from lending.services.availability import bump_availability

CONDITION_WORDS = {
    "良好": Item.Condition.GOOD,
    "使用感あり": Item.Condition.WORN,
    "破損": Item.Condition.DAMAGED,
}
KIND_WORDS = {
    "自治会": Organisation.Kind.NEIGHBOURHOOD,
    "町内会": Organisation.Kind.NEIGHBOURHOOD,
    "自治会・町内会": Organisation.Kind.NEIGHBOURHOOD,
    "市民活動団体": Organisation.Kind.CIVIC,
    "その他": Organisation.Kind.OTHER,
}
YES_WORDS = {"はい", "済", "確認済み", "○", "true", "yes", "1"}
NO_WORDS = {"", "いいえ", "未", "未確認", "×", "false", "no", "0"}


def _split_parts(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;；、,，\n]", text) if part.strip()]


def _parse_date(text: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        day = date.fromisoformat("-".join(p.zfill(2) for p in cleaned.split("-")))
    except ValueError as exc:
        raise ValidationError(_("Write the date as 2025-04-01 or 2025/4/1.")) from exc
    validate_day_in_range(day)  # the same range as every date typed into a form
    return day


def _validate(instance, errors: dict[str, str], *, exclude: list[str]) -> None:
    """Model validation (lengths, e-mail, uniqueness against the database) plus ``errors``."""
    try:
        instance.full_clean(exclude=[name for name in exclude if name in errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)


def _equipment_types() -> dict[str, EquipmentType]:
    """Looked up once per file: the types by the name staff write in the 種類 column."""
    return {t.name: t for t in EquipmentType.objects.all()}


def _build_item(values: dict[str, str], types: dict[str, EquipmentType]) -> Item:
    errors: dict[str, str] = {}
    type_name = values["equipment_type"]
    equipment_type = types.get(type_name)
    if type_name and equipment_type is None:
        errors["equipment_type"] = _("There is no equipment type named “%(name)s”.") % {
            "name": type_name
        }
    condition = Item.Condition.GOOD
    if values["condition"]:
        condition = CONDITION_WORDS.get(values["condition"], values["condition"])
        if condition not in Item.Condition.values:
            errors["condition"] = _("Write one of: %(choices)s.") % {
                "choices": "、".join(CONDITION_WORDS)
            }
    acquired_on = None
    if values["acquired_on"]:
        try:
            acquired_on = _parse_date(values["acquired_on"])
        except ValidationError as exc:
            errors["acquired_on"] = exc.messages[0]
    item = Item(
        equipment_type=equipment_type,
        tag_number=values["tag_number"],
        name=values["name"],
        storage_place=values["storage_place"],
        condition=condition,
        components=_split_parts(values["components"])
        or list(equipment_type.default_components if equipment_type else []),
        acquired_on=acquired_on,
        notes=values["notes"],
    )
    _validate(item, errors, exclude=["equipment_type", "condition", "acquired_on"])
    return item


def _build_organisation(values: dict[str, str], _context: None) -> Organisation:
    errors: dict[str, str] = {}
    kind = KIND_WORDS.get(values["kind"], values["kind"])
    if values["kind"] and kind not in Organisation.Kind.values:
        errors["kind"] = _("Write one of: %(choices)s.") % {"choices": "、".join(KIND_WORDS)}
    verified_text = values["is_verified"].strip().lower()
    if verified_text not in YES_WORDS | NO_WORDS:
        errors["is_verified"] = _("Write はい or いいえ.")
    organisation = Organisation(
        name=values["name"],
        name_kana=values["name_kana"],
        kind=kind,
        district=values["district"],
        representative_name=values["representative_name"],
        representative_phone=values["representative_phone"],
        representative_email=values["representative_email"],
        pickup_contact_name=values["pickup_contact_name"],
        pickup_contact_phone=values["pickup_contact_phone"],
        return_contact_name=values["return_contact_name"],
        return_contact_phone=values["return_contact_phone"],
        is_verified=verified_text in YES_WORDS,
        notes=values["notes"],
    )
    _validate(organisation, errors, exclude=["kind"] if "kind" in errors else [])
    return organisation


def _save_with_audit(action: str):
    def save(records: list, by) -> int:
        for record in records:
            record.save()
            audit_record(actor=by, action=action, target=record, note=_("Added by CSV import"))
        return len(records)

    return save


def _save_items(records: list, by) -> int:
    saved = _save_with_audit("lending.item.imported")(records, by)
    # New units are free on the public calendars of their types (core.pagecache).
    bump_availability(record.equipment_type_id for record in records)
    return saved


ITEMS = CsvImport(
    columns=[
        Column("備品番号", "tag_number", required=True, example="MB-PJ-010"),
        Column("種類", "equipment_type", required=True, example="プロジェクター"),
        Column("型番・名称", "name", example="EPSON EB-W06"),
        Column("保管場所", "storage_place", example="市役所1階 備品庫A"),
        Column("状態", "condition", example="良好"),
        Column("付属品", "components", example="本体;電源ケーブル;リモコン"),
        Column("取得日", "acquired_on", example="2025-04-01"),
        Column("備考", "notes"),
    ],
    build=_build_item,
    save=_save_items,
    prepare=_equipment_types,
    key="tag_number",
)

ORGANISATIONS = CsvImport(
    columns=[
        Column("団体名", "name", required=True, example="本納北自治会"),
        Column("団体名カナ", "name_kana", example="ホンノウキタジチカイ"),
        Column("種別", "kind", required=True, example="自治会・町内会"),
        Column("地区", "district", example="本納地区"),
        Column("代表者名", "representative_name", required=True, example="茂原 太郎"),
        Column("代表者電話番号", "representative_phone", example="0475-00-0000"),
        Column("代表者メール", "representative_email"),
        Column("受取担当者名", "pickup_contact_name"),
        Column("受取担当者電話番号", "pickup_contact_phone"),
        Column("返却担当者名", "return_contact_name"),
        Column("返却担当者電話番号", "return_contact_phone"),
        Column("確認済み", "is_verified", example="はい"),
        Column("備考", "notes"),
    ],
    build=_build_organisation,
    save=_save_with_audit("lending.organisation.imported"),
    key="name",
)

# What the import page offers, by the ``kind`` in its form and template URL.
KINDS = {"items": ITEMS, "organisations": ORGANISATIONS}

"""CSV import of items and organisations: every row is checked first, then all or nothing.

The files come from Excel as often as not, so Shift_JIS (cp932) is accepted
besides UTF-8, and the columns are the Japanese headings staff already use.
An import only adds records: a 備品番号 or group name that exists already is a
row error, so an import can never overwrite what the desk has recorded.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.imports import decode_upload
from lending.models import EquipmentType, Item, Organisation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    heading: str  # the CSV heading (the file format is Japanese, like the city's own sheets)
    field: str
    required: bool = False
    example: str = ""


ITEM_COLUMNS = [
    Column("備品番号", "tag_number", required=True, example="MB-PJ-010"),
    Column("種類", "equipment_type", required=True, example="プロジェクター"),
    Column("型番・名称", "name", example="EPSON EB-W06"),
    Column("保管場所", "storage_place", example="市役所1階 備品庫A"),
    Column("状態", "condition", example="良好"),
    Column("付属品", "components", example="本体;電源ケーブル;リモコン"),
    Column("取得日", "acquired_on", example="2025-04-01"),
    Column("備考", "notes"),
]

ORGANISATION_COLUMNS = [
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
]

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


@dataclass(frozen=True)
class RowError:
    line: int  # line in the file as a spreadsheet shows it (the heading is line 1)
    column: str
    message: str


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportKind:
    key: str
    columns: list[Column]
    build: Callable[[dict[str, str], "_Context"], object]
    model: type


class _Context:
    """State shared by the rows of one file: lookups done once, natural keys already seen."""

    def __init__(self) -> None:
        self.types = {t.name: t for t in EquipmentType.objects.all()}
        self.seen: dict[str, int] = {}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as saved by Japanese Excel."""
    text = decode_upload(data)
    if text is None:
        raise ValidationError(
            _("The file could not be read. Save it as CSV (UTF-8) and try again.")
        )
    return text


def _split_parts(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;；、,，\n]", text) if part.strip()]


def _parse_date(text: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in cleaned.split("-")))
    except ValueError as exc:
        raise ValidationError(_("Write the date as 2025-04-01 or 2025/4/1.")) from exc


def _build_item(values: dict[str, str], context: _Context) -> Item:
    errors: dict[str, str] = {}
    type_name = values["equipment_type"]
    equipment_type = context.types.get(type_name)
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


def _build_organisation(values: dict[str, str], context: _Context) -> Organisation:
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


def _validate(instance, errors: dict[str, str], *, exclude: list[str]) -> None:
    """Model validation (lengths, e-mail, uniqueness against the database) plus ``errors``."""
    try:
        instance.full_clean(exclude=[name for name in exclude if name in errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)


KINDS = {
    "items": ImportKind("items", ITEM_COLUMNS, _build_item, Item),
    "organisations": ImportKind(
        "organisations", ORGANISATION_COLUMNS, _build_organisation, Organisation
    ),
}


def template_csv(kind: str) -> str:
    """A file with the headings and one example row, to fill in with Excel."""
    columns = KINDS[kind].columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.heading for c in columns])
    writer.writerow([c.example for c in columns])
    return out.getvalue()


def import_csv(*, kind: str, data: bytes, by, dry_run: bool = False) -> ImportResult:
    """Check every row of the CSV ``data``; if all are good (and not ``dry_run``) add them all."""
    spec = KINDS[kind]
    result = ImportResult(kind=kind, dry_run=dry_run)
    headings = {c.heading: c for c in spec.columns}
    if len(data) > MAX_BYTES:
        result.errors.append(RowError(0, "", _("The file is too large (2 MB at most).")))
        return result
    try:
        text = decode(data)
    except ValidationError as exc:
        result.errors.append(RowError(0, "", exc.messages[0]))
        return result
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c.heading for c in spec.columns if c.required and c.heading not in header]
    unknown = [h for h in header if h and h not in headings]
    if missing:
        result.errors.append(
            RowError(1, "", _("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
        )
    if unknown:
        result.errors.append(
            RowError(1, "", _("Unknown columns: %(columns)s") % {"columns": "、".join(unknown)})
        )
    if result.errors:
        return result

    context = _Context()
    instances = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines that spreadsheets leave at the end
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append(RowError(line, "", _("Too many rows (5,000 at most).")))
            break
        if len(row) > len(header):
            result.errors.append(RowError(line, "", _("This row has more cells than headings.")))
            continue
        cells = dict(zip(header, [cell.strip() for cell in row], strict=False))
        values = {c.field: cells.get(c.heading, "") for c in spec.columns}
        row_errors: dict[str, str] = {}
        for column in spec.columns:
            if column.required and not values[column.field]:
                row_errors[column.field] = _("This column must not be empty.")
        key = values[spec.columns[0].field]
        if key and key in context.seen:
            row_errors.setdefault(
                spec.columns[0].field,
                _("The same value is on line %(line)s too.") % {"line": context.seen[key]},
            )
        elif key:
            context.seen[key] = line
        try:
            instance = spec.build(values, context)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                row_errors.setdefault(name, messages[0])
            instance = None
        by_field = {c.field: c.heading for c in spec.columns}
        for name, message in row_errors.items():
            result.errors.append(RowError(line, by_field.get(name, ""), message))
        if instance is not None and not row_errors:
            instances.append(instance)

    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            for instance in instances:
                instance.save()
                audit_record(
                    actor=by,
                    action=f"lending.{spec.model._meta.model_name}.imported",
                    target=instance,
                    note=_("Added by CSV import"),
                )
    except IntegrityError:
        # Someone added the same 備品番号 or group between the check and the write.
        result.errors.append(
            RowError(
                0,
                "",
                _(
                    "Another change was saved at the same time. Nothing was imported; please try again."
                ),
            )
        )
        return result
    result.created = len(instances)
    return result

"""The personnel list (人事名簿) as CSV, read by ``core.imports.run_import``.

All or nothing: every line is checked first; the save brings the staff list in line
with the file (``services.staff.staff_list_import``).
"""

from django.utils.translation import gettext as _

from core.imports import Column, CsvImport
from core.refusals import Refusal
from outreach.models import Section, StaffMember
from outreach.services.staff import StaffRow, staff_list_import


def _limit(values: dict[str, str], field: str, model, errors: dict[str, str]) -> None:
    most = model._meta.get_field(field).max_length
    if len(values[field]) > most:
        errors[field] = _("At most %(count)s characters.") % {"count": most}


def _build(values: dict[str, str], _context: None) -> StaffRow:
    errors: dict[str, str] = {}
    _limit(values, "employee_number", StaffMember, errors)
    _limit(values, "name", StaffMember, errors)
    _limit(values, "name_kana", StaffMember, errors)
    if len(values["section"]) > Section._meta.get_field("name").max_length:
        errors["section"] = _("At most %(count)s characters.") % {
            "count": Section._meta.get_field("name").max_length
        }
    if errors:
        raise Refusal(errors={field: [message] for field, message in errors.items()})
    return StaffRow(
        employee_number=values["employee_number"],
        name=" ".join(values["name"].split()),
        name_kana=" ".join(values["name_kana"].split()),
        section=values["section"],
    )


STAFF_LIST = CsvImport(
    columns=[
        Column("職員番号", "employee_number", required=True, example="012345"),
        Column("氏名", "name", required=True, example="茂原 花子"),
        Column("氏名カナ", "name_kana", example="モバラ ハナコ"),
        Column("所属", "section", required=True, example="総務課"),
    ],
    build=_build,
    save=staff_list_import,
    key="employee_number",
)

"""Demo staff list (as imported from the personnel list) and security training by person.

In 令和8年度 most staff signed the attendance sheet of a training session; those
rows are named here (the KPI figure stays the same: the rows were counted already).
A few staff in each section have not attended yet, so the list of who still needs
training has something to show.
"""

from core.fiscal import fiscal_year_bounds
from core.models import User
from outreach.models import Attendance, ClassSession, Course, StaffMember
from outreach.services.staff import StaffRow, staff_list_import

SECTIONS = {
    "総務課": ["茂原 一郎", "鶴枝 花子", "東郷 健", "庁南 真理", "豊岡 浩二", "五郷 さくら"],
    "生活課": ["本納 次郎", "新治 美咲", "二宮 和也", "早野 結衣", "長尾 誠"],
    "職員課": ["豊田 恵", "押日 大輔", "腰当 由美", "高師 翔"],
    "企画政策課": ["上茂原 直樹", "緑ヶ丘 彩", "八千代 亮", "中の島 舞"],
    "秘書広報課": ["早野 拓海", "木崎 奈々", "萩原 隼人"],
}
# Who has not attended this year (by position in the list above): two in 総務課, one elsewhere.
UNTRAINED = {"総務課": [4, 5], "生活課": [3], "職員課": [2], "企画政策課": [], "秘書広報課": [1]}


def _rows() -> list[StaffRow]:
    rows = []
    for s_index, (section, names) in enumerate(SECTIONS.items(), start=1):
        for n_index, name in enumerate(names, start=1):
            rows.append(
                StaffRow(
                    employee_number=f"0{s_index}{n_index:04d}",
                    name=name,
                    name_kana="",
                    section=section,
                )
            )
    return rows


def seed(stdout=None, *, fiscal_year: int) -> None:
    somu = User.objects.filter(email="somu@example.jp").first()
    rows = _rows()
    if not StaffMember.objects.filter(employee_number=rows[0].employee_number).exists():
        staff_list_import(rows, somu)
    if Attendance.objects.filter(staff_member__isnull=False).exists():
        return
    start, end = fiscal_year_bounds(fiscal_year)
    sessions = list(
        ClassSession.objects.filter(
            course__category=Course.Category.SECURITY_TRAINING,
            status=ClassSession.Status.HELD,
            starts_at__gte=start,
            starts_at__lt=end,
        ).order_by("starts_at")
    )
    if not sessions:
        return
    skipped = {
        f"0{s_index}{n:04d}"
        for s_index, section in enumerate(SECTIONS, start=1)
        for n in UNTRAINED[section]
    }
    trained = [
        m
        for m in StaffMember.objects.order_by("employee_number")
        if m.employee_number not in skipped
    ]
    for index, member in enumerate(trained):
        session = sessions[index % len(sessions)]
        row = (
            Attendance.objects.filter(
                session=session, staff_member__isnull=True, status=Attendance.Status.ATTENDED
            )
            .order_by("id")
            .first()
        )
        if row is None:
            continue
        Attendance.objects.filter(pk=row.pk).update(
            staff_member=member, person_key=f"staff:{member.pk}"
        )
    if stdout:
        stdout.write(
            f"outreach: {len(rows)} staff from the personnel list, {len(skipped)} not yet trained\n"
        )

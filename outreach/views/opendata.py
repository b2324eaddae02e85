"""Open data (自治体標準オープンデータセット, 推奨データセット layout): イベント一覧 as UTF-8
CSV with the exact header row of REFERENCE.md (the 公共施設一覧 is core's)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.fiscal import current_fiscal_year, fiscal_year_bounds
from core.opendata import city_columns, opendata_response
from outreach.models import ClassSession

EVENT_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "イベント名",
    "イベント名_カナ",
    "イベント名_英語",
    "開始日",
    "終了日",
    "開始時間",
    "終了時間",
    "開始日時特記事項",
    "説明",
    "料金(基本)",
    "料金(詳細)",
    "連絡先名称",
    "連絡先電話番号",
    "連絡先内線番号",
    "主催者",
    "場所名称",
    "住所",
    "方書",
    "緯度",
    "経度",
    "アクセス方法",
    "駐車場情報",
    "定員",
    "参加申込終了日",
    "参加申込終了時間",
    "参加申込方法",
    "URL",
    "備考",
]


def _event_path(session: ClassSession, now) -> str:
    """The page to apply on while the class takes applications, else the class list."""
    if session.starts_at > now and session.status in {
        ClassSession.Status.OPEN,
        ClassSession.Status.FULL,
    }:
        return reverse("outreach:public_session", args=[session.pk])
    return reverse("outreach:public_classes")


@login_not_required
def events_csv(request):
    """イベント一覧: resident classes of this fiscal year onwards (not cancelled, not merely planned)."""
    start, _end = fiscal_year_bounds(current_fiscal_year())
    sessions = (
        ClassSession.objects.for_residents()
        .filter(
            starts_at__gte=start,
            status__in=[
                ClassSession.Status.OPEN,
                ClassSession.Status.FULL,
                ClassSession.Status.HELD,
            ],
        )
        .select_related("course", "venue")
        .order_by("starts_at", "id")
    )
    city = settings.TSUNAGU["city"]
    section = settings.TSUNAGU["sections"]["dx"]
    rows = []
    now = timezone.now()
    with translation.override("ja"):  # the data set is Japanese whatever the visitor's language
        for number, session in enumerate(sessions, start=1):
            begins = timezone.localtime(session.starts_at)
            ends = timezone.localtime(session.ends_at)
            venue = session.venue
            notes = []
            if session.course.what_to_bring:
                notes.append(
                    _("What to bring: %(items)s") % {"items": session.course.what_to_bring}
                )
            if session.status == ClassSession.Status.FULL:
                notes.append(_("Full (waiting list open)"))
            rows.append(
                [
                    *city_columns(number),
                    session.title,
                    session.course.name_kana,
                    "",
                    begins.date().isoformat(),
                    ends.date().isoformat(),
                    f"{begins:%H:%M}",
                    f"{ends:%H:%M}",
                    "",
                    session.course.description
                    or _("A free class: %(course)s.") % {"course": session.course.name},
                    _("Free"),
                    "",
                    f"{city['name']}{section}",
                    city["phone"],
                    "",
                    city["name"],
                    venue.name,
                    venue.address,
                    session.room or venue.address_detail,
                    venue.latitude,
                    venue.longitude,
                    "",
                    "",
                    session.capacity,
                    begins.date().isoformat(),
                    f"{begins:%H:%M}",
                    _("By phone, at the counter or online"),
                    settings.SITE_URL + _event_path(session, now),
                    " ".join(notes),
                ]
            )
    return opendata_response("events.csv", EVENT_COLUMNS, rows)

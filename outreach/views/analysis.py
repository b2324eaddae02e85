"""Analysis for 総務課 (EBPM) and the 個人情報ファイル簿 entry of the participant file."""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from core import pagecache
from core.fiscal import current_fiscal_year, fiscal_year_label
from core.roles import Role, role_required
from outreach import selectors
from outreach.charts import bar_chart
from outreach.forms import FiscalYearForm
from outreach.models import Application, Attendance, Course
from outreach.services.privacy import retention_years


def _fiscal_year(request) -> tuple[int, FiscalYearForm]:
    this = current_fiscal_year()
    years = list(range(this + 1, this - 5, -1))
    form = FiscalYearForm(request.GET or None, years=years, initial={"fy": this})
    return form.year(default=this), form


# The counts are cached per fiscal year, audience and language under a version that
# every write to what they show bumps in its own transaction (core.pagecache), so a
# recorded attendance shows on the next request. The copy also expires: a write that
# goes round the services (the admin, a venue renamed in core) shows within this time.
# The follow-up list is personal data: read afresh each time, never copied to the cache.
ANALYSIS_CACHE_SECONDS = 600


def _figures(year: int, audience: str) -> dict:
    """The counts below the form: worked out only when the cached copy is missing."""
    counts = selectors.class_analysis(fiscal_year=year, audience=audience)
    return {
        "totals": counts.totals,
        "nobody": counts.nobody,
        "charts": [
            (bar_chart(key, str(selectors.DIMENSION_TITLES[key]), figure.rows), figure)
            for key, figure in counts.breakdowns.items()
        ],
        "sessions": selectors.session_fill_rates(fiscal_year=year, audience=audience),
        "flagged": selectors.sessions_held_without_attendance(fiscal_year=year),
    }


@role_required(Role.DX_STAFF)
def analysis(request):
    """Breakdowns as charts with tables, fill rates, nobody-to-ask share, follow-ups."""
    year, form = _fiscal_year(request)
    audience = request.GET.get("audience", Course.Audience.RESIDENTS)
    if audience not in Course.Audience.values:
        audience = Course.Audience.RESIDENTS
    return render(
        request,
        "outreach/analysis.html",
        {
            "year": year,
            "form": form,
            "audience": audience,
            "audiences": Course.Audience.choices,
            "figures": SimpleLazyObject(lambda: _figures(year, audience)),
            "follow_ups": selectors.follow_up_requests(fiscal_year=year),
            "cache_version": pagecache.version(selectors.ANALYSIS_CACHE),
            "cache_seconds": ANALYSIS_CACHE_SECONDS,
        },
    )


@role_required(Role.DX_STAFF)
def privacy_register(request):
    """The 個人情報ファイル簿 entry for the class participant file, with today's numbers."""
    kept = Application.objects.filter(anonymised_at__isnull=True)
    walk_ins = Attendance.objects.filter(is_walk_in=True, anonymised_at__isnull=True).exclude(
        name=""
    )
    keys = set(kept.exclude(person_key="").values_list("person_key", flat=True))
    keys |= set(walk_ins.exclude(person_key="").values_list("person_key", flat=True))
    people = len(keys) + walk_ins.filter(person_key="").count()
    counts = kept.aggregate(
        applications=Count("pk"), online=Count("pk", filter=Q(channel="online"))
    )
    city = settings.TSUNAGU["city"]
    years = retention_years()
    return render(
        request,
        "outreach/privacy_register.html",
        {
            "city": city,
            "section": settings.TSUNAGU["sections"]["dx"],
            "people": people,
            "counts": counts,
            "over_threshold": people >= 1000,
            "retention_years": years,
            "retention_text": _(
                "Until the end of the fiscal year %(n)s year(s) after the fiscal year of the class; "
                "then names, kana, phone numbers, wishes and comments are anonymised "
                "(the counts are kept)."
            )
            % {"n": years},
            "current_label": fiscal_year_label(current_fiscal_year()),
        },
    )

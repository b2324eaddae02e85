"""The year-end check of the measures and its review: the sections fill their rows,
総務課 records the DX board's meeting, confirms (closes) and publishes the year."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.fiscal import current_fiscal_year
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required

from .. import review
from ..forms import BoardReviewForm, MeasureCheckForm
from ..models import Measure, MeasureCheck, YearReview
from ..sheets import current_closing, period_for_year, published_years
from .common import history_of

section_staff = role_required(Role.DX_STAFF, Role.LENDING_STAFF, Role.LENDING_LEAD)
dx_staff_only = role_required(Role.DX_STAFF)


def get_measure_for_user(request, fiscal_year: int, code: str) -> Measure:
    """A measure of the year's plan whose row the user fills (総務課: every row); else 404."""
    period = period_for_year(fiscal_year)
    if period is None:
        raise Http404
    return get_object_or_404(review.measures_for(request.user, period), code=code)


def _steps(status: str) -> list[dict]:
    return [
        {"label": label, "done": review.reached(status, value), "current": value == status}
        for value, label in YearReview.Status.choices
    ]


@section_staff
def review_index(request):
    """Open the check of the year that ended last (the year-end check is made after it)."""
    year = current_fiscal_year() - 1
    if period_for_year(year) is None:
        years = [y for y in published_years() if period_for_year(y) is not None]
        if not years:
            raise Http404
        year = years[0]
    return redirect("kpi:review", fiscal_year=year)


@section_staff
def review_page(request, fiscal_year: int):
    """The year's check sheet of measures and where its review stands."""
    if period_for_year(fiscal_year) is None:
        raise Http404
    year_review = review.review_of(fiscal_year)
    status = year_review.status if year_review else YearReview.Status.DRAFTING
    is_dx = review.sees_every_measure(request.user)
    return render(
        request,
        "kpi/review.html",
        {
            "fiscal_year": fiscal_year,
            "review": year_review,
            "status": status,
            "status_label": YearReview.Status(status).label,
            "steps": _steps(status),
            "rows": review.check_rows(fiscal_year, request.user),
            "is_dx": is_dx,
            "rows_open": not review.reached(status, YearReview.Status.BOARD),
            "unfilled": review.unfilled_measures(fiscal_year) if is_dx else [],
            "closing": current_closing(fiscal_year),
            "all_years": [y for y in published_years() if period_for_year(y) is not None],
            "history": history_of(year_review, YearReview, limit=20) if year_review else [],
        },
    )


@section_staff
def check_edit(request, fiscal_year: int, code: str):
    """A section fills its row of the check sheet for one measure."""
    measure = get_measure_for_user(request, fiscal_year, code)
    instance = MeasureCheck.objects.filter(measure=measure, fiscal_year=fiscal_year).first()
    form = MeasureCheckForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            review.check_save(
                measure=measure, fiscal_year=fiscal_year, data=form.cleaned_data, by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The row of the check sheet was saved."))
            return redirect("kpi:review", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/check_form.html",
        {
            "form": form,
            "measure": measure,
            "fiscal_year": fiscal_year,
            "plan": measure.plan_for(fiscal_year),
            "history": history_of(instance, MeasureCheck, limit=20) if instance else [],
        },
    )


@dx_staff_only
@require_POST
def review_filled(request, fiscal_year: int):
    """総務課 marks the sections' rows as complete (所管課記入済み)."""
    try:
        review.review_mark_filled(fiscal_year=fiscal_year, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, gettext("The check sheet is ready for the DX board."))
    return redirect("kpi:review", fiscal_year=fiscal_year)


@dx_staff_only
def review_board(request, fiscal_year: int):
    """Record the DX board's meeting: date, decision and its word on each measure."""
    if period_for_year(fiscal_year) is None:
        raise Http404
    year_review = review.review_of(fiscal_year)
    rows = review.check_rows(fiscal_year)
    initial = (
        {"meeting_date": year_review.meeting_date, "decision": year_review.decision}
        if year_review
        else {}
    )
    form = BoardReviewForm(request.POST or None, rows=rows, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review.board_record(
                fiscal_year=fiscal_year,
                meeting_date=form.cleaned_data["meeting_date"],
                decision=form.cleaned_data["decision"],
                per_measure=form.per_measure(),
                new_measure=form.new_measure(),
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The DX board's review was recorded."))
            return redirect("kpi:review", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/board_form.html",
        {"form": form, "fiscal_year": fiscal_year, "rows": rows, "review": year_review},
    )


@dx_staff_only
@require_POST
def review_publish(request, fiscal_year: int):
    """Publish a confirmed year on the public KPI report (公表)."""
    try:
        review.review_publish(fiscal_year=fiscal_year, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, gettext("The year is published on the public KPI report."))
    return redirect("kpi:review", fiscal_year=fiscal_year)

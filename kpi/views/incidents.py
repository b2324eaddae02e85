"""総務課: the analysis of the incident register by fiscal year, kind and cause (the EBPM
row of measure ①, 情報セキュリティポリシーの見直し)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.fiscal import current_fiscal_year, fiscal_year_label
from core.roles import Role, role_required

from ..models import PlanPeriod
from ..selectors import incident_analysis

# At most this many fiscal years side by side: the table stays readable and bounded.
MAX_YEARS = 10


class YearRangeForm(forms.Form):
    first = forms.TypedChoiceField(label=_("First fiscal year"), coerce=int, required=False)
    last = forms.TypedChoiceField(label=_("Last fiscal year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = current_fiscal_year()
        choices = [(y, fiscal_year_label(y)) for y in range(today, today - MAX_YEARS * 2, -1)]
        self.fields["first"].choices = self.fields["last"].choices = choices

    def years(self) -> tuple[int, int]:
        """The chosen range; by default the current plan's first year up to this year."""
        today = current_fiscal_year()
        period = PlanPeriod.objects.filter(first_fiscal_year__lte=today).order_by(
            "-first_fiscal_year"
        )
        default_first = period.values_list("first_fiscal_year", flat=True).first() or today
        data = self.cleaned_data if self.is_valid() else {}
        first, last = data.get("first") or default_first, data.get("last") or today
        first, last = min(first, last), max(first, last)
        return max(first, last - MAX_YEARS + 1), last


@role_required(Role.DX_STAFF)
@require_GET
def incident_analysis_page(request):
    """Incidents per fiscal year by kind and by cause, serious ones beside."""
    form = YearRangeForm(request.GET or None)
    first, last = form.years()
    return render(
        request,
        "kpi/incident_analysis.html",
        {"form": form, "analysis": incident_analysis(first_year=first, last_year=last)},
    )

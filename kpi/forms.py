"""Forms of the yearly review. Labels come from the models' verbose names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, day_formfield

from .models import Incident, KpiComment, KpiDefinition, ManualValue, section_choices
from .services import INCIDENT_FIELDS, KPI_EDITABLE_FIELDS
from .sources import source_choices


class KpiDefinitionForm(forms.ModelForm):
    class Meta:
        model = KpiDefinition
        fields = KPI_EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"] = forms.ChoiceField(
            label=KpiDefinition._meta.get_field("source_key").verbose_name,
            help_text=KpiDefinition._meta.get_field("source_key").help_text,
            choices=[("", _("Manual entry"))] + source_choices(),
            required=False,
        )
        self.fields["section"] = forms.ChoiceField(
            label=KpiDefinition._meta.get_field("section").verbose_name,
            choices=section_choices(),
        )


class YearTargetForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, choices=())
    value = forms.DecimalField(
        label=_("Intermediate target"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to remove the intermediate target of that year."),
    )

    def __init__(self, *args, kpi: KpiDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        from core.fiscal import fiscal_year_label

        self.fields["fiscal_year"].choices = [
            (year, fiscal_year_label(year)) for year in kpi.years[1:]
        ]


class CommentForm(forms.ModelForm):
    class Meta:
        model = KpiComment
        fields = ["analysis", "outlook"]
        widgets = {
            "analysis": forms.Textarea(attrs={"rows": 5}),
            "outlook": forms.Textarea(attrs={"rows": 5}),
        }


class ManualValueForm(forms.ModelForm):
    class Meta:
        model = ManualValue
        fields = ["value", "note"]


class IncidentForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = Incident
        fields = INCIDENT_FIELDS
        widgets = {
            "occurred_on": DateInput(),
            "resolved_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "response": forms.Textarea(attrs={"rows": 4}),
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-opening"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("This is recorded in the audit trail and cannot be changed."),
    )


class VersionUpForm(forms.Form):
    """基本方針のバージョンアップ: a new plan period with a new target for each KPI."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    last_fiscal_year = forms.TypedChoiceField(label=_("Target fiscal year"), coerce=int, choices=())

    def __init__(self, *args, previous, **kwargs):
        super().__init__(*args, **kwargs)
        from core.fiscal import fiscal_year_label

        first = previous.last_fiscal_year + 1
        self.fields["last_fiscal_year"].choices = [
            (year, fiscal_year_label(year)) for year in range(first, first + 10)
        ]
        self.kpi_fields = []
        for kpi in previous.kpis.order_by("sort_order", "id"):
            name = f"target_{kpi.code}"
            self.fields[name] = forms.DecimalField(
                label=_("New target: %(kpi)s (%(unit)s)") % {"kpi": kpi.name, "unit": kpi.unit},
                initial=kpi.target_value,
                min_value=0,
                disabled=kpi.direction == KpiDefinition.Direction.KEEP_ZERO,
            )
            self.kpi_fields.append((kpi.code, name))

    def clean_code(self):
        from .models import PlanPeriod

        code = self.cleaned_data["code"]
        if PlanPeriod.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A plan period with this code exists already."))
        return code

    def targets(self) -> dict:
        return {code: self.cleaned_data[name] for code, name in self.kpi_fields}

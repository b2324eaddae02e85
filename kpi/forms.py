"""Forms of the yearly review. Labels come from the models' verbose names."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
        model = Incident
        fields = INCIDENT_FIELDS
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "resolved_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "response": forms.Textarea(attrs={"rows": 4}),
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-opening"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("This is recorded in the audit trail and cannot be changed."),
    )

"""Forms of the yearly review. Labels come from the models' verbose names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DayField, day_formfield

from .models import (
    Incident,
    KpiComment,
    KpiDefinition,
    ManualValue,
    MeasureCheck,
    section_choices,
)
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


# --- The year-end check of measures and the DX board's review ---------------------


class MeasureCheckForm(forms.ModelForm):
    """A section's row of the check sheet (実施状況, 実施内容, 自己評価, 課題, 今後の方向性)."""

    class Meta:
        model = MeasureCheck
        fields = ["progress", "done", "assessment", "issues", "direction"]
        widgets = {
            "progress": forms.RadioSelect,
            "assessment": forms.RadioSelect,
            "done": forms.Textarea(attrs={"rows": 4}),
            "issues": forms.Textarea(attrs={"rows": 3}),
            "direction": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required for the row to count as filled in; the model allows blanks for a
        # row not started yet.
        for name in ("progress", "assessment", "direction"):
            self.fields[name].required = True
        self.fields["progress"].choices = MeasureCheck.Progress.choices
        self.fields["assessment"].choices = MeasureCheck.Assessment.choices


class BoardReviewForm(forms.Form):
    """The DX board's meeting: its date and decision, and its word on each measure."""

    meeting_date = DayField(label=_("Date of the DX board meeting"))
    decision = forms.CharField(
        label=_("Decisions of the meeting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the board decided about the year as a whole, for the minutes."),
    )

    new_name = forms.CharField(
        label=_("New measure for the next version"),
        required=False,
        max_length=200,
        help_text=_("Only when the DX board decided to add a measure; leave empty otherwise."),
    )
    new_area = forms.ChoiceField(
        label=_("Area of the new measure"),
        required=False,
        choices=[("", "−"), *KpiDefinition.Area.choices],
    )
    new_section = forms.ChoiceField(
        label=_("Responsible section of the new measure"), required=False
    )
    new_actions = forms.CharField(
        label=_("Actions of the new measure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_section"].choices = [("", "−"), *section_choices()]
        self.rows = rows
        for row in rows:
            measure, check = row["measure"], row["check"]
            self.fields[f"decision_{measure.pk}"] = forms.ChoiceField(
                label=_("Decision on “%(measure)s”") % {"measure": measure.name},
                choices=MeasureCheck.Decision.choices,
                widget=forms.RadioSelect,
                initial=check.board_decision if check else None,
            )
            self.fields[f"comment_{measure.pk}"] = forms.CharField(
                label=_("Comment on “%(measure)s”") % {"measure": measure.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=check.board_comment if check else "",
            )

    def clean(self):
        data = super().clean()
        if data.get("new_name"):
            for name in ("new_area", "new_section"):
                if not data.get(name):
                    self.add_error(name, _("Choose this for the new measure."))
        return data

    def new_measure(self) -> dict[str, str] | None:
        if not self.cleaned_data.get("new_name"):
            return None
        return {
            "name": self.cleaned_data["new_name"],
            "area": self.cleaned_data["new_area"],
            "section": self.cleaned_data["new_section"],
            "actions": self.cleaned_data["new_actions"],
        }

    def per_measure(self) -> dict[int, dict[str, str]]:
        return {
            row["measure"].pk: {
                "board_decision": self.cleaned_data[f"decision_{row['measure'].pk}"],
                "board_comment": self.cleaned_data[f"comment_{row['measure'].pk}"],
            }
            for row in self.rows
        }
